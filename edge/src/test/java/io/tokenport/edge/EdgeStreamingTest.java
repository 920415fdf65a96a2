package io.tokenport.edge;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.tokenport.link.pki.LinkPki;
import io.tokenport.link.tls.LinkTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge's event-stream relay against an upstream that holds its stream open at will, so "not buffered" and
 * "a hang-up reaches the zone" are shown by the order of events, not by timing. The upstream stands in for the
 * zone (a real link listener: the CA's certificates, mutual TLS, HTTP/2); the edge under test is the real one.
 * A stream held open also shows which link connection a request goes on: the least busy one.
 */
@Timeout(60)
class EdgeStreamingTest {
    @TempDir
    Path dir;

    /** A whole answer of a known size, large enough to tell from a connection's own traffic. */
    private static final String MODELS = "{\"object\":\"list\",\"data\":[" + "{\"id\":\"m\"},".repeat(200)
            + "{\"id\":\"m\"}]}";

    private final CountDownLatch firstEventRelayed = new CountDownLatch(1);
    private final CompletableFuture<String> upstreamEnded = new CompletableFuture<>();
    private volatile boolean tickForever;
    private WebServer upstream;
    private LinkPki pki;
    private EdgeServer edge;
    private EdgeConfig config;

    @BeforeEach
    void start() throws Exception {
        pki = new LinkPki(dir, InstantSource.system(), new SecureRandom());
        pki.initAuthority("link CA");
        pki.issueZone(List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
        pki.issueEdge("sg-1");
        upstream = WebServer.builder().host("127.0.0.1").port(0)
                .tls(Tls.builder().sslContext(LinkTls.serverContext(pki.zoneCertificate(), pki.zoneKey(),
                        pki.caCertificate())).clientAuth(TlsClientAuth.REQUIRED).build())
                .routing(r -> r.get("/link/ping", (req, res) -> res.status(204).send())
                        .get("/v1/models", (req, res) -> res.send(MODELS))
                        .post("/v1/chat/completions", (req, res) -> {
                            req.content().consume();
                            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
                            try (OutputStream out = res.outputStream()) {
                                out.write("data: first\n\n".getBytes(StandardCharsets.US_ASCII));
                                out.flush();
                                if (tickForever) {
                                    // Until a write fails: the client's hang-up, passed on by the edge.
                                    while (true) {
                                        Thread.sleep(20);
                                        out.write(": tick\n\n".getBytes(StandardCharsets.US_ASCII));
                                        out.flush();
                                    }
                                }
                                // Nothing more until the client has the first event: a buffering relay hangs here.
                                if (!firstEventRelayed.await(30, TimeUnit.SECONDS)) {
                                    upstreamEnded.complete("first event never reached the client");
                                    return;
                                }
                                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII));
                                upstreamEnded.complete("finished");
                            } catch (Exception e) {
                                upstreamEnded.complete("write failed: " + e.getClass().getSimpleName());
                            }
                        }))
                .build().start();
        config = EdgeConfig.loopback(URI.create("https://localhost:" + upstream.port()), "sg-1", "SG",
                pki.edgeCertificate("sg-1"), pki.edgeKey("sg-1"), pki.caCertificate());
        edge = EdgeServer.start(config);
    }

    @AfterEach
    void stop() {
        edge.close();
        upstream.stop();
    }

    private HttpResponse<InputStream> openStream() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(edge.baseUrl() + "/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void eachEventIsRelayedAsSoonAsTheZoneSendsIt() throws Exception {
        HttpResponse<InputStream> response = openStream();
        assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("data: first");
            firstEventRelayed.countDown();
            assertThat(lines.readLine()).isEmpty();
            assertThat(lines.readLine()).isEqualTo("data: [DONE]");
        }
        assertThat(upstreamEnded.get(30, TimeUnit.SECONDS)).isEqualTo("finished");
        while (edge.linkRequestsInFlight() > 0) {
            Thread.sleep(10); // bounded by the test timeout: the relay gives the connection back at the stream's end
        }
    }

    @Test
    void aRequestGoesOnTheLinkConnectionWithTheFewestInFlight() throws Exception {
        try (CountingForwarder cable = new CountingForwarder(upstream.port());
             EdgeServer pooled = EdgeServer.start(EdgeConfig.loopback(URI.create("https://localhost:" + cable.port()),
                     "sg-1", "SG", pki.edgeCertificate("sg-1"), pki.edgeKey("sg-1"), pki.caCertificate()).pooling(2))) {
            assertThat(cable.accepted()).isEqualTo(2);
            // A stream held open by the upstream keeps one connection busy.
            List<Long> opened = cable.bytesFromZone();
            HttpResponse<InputStream> held = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(pooled.baseUrl() + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            BufferedReader lines = new BufferedReader(new InputStreamReader(held.body(), StandardCharsets.UTF_8));
            assertThat(lines.readLine()).isEqualTo("data: first");
            assertThat(pooled.linkRequestsInFlight()).isEqualTo(1);

            List<Long> before = cable.bytesFromZone();
            int busy = before.get(0) - opened.get(0) > before.get(1) - opened.get(1) ? 0 : 1;

            // Taken in turn, two of these four would go on the busy connection; by load, all go on the other one.
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> models = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(pooled.baseUrl() + "/models")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(models.body()).isEqualTo(MODELS);
            }
            List<Long> after = cable.bytesFromZone();
            assertThat(after.get(busy) - before.get(busy)).as("bytes on the busy connection")
                    .isLessThan(MODELS.length());
            assertThat(after.get(1 - busy) - before.get(1 - busy)).as("bytes on the idle one")
                    .isGreaterThan(4L * MODELS.length());
            assertThat(pooled.linkRequestsInFlight()).isEqualTo(1);

            // The client leaves; once the upstream ends the stream, the relay gives its connection back.
            lines.close();
            firstEventRelayed.countDown();
            while (pooled.linkRequestsInFlight() > 0) {
                Thread.sleep(10); // bounded by the test timeout, not a timing threshold
            }
        }
    }

    @Test
    void overAnHttp1LinkAClientHangingUpEndsTheZonesStream() throws Exception {
        // Over HTTP/2 the edge resets the stream just the same, but Helidon 4.5's HTTP/2 server does not tell the
        // handler (helidon-io/helidon#9496); over HTTP/1.1 the edge closes the connection, which every server sees.
        edge.close();
        edge = EdgeServer.start(config.speaking(HttpClient.Version.HTTP_1_1));
        tickForever = true;
        HttpResponse<InputStream> response = openStream();
        BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).isEqualTo("data: first");
        lines.close();
        assertThat(upstreamEnded.get(30, TimeUnit.SECONDS)).startsWith("write failed");
        while (edge.linkRequestsInFlight() > 0) {
            Thread.sleep(10); // bounded by the test timeout: the relay gave the connection back when the write failed
        }
    }
}
