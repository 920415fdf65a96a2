package io.tokenport.link.attestation;

/**
 * An attestation the zone does not accept, with the reason code, a message for the operator, and the attestation
 * as it was parsed (unverified: for the refusal record only), if it parsed at all.
 */
public final class AttestationRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final RefusalReason reason;
    private final transient OriginAttestation claimed;

    public AttestationRefusedException(RefusalReason reason, String message, OriginAttestation claimed) {
        super(message, null, false, false);
        this.reason = reason;
        this.claimed = claimed;
    }

    /** What the refused header claimed, unverified; null if it did not parse. */
    public OriginAttestation claimed() {
        return claimed;
    }

    /** The reason code. */
    public RefusalReason reason() {
        return reason;
    }
}
