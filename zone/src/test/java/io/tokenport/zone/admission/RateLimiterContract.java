package io.tokenport.zone.admission;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link RateLimiter} must do; each implementation's test class runs these. */
abstract class RateLimiterContract {
    /** A clock the test moves by hand. */
    static final class ManualClock implements InstantSource {
        long millis = 1_000_000;

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    final ManualClock clock = new ManualClock();
    private RateLimiter limiter;

    /** A fresh limiter with no buckets yet, refilling by {@code clock}. */
    abstract RateLimiter newLimiter(InstantSource clock);

    @org.junit.jupiter.api.BeforeEach
    void createLimiter() {
        limiter = newLimiter(clock);
    }

    @Test
    void requestsBurstUpToTheLimitThenRefillOnePerInterval() throws Exception {
        KeyLimits limits = new KeyLimits(3, 0);
        for (int i = 0; i < 3; i++) {
            limiter.admit("k", limits, 10);
        }
        assertThatThrownBy(() -> limiter.admit("k", limits, 10))
                .isInstanceOfSatisfying(RateLimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo("requests");
                    assertThat(e.retryAfterSeconds()).isEqualTo(20);
                });
        clock.millis += 20_000;
        limiter.admit("k", limits, 10);
        assertThatThrownBy(() -> limiter.admit("k", limits, 10)).isInstanceOf(RateLimitExceededException.class);
    }

    @Test
    void generatedTokensAreChargedAfterwardsAndDelayTheNextRequest() throws Exception {
        KeyLimits limits = new KeyLimits(0, 600);
        limiter.admit("k", limits, 100);
        limiter.charge("k", limits, 700);
        // 600 - 100 - 700 = -200: 300 tokens short for a 100-token prompt, at 10 tokens a second.
        assertThatThrownBy(() -> limiter.admit("k", limits, 100))
                .isInstanceOfSatisfying(RateLimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo("tokens");
                    assertThat(e.retryAfterSeconds()).isEqualTo(30);
                });
        clock.millis += 30_000;
        limiter.admit("k", limits, 100);
    }

    @Test
    void keysAreLimitedIndependentlyAndUnlimitedKeysNever() throws Exception {
        KeyLimits one = new KeyLimits(1, 0);
        limiter.admit("a", one, 1);
        limiter.admit("b", one, 1);
        assertThatThrownBy(() -> limiter.admit("a", one, 1)).isInstanceOf(RateLimitExceededException.class);
        assertThatCode(() -> {
            for (int i = 0; i < 1000; i++) {
                limiter.admit("c", KeyLimits.UNLIMITED, 1_000_000);
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void refusedRequestTakesNothing() throws Exception {
        KeyLimits limits = new KeyLimits(3, 100);
        limiter.admit("k", limits, 50);
        assertThatThrownBy(() -> limiter.admit("k", limits, 60))
                .isInstanceOfSatisfying(RateLimitExceededException.class, e -> assertThat(e.limit()).isEqualTo("tokens"));
        // The refusal used neither a request nor tokens: 50 tokens and two requests are left.
        limiter.admit("k", limits, 50);
        limiter.admit("k", limits, 0);
        assertThatThrownBy(() -> limiter.admit("k", limits, 0))
                .isInstanceOfSatisfying(RateLimitExceededException.class,
                        e -> assertThat(e.limit()).isEqualTo("requests"));
    }

    @Test
    void promptBiggerThanTheWholeAllowanceWaitsForAFullBucketNotForever() throws Exception {
        KeyLimits limits = new KeyLimits(0, 100);
        limiter.admit("k", limits, 250);
        assertThatThrownBy(() -> limiter.admit("k", limits, 250)).isInstanceOf(RateLimitExceededException.class);
        clock.millis += 150_000;
        limiter.admit("k", limits, 250);
    }

    @Test
    void refundGivesBackARequestThatWasNotServed() throws Exception {
        KeyLimits limits = new KeyLimits(1, 100);
        limiter.admit("k", limits, 80);
        limiter.refund("k", limits, 80);
        limiter.admit("k", limits, 100);
    }
}
