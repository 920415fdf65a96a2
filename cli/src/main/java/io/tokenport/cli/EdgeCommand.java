package io.tokenport.cli;

import io.tokenport.edge.EdgeConfig;
import io.tokenport.edge.EdgeServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tokenport edge}: the overseas access point. Prints {@code base_url: ...} on stdout once the link to the
 * zone is open; runs until interrupted.
 */
@Command(name = "edge",
        mixinStandardHelpOptions = true,
        description = {"Run an edge: accept OpenAI API calls from clients near it and forward each",
                "one, with a signed origin attestation, over the link (mutual TLS, HTTP/2,",
                "a few connections opened at start and kept warm) to the zone. Prints",
                "'base_url: ...' on stdout. Stop it with Ctrl-C.",
                "",
                "Clients are served over HTTPS with --https-cert/--https-key; without them only",
                "a loopback --host is allowed (plain HTTP must not carry API keys across a network).",
                ""},
        footerHeading = "%nSettings:%n",
        footer = {"  Every option can also be set by an environment variable (TOKENPORT_ and the",
                "  option's name in capitals, dashes as underscores: --link-connections is",
                "  TOKENPORT_LINK_CONNECTIONS) or by a key of the configuration file named by",
                "  TOKENPORT_CONFIG (link-connections = 4); the command line wins."})
final class EdgeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--zone", required = true, paramLabel = "URL",
            description = "The zone's link listener, such as https://zone.example:8443.")
    URI zone;

    @Option(names = "--edge-id", required = true, paramLabel = "ID", description = "This edge's id (its certificate's CN).")
    String edgeId;

    @Option(names = "--jurisdiction", required = true, paramLabel = "CC",
            description = "Where this edge's clients are: an ISO 3166 two-letter code such as SG.")
    String jurisdiction;

    @Option(names = "--cert", required = true, paramLabel = "FILE", description = "This edge's link certificate (PEM).")
    Path cert;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Its private key (PEM).")
    Path key;

    @Option(names = "--ca", required = true, paramLabel = "FILE", description = "The link CA certificate (PEM).")
    Path ca;

    @Option(names = "--https-cert", paramLabel = "FILE", description = "Certificate (chain) clients see (PEM).")
    Path httpsCert;

    @Option(names = "--https-key", paramLabel = "FILE", description = "Its private key (PEM, PKCS#8).")
    Path httpsKey;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8443", paramLabel = "PORT",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--link-http1",
            description = "Speak HTTP/1.1 on the link instead of HTTP/2 (one request at a time per connection, "
                    + "so more connections open as requests overlap). Either way a client's hang-up stops the "
                    + "zone's generation: the edge cancels the request by its attestation's nonce.")
    boolean linkHttp1;

    @Option(names = "--link-connections", defaultValue = "" + EdgeConfig.DEFAULT_LINK_CONNECTIONS, paramLabel = "N",
            description = "Connections to the zone, 1 to " + EdgeConfig.MAX_LINK_CONNECTIONS + " (default: "
                    + "${DEFAULT-VALUE}). Each is opened once at start and kept warm; a request goes on the least busy "
                    + "one, so a packet lost on the cable stalls only the streams of its own connection.")
    int linkConnections;

    final CountDownLatch stop = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EdgeConfig config = new EdgeConfig(host, port, httpsCert, httpsKey, zone, edgeId,
                jurisdiction.toUpperCase(Locale.ROOT), cert, key, ca, Duration.ofSeconds(10), 1 << 20,
                InstantSource.system(), linkHttp1 ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2,
                linkConnections);
        try (EdgeServer edge = EdgeServer.start(config)) {
            out.println("base_url: " + edge.baseUrl());
            out.flush();
            err.printf("edge %s: clients in %s, linked to %s over %d connection%s%n", edgeId,
                    config.jurisdiction(), zone, config.linkConnections(), config.linkConnections() == 1 ? "" : "s");
            err.flush();
            Thread hook = new Thread(stop::countDown, "tokenport-edge-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is already running the hook.
            }
        }
        return 0;
    }
}
