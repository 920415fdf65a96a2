package io.tokenport.zone;

import io.tokenport.zone.batching.BatchScheduler;
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
 * @param redis          the Redis server whose counters all replicas share ({@code redis://host:port}), or null to
 *                       keep rate-limit counters in this process
 * @param link           the listener edges connect to (mutual TLS, attested requests only), or null for none
 */
public record ZoneConfig(String host, int port, int adminPort, Path modelFile, String modelId, int threads, DatabaseLocation database,
                         long maxBodyBytes, BatchScheduler.Settings scheduler, PriceBook prices, InstantSource clock, URI redis,
                         LinkListener link) {

    public ZoneConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(modelFile, "modelFile");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(clock, "clock");
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

    /** A builder with the defaults: loopback, any port, 1 MiB bodies, 8 running and 64 waiting requests. */
    public static Builder builder(Path modelFile, DatabaseLocation database) {
        return new Builder(modelFile, database);
    }

    /** A builder with an SQLite database in {@code databaseFile}. */
    public static Builder builder(Path modelFile, Path databaseFile) {
        return new Builder(modelFile, new DatabaseLocation.Sqlite(databaseFile));
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
        private LinkListener link;

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

        /** Opens a link listener for edges; null (the default) opens none. */
        public Builder link(LinkListener value) {
            link = value;
            return this;
        }

        /** Checks the values and builds the configuration. */
        public ZoneConfig build() {
            String id = modelId != null ? modelId : io.tokenport.zone.models.ServedModel.defaultId(modelFile);
            return new ZoneConfig(host, port, adminPort, modelFile, id, threads, database, maxBodyBytes, scheduler, prices,
                    clock, redis, link);
        }
    }
}
