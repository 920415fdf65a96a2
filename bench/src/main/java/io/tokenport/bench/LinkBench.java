package io.tokenport.bench;

import io.tokenport.edge.EdgeConfig;
import io.tokenport.edge.EdgeServer;
import io.tokenport.link.pki.LinkPki;
import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import io.tokenport.zone.ingress.LinkListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * What the edge and the link add to time to first token: the same streamed chat request, alternately straight to
 * the zone's API and through an edge (attestation, mutual TLS, HTTP/2, the ingress guard), on loopback. Prints
 * p50 and p99 of both and their difference; the cross-border round trip itself is not included.
 */
@Command(name = "link", mixinStandardHelpOptions = true,
        description = "Time to first token through the edge versus straight to the zone (loopback).")
final class LinkBench implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "../shared/models/stories260K.gguf", paramLabel = "PATH",
            description = "GGUF model the zone serves (default: ${DEFAULT-VALUE}).")
    Path model;

    @Option(names = "--requests", defaultValue = "200", paramLabel = "N",
            description = "Measured requests per path (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warm-up", defaultValue = "1000", paramLabel = "N",
            description = "Uncounted requests per path first, so that both paths are measured compiled, as a serving "
                    + "zone and edge run (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--link-http1", description = "Speak HTTP/1.1 on the link instead of HTTP/2.")
    boolean http1;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("link-bench");
        try {
            LinkPki pki = new LinkPki(dir.resolve("pki"), InstantSource.system(), new SecureRandom());
            pki.initAuthority("bench link CA");
            pki.issueZone(List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
            pki.issueEdge("bench-1");
            try (ZoneServer zone = ZoneServer.start(ZoneConfig.builder(model, dir.resolve("zone.db")).threads(1)
                    .link(LinkListener.of("127.0.0.1", 0, pki.zoneCertificate(), pki.zoneKey(), pki.caCertificate()))
                    .build())) {
                zone.tenants().createTenant("bench", "SG");
                String key = zone.tenants().createKey("bench").secret();
                EdgeConfig config = EdgeConfig.loopback(URI.create("https://localhost:" + zone.linkPort()), "bench-1",
                        "SG", pki.edgeCertificate("bench-1"), pki.edgeKey("bench-1"), pki.caCertificate())
                        .speaking(http1 ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2);
                try (EdgeServer edge = EdgeServer.start(config);
                     HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                    String body = "{\"model\":\"" + zone.model().id() + "\",\"stream\":true,\"max_tokens\":4,"
                            + "\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}";
                    URI direct = URI.create(zone.baseUrl() + "/chat/completions");
                    URI viaEdge = URI.create(edge.baseUrl() + "/chat/completions");
                    for (int i = 0; i < warmUp; i++) {
                        ttftMillis(client, direct, key, body);
                        ttftMillis(client, viaEdge, key, body);
                    }
                    double[] d = new double[requests];
                    double[] e = new double[requests];
                    for (int i = 0; i < requests; i++) {
                        d[i] = ttftMillis(client, direct, key, body);
                        e[i] = ttftMillis(client, viaEdge, key, body);
                    }
                    Arrays.sort(d);
                    Arrays.sort(e);
                    System.out.printf("time to first token, %d streamed requests each after %d not counted, link %s,"
                            + " model %s%n", requests, warmUp, http1 ? "HTTP/1.1" : "HTTP/2", zone.model().id());
                    System.out.printf("%-16s %10s %10s%n", "", "p50 ms", "p99 ms");
                    System.out.printf("%-16s %10.3f %10.3f%n", "direct to zone", pct(d, 50), pct(d, 99));
                    System.out.printf("%-16s %10.3f %10.3f%n", "through edge", pct(e, 50), pct(e, 99));
                    System.out.printf("%-16s %10.3f %10.3f%n", "edge adds", pct(e, 50) - pct(d, 50),
                            pct(e, 99) - pct(d, 99));
                    // The relay's own cost, without generation: GET /v1/models both ways.
                    URI modelsDirect = URI.create(zone.baseUrl() + "/models");
                    URI modelsViaEdge = URI.create(edge.baseUrl() + "/models");
                    for (int i = 0; i < requests; i++) {
                        d[i] = getMillis(client, modelsDirect, key);
                        e[i] = getMillis(client, modelsViaEdge, key);
                    }
                    Arrays.sort(d);
                    Arrays.sort(e);
                    System.out.printf("%-16s %10.3f %10.3f   (GET /v1/models round trip)%n", "direct to zone",
                            pct(d, 50), pct(d, 99));
                    System.out.printf("%-16s %10.3f %10.3f%n", "through edge", pct(e, 50), pct(e, 99));
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** Milliseconds from sending to the first event carrying generated text. */
    private static double ttftMillis(HttpClient client, URI uri, String key, String body) throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode());
        }
        double ttft = Double.NaN;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (Double.isNaN(ttft) && line.startsWith("data: {") && line.contains("\"content\":\"")
                        && !line.contains("\"content\":\"\"")) {
                    ttft = (System.nanoTime() - start) / 1e6;
                }
            }
        }
        return ttft;
    }

    private static double getMillis(HttpClient client, URI uri, String key) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + key)
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode());
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static double pct(double[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
