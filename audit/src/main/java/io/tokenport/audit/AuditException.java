package io.tokenport.audit;

/**
 * Something in the evidence layer is not as it must be: a malformed record, a damaged log file, a bad key
 * file, a proof that does not verify. The message says what and where, so an operator or a regulator can act
 * on it without reading code.
 */
public class AuditException extends RuntimeException {

    /** An error with an actionable message. */
    public AuditException(String message) {
        super(message);
    }

    /** An error with an actionable message and the I/O or crypto failure behind it. */
    public AuditException(String message, Throwable cause) {
        super(message, cause);
    }
}
