package io.tokenport.zone.admission;

/**
 * How much one API key may use per minute; 0 means no limit.
 *
 * @param requestsPerMinute requests started
 * @param tokensPerMinute   prompt plus generated tokens
 */
public record KeyLimits(int requestsPerMinute, int tokensPerMinute) {

    /** No limits. */
    public static final KeyLimits UNLIMITED = new KeyLimits(0, 0);

    public KeyLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rate limits must be 0 (none) or positive, got " + requestsPerMinute
                    + " requests and " + tokensPerMinute + " tokens per minute");
        }
    }
}
