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

    /** The requests-per-minute limit of {@code keyId} is used up. */
    static RateLimitExceededException requests(String keyId, int perMinute, long retryAfterSeconds) {
        return new RateLimitExceededException("requests", "Rate limit reached for requests per minute on key " + keyId
                + ": limit " + perMinute + ". Retry after the time in the Retry-After header.", retryAfterSeconds);
    }

    /** The tokens-per-minute limit of {@code keyId} cannot take a prompt of {@code requested} tokens now. */
    static RateLimitExceededException tokens(String keyId, int perMinute, int requested, long retryAfterSeconds) {
        return new RateLimitExceededException("tokens", "Rate limit reached for tokens per minute on key " + keyId
                + ": limit " + perMinute + ", requested " + requested
                + ". Retry after the time in the Retry-After header.", retryAfterSeconds);
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
