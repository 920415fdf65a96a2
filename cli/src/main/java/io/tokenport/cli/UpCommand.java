package io.tokenport.cli;

import io.tokenport.cli.models.HubSettings;
import io.tokenport.edge.EdgeConfig;
import io.tokenport.edge.EdgeServer;
import io.tokenport.link.pki.LinkPki;
import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import io.tokenport.zone.auth.IssuedKey;
import io.tokenport.zone.ingress.LinkListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.Callable;

/**
 * {@code tokenport up}: the zone API with the embedded engine on one machine, a demo tenant and a fresh API key.
 *
 * <p>Stdout carries exactly two machine-readable lines, {@code base_url: ...} and {@code api_key: ...}; everything
 * else goes to stderr. Runs until interrupted (Ctrl-C), then drains and closes the zone.
 */
@Command(name = "up",
        mixinStandardHelpOptions = true,
        description = {"Start TokenPort on this machine: a local edge on --port in front of the zone",
                "(the zone's OpenAI-compatible API over the embedded engine, reached over a",
                "mutual-TLS link with attested requests, as in a real deployment), an",
                "embedded SQLite database under --data-dir, and a demo tenant whose new API",
                "key is printed once. Prints 'base_url: ...' and 'api_key: ...' on stdout.",
                "Stop it with Ctrl-C.",
                "",
                "Without --model it serves " + ModelOptions.DEFAULT_MODEL_NAME + ", downloaded",
                "once (469 MiB) from Hugging Face into the model cache and checked against",
                "its pinned SHA-256. Downloads resume where they stopped; a cached model",
                "starts without the network.",
                ""},
        footerHeading = "%nSettings:%n",
        footer = {"  Every option can also be set by an environment variable: TOKENPORT_ and",
                "  the option's name in capitals, dashes as underscores (--data-dir is",
                "  TOKENPORT_DATA_DIR), or by a key of the configuration file named by --config",
                "  or TOKENPORT_CONFIG (a properties file: data-dir = /var/lib/tokenport). The",
                "  command line wins over the environment, which wins over the file. Prices go",
                "  in the file as prices.MODEL.prompt and prices.MODEL.completion, in US dollars",
                "  per million tokens (prices.default.* for any other model); without them",
                "  tokens are metered at zero.",
                "",
                "  HF_ENDPOINT            Hugging Face base URL, e.g. a mirror",
                "                         (default: " + HubSettings.DEFAULT_ENDPOINT + ")",
                "  HF_TOKEN               access token for gated or private repositories",
                "                         (sent to HF_ENDPOINT only, never printed)",
                "  TOKENPORT_MODEL_CACHE  model cache directory when --model-cache is absent"})
final class UpCommand implements Callable<Integer> {
    static final String DEMO_TENANT = "demo";
    static final String LOCAL_EDGE = "local-edge";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ZoneOptions zoneOptions;

    @Mixin
    LinkOptions link;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port on 127.0.0.1 that clients call (the local edge's, or with --direct the zone's own"
                    + " API); 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--jurisdiction", defaultValue = "SG", paramLabel = "CC",
            description = "The jurisdiction the local edge attests for its clients (default: ${DEFAULT-VALUE}).")
    String jurisdiction;

    @Option(names = "--direct",
            description = "No local edge: the zone's own API on --port (unattested; for development and benchmarks).")
    boolean direct;

    /** Where defaults and prices come from; set by {@link TokenPort#commandLine}. */
    Settings settings = Settings.none();

    /** Stops a running {@code up} (tests); Ctrl-C and SIGTERM stop it too. */
    final RunUntilStopped running = new RunUntilStopped();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ZoneConfig.Builder config = zoneOptions.configure(err, settings);
        LinkListener remoteLink = link.listener();
        // The local edge needs a link of its own; with --link-port (edges elsewhere) or --direct the zone's plain
        // API serves this machine's clients instead.
        boolean localEdge = !direct && remoteLink == null;
        LinkPki pki = null;
        if (localEdge) {
            pki = LocalLink.pki(zoneOptions.store.dataDir.resolve("link"), err);
            config.plainApi(false).link(LinkListener.of("127.0.0.1", 0, pki.zoneCertificate(), pki.zoneKey(),
                    pki.caCertificate()));
        } else {
            config.port(port).link(remoteLink);
        }
        EdgeServer edge = null;
        try (ZoneServer zone = ZoneServer.start(config.build())) {
            if (localEdge) {
                // HTTP/1.1 on the local link: a client that hangs up closes its link connection, which stops its
                // stream in the zone at once (HTTP/2 stream resets do not reach the zone's handler yet).
                edge = EdgeServer.start(EdgeConfig.loopback(URI.create("https://127.0.0.1:" + zone.linkPort()),
                                LOCAL_EDGE, jurisdiction, pki.edgeCertificate(LOCAL_EDGE), pki.edgeKey(LOCAL_EDGE),
                                pki.caCertificate())
                        .listening("127.0.0.1", port, null, null).speaking(HttpClient.Version.HTTP_1_1));
            }
            if (zone.tenants().findTenant(DEMO_TENANT).isEmpty()) {
                zone.tenants().createTenant(DEMO_TENANT, "SG");
            }
            IssuedKey key = zone.tenants().createKey(DEMO_TENANT);
            out.println("base_url: " + (edge != null ? edge.baseUrl() : zone.baseUrl()));
            out.println("api_key: " + key.secret());
            if (remoteLink != null) {
                out.println("link_url: " + link.url(zone.linkPort()));
            }
            out.flush();
            err.printf("model: %s; %s; admin: http://127.0.0.1:%d/metrics (Authorization: Bearer, token in %s);"
                            + " database: %s; %s; the key is shown only now%n", zone.model().id(),
                    edge != null ? "local edge " + LOCAL_EDGE + " (" + jurisdiction + ") over a mutual-TLS link"
                            : "zone API served directly", zone.adminPort(), zoneOptions.adminTokenPath(),
                    zoneOptions.store.location(), settings.describe());
            err.flush();
            running.await();
            err.println("stopping");
            err.flush();
        } finally {
            if (edge != null) {
                edge.close();
            }
            running.closed();
        }
        return 0;
    }
}
