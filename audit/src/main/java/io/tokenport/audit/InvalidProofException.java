package io.tokenport.audit;

/** An inclusion or consistency proof does not verify; the message says which step failed. */
public final class InvalidProofException extends AuditException {

    /** A failed proof with the reason. */
    public InvalidProofException(String message) {
        super(message);
    }
}
