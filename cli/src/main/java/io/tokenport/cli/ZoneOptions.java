package io.tokenport.cli;

import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.egress.EgressGuard;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What every command that runs a zone ({@code up}, {@code zone}) takes: the model, the data directory and
 * database, Redis, the admin listener, egress, screening, threads and logs, and the configuration file.
 */
final class ZoneOptions {
    // Libraries' start-up chatter (migrations applied, sockets bound) would bury what a user needs; keep their
    // warnings and errors. Held in fields: java.util.logging keeps loggers only weakly.
    private static final java.util.logging.Logger FLYWAY_LOG = quiet("org.flywaydb");
    private static final java.util.logging.Logger HELIDON_LOG = quiet("io.helidon");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    StoreOptions store;

    @Mixin
    ConfigOption config;

    @Option(names = "--admin-port", defaultValue = "0", paramLabel = "PORT",
            description = "Port of the admin listener (/metrics, /health, /ready); 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "File holding the admin listener's bearer token (default: DATA-DIR/admin.token, created with"
                    + " a random token, readable by its owner only).")
    Path adminTokenFile;

    @Option(names = "--redis", paramLabel = "URL",
            description = "redis://HOST:6379 to share rate-limit counters between zone replicas (default: in this process).")
    URI redis;

    @Option(names = "--egress-allow", split = ",", paramLabel = "HOST:PORT",
            description = "Destinations the zone may connect to besides its database and Redis (upstream servers),"
                    + " comma-separated; every other outbound connection is refused and recorded (default: none).")
    List<String> egressAllow = List.of();

    @Option(names = "--screening-rules", paramLabel = "FILE",
            description = "The operator's screening rules (JSON: version, regex patterns, terms) on top of the built-in"
                    + " detectors for PRC resident ids, credit codes, mobile numbers and UnionPay cards (default: none).")
    Path screeningRules;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: the number of CPU cores, at most 8).")
    Integer threads;

    enum LogFormat { json, text }

    @Option(names = "--log-format", defaultValue = "json", paramLabel = "FORMAT",
            description = "Logs on stderr as one JSON object a line (json) or plain text (text); they hold ids, counts"
                    + " and timings, never prompts, completions or keys (default: ${DEFAULT-VALUE}).")
    LogFormat logFormat;

    /** The admin token's file, as {@link #configure} used it. */
    Path adminTokenPath() {
        return adminTokenFile != null ? adminTokenFile : store.dataDir.resolve("admin.token");
    }

    /**
     * Sets up the logs, fetches the model if needed and returns the zone's configuration from these options;
     * the caller adds its listeners.
     */
    ZoneConfig.Builder configure(PrintWriter err, Settings settings) throws IOException {
        if (logFormat == LogFormat.json) {
            for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
                h.setFormatter(new io.tokenport.zone.operations.JsonLogFormatter());
            }
        }
        Path model = modelOptions.modelFile(err);
        Files.createDirectories(store.dataDir);
        ZoneConfig.Builder builder = ZoneConfig.builder(model, store.location()).adminPort(adminPort)
                .prices(settings.prices()).redis(redis).evidenceDir(store.evidenceDir())
                .screeningRules(screeningRules)
                .egressAllow(egressAllow.stream().map(EgressGuard.Destination::parse).toList())
                .adminToken(AdminToken.readOrCreate(adminTokenPath(), adminTokenFile == null));
        if (threads != null) {
            builder.threads(threads);
        }
        err.printf("starting the zone with %s ...%n", model);
        err.flush();
        return builder;
    }
}
