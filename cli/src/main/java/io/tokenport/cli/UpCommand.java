package io.tokenport.cli;

import io.tokenport.cli.models.HubSettings;
import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import io.tokenport.zone.auth.IssuedKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tokenport up}: the zone API with the embedded engine on one machine, a demo tenant and a fresh API key.
 *
 * <p>Stdout carries exactly two machine-readable lines, {@code base_url: ...} and {@code api_key: ...}; everything
 * else goes to stderr. Runs until interrupted (Ctrl-C), then drains and closes the zone.
 */
@Command(name = "up",
        mixinStandardHelpOptions = true,
        description = {"Start TokenPort on this machine: the zone's OpenAI-compatible API over the",
                "embedded engine, an embedded SQLite database under --data-dir, and a demo",
                "tenant whose new API key is printed once. Prints 'base_url: ...' and",
                "'api_key: ...' on stdout. Stop it with Ctrl-C.",
                "",
                "Without --model it serves " + ModelOptions.DEFAULT_MODEL_NAME + ", downloaded",
                "once (469 MiB) from Hugging Face into the model cache and checked against",
                "its pinned SHA-256. Downloads resume where they stopped; a cached model",
                "starts without the network.",
                ""},
        footerHeading = "%nSettings:%n",
        footer = {"  Every option can also be set by an environment variable (TOKENPORT_ and the",
                "  option's name in capitals, dashes as underscores: --data-dir is TOKENPORT_DATA_DIR)",
                "  or by a key of the configuration file named by --config or TOKENPORT_CONFIG (a",
                "  properties file: data-dir = /var/lib/tokenport). The command line wins over the",
                "  environment, which wins over the file. Prices go in the file as",
                "  prices.MODEL.prompt and prices.MODEL.completion, in US dollars per million tokens",
                "  (prices.default.* for any other model); without them tokens are metered at zero.",
                "",
                "  HF_ENDPOINT            Hugging Face base URL, e.g. a mirror",
                "                         (default: " + HubSettings.DEFAULT_ENDPOINT + ")",
                "  HF_TOKEN               access token for gated or private repositories",
                "                         (sent to HF_ENDPOINT only, never printed)",
                "  TOKENPORT_MODEL_CACHE  model cache directory when --model-cache is absent"})
final class UpCommand implements Callable<Integer> {
    static final String DEMO_TENANT = "demo";

    // Libraries' start-up chatter (migrations applied, sockets bound) would bury the two lines a user needs;
    // keep their warnings and errors. Held in fields: java.util.logging keeps loggers only weakly.
    private static final java.util.logging.Logger FLYWAY_LOG = quiet("org.flywaydb");
    private static final java.util.logging.Logger HELIDON_LOG = quiet("io.helidon");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "API port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--admin-port", defaultValue = "0", paramLabel = "PORT",
            description = "Port of the admin listener (/metrics, /health, /ready); 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Mixin
    StoreOptions store;

    @Mixin
    LinkOptions link;

    @Mixin
    ConfigOption config;

    @Option(names = "--redis", paramLabel = "URL",
            description = "redis://HOST:6379 to share rate-limit counters between zone replicas (default: in this process).")
    java.net.URI redis;

    @Option(names = "--egress-allow", split = ",", paramLabel = "HOST:PORT",
            description = "Destinations the zone may connect to besides its database and Redis (upstream servers),"
                    + " comma-separated; every other outbound connection is refused and recorded (default: none).")
    java.util.List<String> egressAllow = java.util.List.of();

    @Option(names = "--screening-rules", paramLabel = "FILE",
            description = "The operator's screening rules (JSON: version, regex patterns, terms) on top of the built-in"
                    + " detectors for PRC resident ids, credit codes, mobile numbers and UnionPay cards (default: none).")
    Path screeningRules;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "File holding the admin listener's bearer token (default: DATA-DIR/admin.token, created with"
                    + " a random token, readable by its owner only).")
    Path adminTokenFile;

    /** Where defaults and prices come from; set by {@link TokenPort#commandLine}. */
    Settings settings = Settings.none();

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: the number of CPU cores, at most 8).")
    Integer threads;

    enum LogFormat { json, text }

    @Option(names = "--log-format", defaultValue = "json", paramLabel = "FORMAT",
            description = "Logs on stderr as one JSON object a line (json) or plain text (text); they hold ids, counts"
                    + " and timings, never prompts, completions or keys (default: ${DEFAULT-VALUE}).")
    LogFormat logFormat;

    /** Counted down to stop a running {@code up} (tests); Ctrl-C stops it through the shutdown hook. */
    final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (logFormat == LogFormat.json) {
            for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
                h.setFormatter(new io.tokenport.zone.operations.JsonLogFormatter());
            }
        }
        Path model = modelOptions.modelFile(err);
        Files.createDirectories(store.dataDir);
        ZoneConfig.Builder config = ZoneConfig.builder(model, store.location()).port(port).adminPort(adminPort)
                .prices(settings.prices()).redis(redis).evidenceDir(store.dataDir.resolve("evidence"))
                .screeningRules(screeningRules).link(link.listener())
                .egressAllow(egressAllow.stream().map(io.tokenport.zone.egress.EgressGuard.Destination::parse).toList());
        if (threads != null) {
            config.threads(threads);
        }
        Path tokenFile = adminTokenFile != null ? adminTokenFile : store.dataDir.resolve("admin.token");
        config.adminToken(AdminToken.readOrCreate(tokenFile, adminTokenFile == null));
        err.printf("starting the zone with %s ...%n", model);
        err.flush();
        try (ZoneServer zone = ZoneServer.start(config.build())) {
            if (zone.tenants().findTenant(DEMO_TENANT).isEmpty()) {
                zone.tenants().createTenant(DEMO_TENANT, "SG");
            }
            IssuedKey key = zone.tenants().createKey(DEMO_TENANT);
            out.println("base_url: " + zone.baseUrl());
            out.println("api_key: " + key.secret());
            if (zone.linkPort() > 0) {
                String linkHost = link.host.equals("0.0.0.0") || link.host.equals("::") ? "127.0.0.1" : link.host;
                out.println("link_url: https://" + linkHost + ":" + zone.linkPort());
            }
            out.flush();
            err.printf("model: %s; admin: http://127.0.0.1:%d/metrics (Authorization: Bearer, token in %s); database: %s;"
                            + " %s; the key is shown only now%n", zone.model().id(), zone.adminPort(), tokenFile,
                    store.location(), settings.describe());
            err.flush();
            // Ctrl-C: the hook wakes this thread and waits (briefly) for the zone to close.
            Thread hook = new Thread(() -> {
                stop.countDown();
                awaitQuietly(closed);
            }, "tokenport-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            err.println("stopping");
            err.flush();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running and waits for the close below.
            }
        } finally {
            closed.countDown();
        }
        return 0;
    }
}
