package io.tokenport.zone.screening;

/** A screening rules file the zone cannot use; the message names the file, the entry and what to fix. */
public final class ScreeningRulesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with a message naming the entry and what to fix. */
    public ScreeningRulesException(String message) {
        super(message);
    }

    /** The same, with the underlying cause (an I/O error, or an error from parsing the file's contents). */
    public ScreeningRulesException(String message, Throwable cause) {
        super(message, cause);
    }
}
