package io.tokenport.zone;

import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.egress.EgressGuard;
import io.tokenport.zone.ingress.LinkListener;
import io.tokenport.zone.metering.PriceBook;
import io.tokenport.zone.storage.DatabaseLocation;

import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Everything a zone server needs to start.
 *
 * @param host           address to listen on
 * @param port           port of the API, 0 for any free one
 * @param adminPort      port of the admin listener (metrics, health), 0 for any free one
 * @param modelFile      the GGUF model to serve
 * @param modelId        the id clients use for it
 * @param threads        compute threads for the model
 * @param database       where tenants, keys and usage are kept
 * @param maxBodyBytes   largest accepted request body
 * @param scheduler      continuous-batching limits
 * @param prices         the price book
 * @param clock          the zone's one clock (timestamps in responses and records)
 * @param evidenceDir    where the transfer log, its signing key and checkpoints live
 * @param logOrigin      the transfer log's name (the signing key's name) when a new key is made
 * @param checkpointInterval how often a signed checkpoint of the transfer log is published
 * @param egressAllow    destinations the zone may connect to besides its database and Redis (upstream servers)
 * @param screeningRules the operator's screening rules file (patterns and terms), or null for the built-in
 *                       detectors only
 * @param adminToken     the bearer token of the admin listener
 * @param redis          the Redis server whose counters all replicas share ({@code redis://host:port}), or null to
 *                       keep rate-limit counters in this process
 * @param plainApi       whether to open the plain (unattested) API listener on {@code host:port}: for one machine
 *                       and tests; a production zone serves only its link
 * @param link           the listener edges connect to (mutual TLS, attested requests only), or null for none
 */
public record ZoneConfig(String host, int port, int adminPort, Path modelFile, String modelId, int threads, DatabaseLocation database,
                         long maxBodyBytes, BatchScheduler.Settings scheduler, PriceBook prices, InstantSource clock, Path evidenceDir, String logOrigin,
                         java.time.Duration checkpointInterval, java.util.List<EgressGuard.Destination> egressAllow,
                         Path screeningRules, String adminToken, URI redis,
                         boolean plainApi, LinkListener link) {

    public ZoneConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(evidenceDir, "evidenceDir");
        if (!plainApi && link == null) {
            throw new IllegalArgumentException("a zone without its plain API must have a link listener, or it serves nothing");
        }
        if (adminToken == null || adminToken.length() < 16 || !adminToken.matches("[\\x21-\\x7e]+")) {
            throw new IllegalArgumentException("the admin token must be at least 16 printable characters without spaces");
        }
        egressAllow = java.util.List.copyOf(egressAllow);
        Objects.requireNonNull(logOrigin, "logOrigin");
        if (checkpointInterval == null || checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpointInterval must be positive, got " + checkpointInterval);
        }
        if (port < 0 || port > 65535 || adminPort < 0 || adminPort > 65535) {
            throw new IllegalArgumentException("ports must be between 0 and 65535, got " + port + " and " + adminPort);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1, got " + maxBodyBytes);
        }
    }

    /** Everything but the admin token, which is never shown. */
    @Override
    public String toString() {
        return "ZoneConfig[host=" + host + ", port=" + port + ", adminPort=" + adminPort + ", model=" + modelFile
                + " as " + modelId + ", threads=" + threads + ", database=" + database + ", evidence=" + evidenceDir
                + ", egressAllow=" + egressAllow + ", redis=" + redis + ", plainApi=" + plainApi + ", link=" + link + "]";
    }

    /** 32 random bytes, hex. */
    static String newAdminToken() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** Everything the egress guard allows: the configured destinations, the database server and Redis. */
    public java.util.List<EgressGuard.Destination> egressDestinations() {
        java.util.List<EgressGuard.Destination> all = new java.util.ArrayList<>(egressAllow);
        if (database instanceof DatabaseLocation.Postgres pg) {
            all.add(new EgressGuard.Destination(pg.host(), pg.port()));
        }
        if (redis != null && redis.getHost() != null) {
            all.add(new EgressGuard.Destination(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort()));
        }
        return all;
    }

    /** A builder with the defaults: loopback, any port, 1 MiB bodies, 8 running and 64 waiting requests. */
    public static Builder builder(Path modelFile, DatabaseLocation database) {
        return new Builder(modelFile, database);
    }

    /**
     * A builder with an SQLite database in {@code databaseFile}, and the transfer evidence in the directory
     * {@code evidence} next to it.
     */
    public static Builder builder(Path modelFile, Path databaseFile) {
        Path parent = databaseFile.toAbsolutePath().getParent();
        return new Builder(modelFile, new DatabaseLocation.Sqlite(databaseFile)).evidenceDir(parent.resolve("evidence"));
    }

    /** Builds a {@link ZoneConfig}; every setter returns this builder. */
    public static final class Builder {
        private final Path modelFile;
        private final DatabaseLocation database;
        private String host = "127.0.0.1";
        private int port;
        private int adminPort;
        private String modelId;
        private int threads = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
        private long maxBodyBytes = 1 << 20;
        private BatchScheduler.Settings scheduler = new BatchScheduler.Settings(8, 64, 64);
        private PriceBook prices = PriceBook.FREE;
        private InstantSource clock = InstantSource.system();
        private URI redis;
        private Path evidenceDir;
        private String logOrigin = "tokenport.local/transfers";
        private java.time.Duration checkpointInterval = java.time.Duration.ofSeconds(10);
        private java.util.List<EgressGuard.Destination> egressAllow = java.util.List.of();
        private Path screeningRules;
        private String adminToken;
        private LinkListener link;
        private boolean plainApi = true;

        private Builder(Path modelFile, DatabaseLocation database) {
            this.modelFile = modelFile;
            this.database = database;
        }

        /** Address to listen on; loopback by default. */
        public Builder host(String value) {
            host = value;
            return this;
        }

        /** API port; 0 (the default) takes any free one. */
        public Builder port(int value) {
            port = value;
            return this;
        }

        /** Admin listener port; 0 (the default) takes any free one. */
        public Builder adminPort(int value) {
            adminPort = value;
            return this;
        }

        /** The model id; by default the file name without {@code .gguf}. */
        public Builder modelId(String value) {
            modelId = value;
            return this;
        }

        /** Compute threads for the model; by default the processors, at most 8. */
        public Builder threads(int value) {
            threads = value;
            return this;
        }

        /** Largest request body; larger ones get a 413. */
        public Builder maxBodyBytes(long value) {
            maxBodyBytes = value;
            return this;
        }

        /** Continuous-batching limits. */
        public Builder scheduler(BatchScheduler.Settings value) {
            scheduler = value;
            return this;
        }

        /** The price book; free by default. */
        public Builder prices(PriceBook value) {
            prices = value;
            return this;
        }

        /** The clock; the system's by default. */
        public Builder clock(InstantSource value) {
            clock = value;
            return this;
        }

        /** Shares rate-limit counters through the Redis server at {@code value}; null keeps them in this process. */
        public Builder redis(URI value) {
            redis = value;
            return this;
        }

        /** Where the transfer log, its key and checkpoints live (required with a PostgreSQL database). */
        public Builder evidenceDir(Path value) {
            evidenceDir = value;
            return this;
        }

        /** The transfer log's origin (its key's name) for a new key; {@code tokenport.local/transfers} by default. */
        public Builder logOrigin(String value) {
            logOrigin = value;
            return this;
        }

        /** How often a signed checkpoint is published; every 10 seconds by default. */
        public Builder checkpointInterval(java.time.Duration value) {
            checkpointInterval = value;
            return this;
        }

        /** Destinations the zone may connect to besides its database and Redis, which are always allowed. */
        public Builder egressAllow(java.util.List<EgressGuard.Destination> value) {
            egressAllow = value;
            return this;
        }

        /** The operator's screening rules file; without one, the built-in detectors only. */
        public Builder screeningRules(Path value) {
            screeningRules = value;
            return this;
        }

        /** The admin listener's bearer token; a new random one by default ({@link ZoneServer#adminToken()}). */
        public Builder adminToken(String value) {
            adminToken = value;
            return this;
        }

        /** Whether to open the plain API listener (the default); a production zone serves only its link. */
        public Builder plainApi(boolean value) {
            plainApi = value;
            return this;
        }

        /** Opens a link listener for edges; null (the default) opens none. */
        public Builder link(LinkListener value) {
            link = value;
            return this;
        }

        /** Checks the values and builds the configuration. */
        public ZoneConfig build() {
            if (evidenceDir == null) {
                throw new IllegalArgumentException("the zone needs a directory for its transfer evidence (evidenceDir)");
            }
            String id = modelId != null ? modelId : io.tokenport.zone.models.ServedModel.defaultId(modelFile);
            return new ZoneConfig(host, port, adminPort, modelFile, id, threads, database, maxBodyBytes, scheduler, prices,
                    clock, evidenceDir, logOrigin, checkpointInterval, egressAllow, screeningRules,
                    adminToken != null ? adminToken : newAdminToken(), redis, plainApi, link);
        }
    }
}
