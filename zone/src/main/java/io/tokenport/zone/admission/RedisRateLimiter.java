package io.tokenport.zone.admission;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import io.tokenport.zone.egress.EgressGuard;
import io.tokenport.zone.egress.GuardedRedisSockets;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link RateLimiter} with the buckets in Redis, so that all replicas of a zone share each key's allowance.
 *
 * <p>Every operation is one round trip: a Lua script ({@code token-buckets.lua}) reads, refills, checks and
 * writes a key's two buckets atomically, with the same arithmetic as {@link LocalRateLimiter}. Time comes from
 * the zone's clock (replicas keep theirs in step with NTP), not from Redis, so both limiters behave alike.
 *
 * <p>If Redis cannot be reached the limiter lets requests through (and says so in the log, at most once a
 * minute): a rate limit protects capacity, and losing the counters for a moment must not stop the service.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisRateLimiter.class.getName());
    private static final String SCRIPT = loadScript();

    private final RedisClient redis;
    private final String prefix;
    private final InstantSource clock;
    private volatile String scriptSha;
    private volatile long lastWarningMillis = Long.MIN_VALUE;

    /**
     * Connects to the Redis server at {@code uri} ({@code redis://[:PASSWORD@]HOST[:PORT][/DB]}).
     *
     * @param prefix the start of every Redis key this limiter writes, so that zones can share a server
     * @throws IllegalArgumentException for a URI that is not a redis:// one
     */
    public RedisRateLimiter(URI uri, String prefix, InstantSource clock) {
        this(uri, prefix, clock, null);
    }

    /**
     * Connects to the Redis server at {@code uri} through {@code egress} (null: directly).
     *
     * @throws IllegalArgumentException for a URI that is not a redis:// one
     */
    public RedisRateLimiter(URI uri, String prefix, InstantSource clock, EgressGuard egress) {
        if (uri.getScheme() == null || !(uri.getScheme().equals("redis") || uri.getScheme().equals("rediss"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("Redis must be given as redis://HOST:PORT, got \"" + uri + "\"");
        }
        this.prefix = prefix;
        this.clock = clock;
        // Admission is on every request's path: a Redis that does not answer within a second or two is treated
        // as unreachable rather than holding the request.
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(1_000)
                .socketTimeoutMillis(2_000)
                .ssl(uri.getScheme().equals("rediss"))
                .clientName("tokenport-zone");
        String userInfo = uri.getUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            if (colon > 0) {
                config.user(userInfo.substring(0, colon));
            }
            config.password(colon < 0 ? userInfo : userInfo.substring(colon + 1));
        }
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            try {
                config.database(Integer.parseInt(path.substring(1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the Redis database must be a number, as in redis://host:6379/0,"
                        + " got \"" + path.substring(1) + "\"");
            }
        }
        HostAndPort address = new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort());
        // Many virtual threads share the pool: waiting for a connection is bounded too, never forever.
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(32);
        pool.setMaxIdle(32);
        pool.setMaxWait(Duration.ofSeconds(2));
        DefaultJedisClientConfig clientConfig = config.build();
        this.redis = egress == null
                ? RedisClient.builder().hostAndPort(address).clientConfig(clientConfig).poolConfig(pool).build()
                : RedisClient.builder().connectionProvider(new PooledConnectionProvider(
                        new ConnectionFactory(new GuardedRedisSockets(egress, address, clientConfig), clientConfig), pool))
                        .build();
    }

    @Override
    public void admit(String keyId, KeyLimits limits, int promptTokens) throws RateLimitExceededException {
        if (limits.requestsPerMinute() == 0 && limits.tokensPerMinute() == 0) {
            return;
        }
        List<?> reply = run("admit", keyId, limits, promptTokens);
        if (reply == null) {
            return;
        }
        long verdict = (Long) reply.get(0);
        if (verdict == 1) {
            throw RateLimitExceededException.requests(keyId, limits.requestsPerMinute(), (Long) reply.get(1));
        }
        if (verdict == 2) {
            throw RateLimitExceededException.tokens(keyId, limits.tokensPerMinute(), promptTokens, (Long) reply.get(1));
        }
    }

    @Override
    public void refund(String keyId, KeyLimits limits, int promptTokens) {
        if (limits.requestsPerMinute() == 0 && limits.tokensPerMinute() == 0) {
            return;
        }
        run("refund", keyId, limits, promptTokens);
    }

    @Override
    public void charge(String keyId, KeyLimits limits, int completionTokens) {
        if (limits.tokensPerMinute() == 0 || completionTokens == 0) {
            return;
        }
        run("charge", keyId, limits, completionTokens);
    }

    /** Runs the script for one key; null when Redis could not be asked. */
    private List<?> run(String op, String keyId, KeyLimits limits, int tokens) {
        List<String> keys = List.of(prefix + keyId);
        List<String> args = List.of(op, Long.toString(clock.millis()), Integer.toString(limits.requestsPerMinute()),
                Integer.toString(limits.tokensPerMinute()), Integer.toString(tokens));
        try {
            String sha = scriptSha;
            if (sha == null) {
                sha = redis.scriptLoad(SCRIPT);
                scriptSha = sha;
            }
            try {
                return (List<?>) redis.evalsha(sha, keys, args);
            } catch (JedisNoScriptException flushed) {
                // The server restarted or its script cache was flushed: send the script itself once.
                scriptSha = null;
                return (List<?>) redis.eval(SCRIPT, keys, args);
            }
        } catch (JedisException e) {
            long now = System.currentTimeMillis();
            if (now - lastWarningMillis > 60_000) {
                lastWarningMillis = now;
                LOG.log(Level.WARNING, "rate limits not enforced: Redis is unreachable (" + e.getMessage() + ")");
            }
            return null;
        }
    }

    private static String loadScript() {
        try (InputStream in = RedisRateLimiter.class.getResourceAsStream("token-buckets.lua")) {
            if (in == null) {
                throw new IllegalStateException("token-buckets.lua is missing from the zone's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
