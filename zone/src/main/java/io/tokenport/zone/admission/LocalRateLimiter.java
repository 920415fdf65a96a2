package io.tokenport.zone.admission;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RateLimiter} with the buckets in this process: for a zone that runs as one replica. Each key's buckets
 * are guarded by their own lock, so keys never contend.
 */
public final class LocalRateLimiter implements RateLimiter {
    private static final double MILLIS_PER_MINUTE = 60_000.0;

    private final InstantSource clock;
    private final ConcurrentHashMap<String, KeyBuckets> buckets = new ConcurrentHashMap<>();

    /** A limiter whose buckets refill by {@code clock}. */
    public LocalRateLimiter(InstantSource clock) {
        this.clock = clock;
    }

    /** The two buckets of one key. Levels start full. */
    private static final class KeyBuckets {
        double requests = Double.NaN;
        double tokens = Double.NaN;
        long updatedMillis;

        /** Refills both buckets for the time since the last update, up to their capacities. */
        void refill(KeyLimits limits, long now) {
            double minutes = (now - updatedMillis) / MILLIS_PER_MINUTE;
            requests = refilled(requests, limits.requestsPerMinute(), minutes);
            tokens = refilled(tokens, limits.tokensPerMinute(), minutes);
            updatedMillis = now;
        }

        private static double refilled(double level, int perMinute, double minutes) {
            if (Double.isNaN(level)) {
                return perMinute;
            }
            return Math.min(perMinute, level + perMinute * Math.max(0, minutes));
        }
    }

    @Override
    public void admit(String keyId, KeyLimits limits, int promptTokens) throws RateLimitExceededException {
        if (limits.requestsPerMinute() == 0 && limits.tokensPerMinute() == 0) {
            return;
        }
        KeyBuckets b = buckets.computeIfAbsent(keyId, k -> new KeyBuckets());
        synchronized (b) {
            b.refill(limits, clock.millis());
            int rpm = limits.requestsPerMinute();
            if (rpm > 0 && b.requests < 1) {
                throw RateLimitExceededException.requests(keyId, rpm, secondsUntil(1 - b.requests, rpm));
            }
            int tpm = limits.tokensPerMinute();
            if (tpm > 0) {
                // A prompt bigger than the whole allowance waits for a full bucket rather than forever.
                double needed = Math.min(promptTokens, tpm);
                if (b.tokens < needed) {
                    throw RateLimitExceededException.tokens(keyId, tpm, promptTokens, secondsUntil(needed - b.tokens, tpm));
                }
                b.tokens -= promptTokens;
            }
            if (rpm > 0) {
                b.requests -= 1;
            }
        }
    }

    @Override
    public void refund(String keyId, KeyLimits limits, int promptTokens) {
        KeyBuckets b = buckets.get(keyId);
        if (b == null) {
            return;
        }
        synchronized (b) {
            b.refill(limits, clock.millis());
            if (limits.requestsPerMinute() > 0) {
                b.requests = Math.min(limits.requestsPerMinute(), b.requests + 1);
            }
            if (limits.tokensPerMinute() > 0) {
                b.tokens = Math.min(limits.tokensPerMinute(), b.tokens + promptTokens);
            }
        }
    }

    @Override
    public void charge(String keyId, KeyLimits limits, int completionTokens) {
        if (limits.tokensPerMinute() == 0 || completionTokens == 0) {
            return;
        }
        KeyBuckets b = buckets.computeIfAbsent(keyId, k -> new KeyBuckets());
        synchronized (b) {
            b.refill(limits, clock.millis());
            b.tokens -= completionTokens;
        }
    }

    static long secondsUntil(double missing, int perMinute) {
        return Math.max(1, (long) Math.ceil(missing * 60.0 / perMinute));
    }
}
