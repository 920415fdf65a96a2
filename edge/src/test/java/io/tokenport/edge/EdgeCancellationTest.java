package io.tokenport.edge;

import io.tokenport.link.pki.LinkPki;
import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.ingress.LinkListener;
import io.tokenport.zone.metering.UsageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that hangs up on a stream relayed over the HTTP/2 link stops its generation in the zone at once: the
 * edge resets the link stream and cancels the request by its id (Helidon's HTTP/2 server does not tell a handler
 * of a reset), and the zone meters the request as cancelled, long before its max_tokens.
 */
@Timeout(120)
class EdgeCancellationTest {
    private static final Path SLOW_MODEL = Path.of("../shared/models/qwen2-vocab.gguf");

    @TempDir
    Path dir;

    @Test
    void aClientHangingUpStopsItsGenerationInTheZoneOverHttp2() throws Exception {
        LinkPki pki = new LinkPki(dir.resolve("pki"), InstantSource.system(), new SecureRandom());
        pki.initAuthority("link CA");
        pki.issueZone(List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
        pki.issueEdge("sg-1");
        try (ZoneServer zone = ZoneServer.start(ZoneConfig.builder(SLOW_MODEL, dir.resolve("zone.db")).threads(1)
                .scheduler(new BatchScheduler.Settings(4, 16, 64)).plainApi(false)
                .link(LinkListener.of("127.0.0.1", 0, pki.zoneCertificate(), pki.zoneKey(), pki.caCertificate()))
                .build());
             EdgeServer edge = EdgeServer.start(EdgeConfig.loopback(URI.create("https://localhost:" + zone.linkPort()),
                     "sg-1", "SG", pki.edgeCertificate("sg-1"), pki.edgeKey("sg-1"), pki.caCertificate()))) {
            zone.tenants().createTenant("acme", "SG");
            String key = zone.tenants().createKey("acme").secret();
            String banEnd = Arrays.stream(zone.model().model().tokenizer().endOfGenerationIds())
                    .mapToObj(id -> "\"" + id + "\":-100").collect(Collectors.joining(","));
            String body = "{\"model\":\"" + zone.model().id() + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"Count.\"}],\"max_tokens\":1900,\"stream\":true,\"logit_bias\":{" + banEnd + "}}";

            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(edge.baseUrl() + "/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            int contentEvents = 0;
            while (contentEvents < 3) {
                String line = lines.readLine();
                assertThat(line).as("the stream ended early").isNotNull();
                if (line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                    contentEvents++;
                }
            }
            lines.close(); // the client hangs up

            String tenantId = zone.tenants().findTenant("acme").orElseThrow().id();
            List<UsageRecord> records = List.of();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (records.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                records = zone.usage().forTenant(tenantId);
            }
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.finishReason()).isEqualTo("cancelled");
                assertThat(r.completionTokens()).isLessThan(1900);
            });
        }
    }
}
