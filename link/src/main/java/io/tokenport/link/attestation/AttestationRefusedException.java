package io.tokenport.link.attestation;

/** An attestation the zone does not accept, with the reason code and a message for the operator. */
public final class AttestationRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RefusalReason reason;

    public AttestationRefusedException(RefusalReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** The reason code. */
    public RefusalReason reason() {
        return reason;
    }
}
