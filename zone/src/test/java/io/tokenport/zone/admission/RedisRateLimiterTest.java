package io.tokenport.zone.admission;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared limiter against the machine's real Redis server ({@code TOKENPORT_TEST_REDIS}, by default
 * redis://127.0.0.1:6379). Each test writes under its own random key prefix.
 */
class RedisRateLimiterTest extends RateLimiterContract {
    static final URI REDIS = URI.create(System.getenv().getOrDefault("TOKENPORT_TEST_REDIS", "redis://127.0.0.1:6379"));

    private final String prefix = "tokenport-test:" + UUID.randomUUID() + ":";
    private final List<RedisRateLimiter> opened = new ArrayList<>();

    @Override
    RateLimiter newLimiter(InstantSource clock) {
        RedisRateLimiter limiter = new RedisRateLimiter(REDIS, prefix, clock);
        opened.add(limiter);
        return limiter;
    }

    @AfterEach
    void close() {
        opened.forEach(RedisRateLimiter::close);
    }

    @Test
    void replicasDrawOnOneAllowance() throws Exception {
        RateLimiter replicaA = newLimiter(clock);
        RateLimiter replicaB = newLimiter(clock);
        KeyLimits limits = new KeyLimits(4, 0);
        replicaA.admit("k", limits, 1);
        replicaB.admit("k", limits, 1);
        replicaA.admit("k", limits, 1);
        replicaB.admit("k", limits, 1);
        assertThatThrownBy(() -> replicaA.admit("k", limits, 1)).isInstanceOf(RateLimitExceededException.class);
        assertThatThrownBy(() -> replicaB.admit("k", limits, 1)).isInstanceOf(RateLimitExceededException.class);
    }

    @Test
    void concurrentAdmissionsNeverExceedTheLimit() throws Exception {
        KeyLimits limits = new KeyLimits(50, 0);
        List<RateLimiter> replicas = List.of(newLimiter(clock), newLimiter(clock), newLimiter(clock));
        java.util.concurrent.atomic.AtomicInteger admitted = new java.util.concurrent.atomic.AtomicInteger();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                RateLimiter replica = replicas.get(i % replicas.size());
                pool.submit(() -> {
                    try {
                        replica.admit("k", limits, 0);
                        admitted.incrementAndGet();
                    } catch (RateLimitExceededException refused) {
                        // expected for all but 50
                    }
                    return null;
                });
            }
        }
        assertThat(admitted.get()).isEqualTo(50);
    }

    @Test
    void unreachableRedisLetsRequestsThrough() {
        // Port 1: nothing listens there. A limiter outage must not become a service outage.
        RedisRateLimiter limiter = new RedisRateLimiter(URI.create("redis://127.0.0.1:1"), prefix, clock);
        opened.add(limiter);
        assertThatCode(() -> {
            for (int i = 0; i < 5; i++) {
                limiter.admit("k", new KeyLimits(1, 10), 5);
            }
            limiter.charge("k", new KeyLimits(1, 10), 100);
        }).doesNotThrowAnyException();
    }

    @Test
    void badUrisAreRefusedWithTheExpectedForm() {
        assertThatThrownBy(() -> new RedisRateLimiter(URI.create("http://127.0.0.1:6379"), prefix, clock))
                .hasMessageContaining("redis://HOST:PORT");
        assertThatThrownBy(() -> new RedisRateLimiter(URI.create("redis://127.0.0.1:6379/zero"), prefix, clock))
                .hasMessageContaining("must be a number");
    }
}
