package io.tokenport.zone.admission;

/** A key used up its allowance; the client may retry after {@link #retryAfterSeconds()}. */
public final class RateLimitExceededException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String limit;
    private final long retryAfterSeconds;

    RateLimitExceededException(String limit, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Which limit: {@code requests} or {@code tokens}. */
    public String limit() {
        return limit;
    }

    /** Whole seconds until the request would be admitted, at least 1. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
