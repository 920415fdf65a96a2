package io.tokenport.zone.screening;

/** A screening rules file the zone cannot use; the message names the file, the entry and what to fix. */
public final class ScreeningRulesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScreeningRulesException(String message) {
        super(message);
    }

    public ScreeningRulesException(String message, Throwable cause) {
        super(message, cause);
    }
}
