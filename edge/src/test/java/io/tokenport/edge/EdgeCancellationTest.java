package io.tokenport.edge;

import io.tokenport.link.pki.LinkPki;
import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.ingress.LinkListener;
import io.tokenport.zone.metering.UsageRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that hangs up on the edge stops its generation in the zone at once, whether it was reading a stream or
 * waiting for a whole answer: the edge notices (a write failing, or its watch on the client's HTTP/1.1
 * connection) and cancels the request by its attestation's nonce, over HTTP/2 (whose stream resets Helidon does
 * not pass on to a handler) as over HTTP/1.1; the zone meters it as cancelled, long before its max_tokens.
 */
@Timeout(120)
class EdgeCancellationTest {
    private static final Path SLOW_MODEL = Path.of("../shared/models/qwen2-vocab.gguf");
    private static final int MAX_TOKENS = 1900;

    @TempDir
    Path dir;

    private ZoneServer zone;
    private EdgeConfig edgeConfig;
    private EdgeServer edge;
    private String key;

    @BeforeEach
    void start() throws Exception {
        LinkPki pki = new LinkPki(dir.resolve("pki"), InstantSource.system(), new SecureRandom());
        pki.initAuthority("link CA");
        pki.issueZone(List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
        pki.issueEdge("sg-1");
        zone = ZoneServer.start(ZoneConfig.builder(SLOW_MODEL, dir.resolve("zone.db")).threads(1)
                .scheduler(new BatchScheduler.Settings(4, 16, 64)).plainApi(false)
                .link(LinkListener.of("127.0.0.1", 0, pki.zoneCertificate(), pki.zoneKey(), pki.caCertificate()))
                .build());
        edgeConfig = EdgeConfig.loopback(URI.create("https://localhost:" + zone.linkPort()), "sg-1", "SG",
                pki.edgeCertificate("sg-1"), pki.edgeKey("sg-1"), pki.caCertificate());
        edge = EdgeServer.start(edgeConfig);
        zone.tenants().createTenant("acme", "SG");
        key = zone.tenants().createKey("acme").secret();
    }

    @AfterEach
    void stop() {
        if (edge != null) {
            edge.close();
        }
        if (zone != null) {
            zone.close();
        }
    }

    /** A chat request that cannot end before max_tokens: the end-of-generation tokens are banned. */
    private HttpRequest longChat(boolean stream) {
        String banEnd = Arrays.stream(zone.model().model().tokenizer().endOfGenerationIds())
                .mapToObj(id -> "\"" + id + "\":-100").collect(Collectors.joining(","));
        String body = "{\"model\":\"" + zone.model().id() + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Count.\"}],\"max_tokens\":" + MAX_TOKENS + ",\"stream\":" + stream + ",\"logit_bias\":{"
                + banEnd + "}}";
        return HttpRequest.newBuilder(URI.create(edge.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The request's one usage record, once the zone has let its sequence go: cancelled, far short of max_tokens. */
    private void assertCancelledInTheZone() throws InterruptedException {
        await("the zone frees the sequence", () -> zone.scheduler().activeSequences() == 0);
        String tenantId = zone.tenants().findTenant("acme").orElseThrow().id();
        await("the usage is recorded", () -> !zone.usage().forTenant(tenantId).isEmpty());
        List<UsageRecord> records = zone.usage().forTenant(tenantId);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.finishReason()).isEqualTo("cancelled");
            assertThat(r.completionTokens()).isLessThan(MAX_TOKENS / 10);
        });
    }

    @Test
    void aClientHangingUpOnAStreamStopsItsGenerationInTheZoneOverHttp2() throws Exception {
        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(longChat(true),
                HttpResponse.BodyHandlers.ofInputStream());
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

        assertCancelledInTheZone();
    }

    @ParameterizedTest(name = "link over {0}")
    @EnumSource(value = HttpClient.Version.class)
    void aClientHangingUpOnAWholeAnswerStopsItsGenerationInTheZone(HttpClient.Version link) throws Exception {
        if (link != edgeConfig.linkVersion()) {
            edge.close();
            edge = EdgeServer.start(edgeConfig.speaking(link));
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CompletableFuture<HttpResponse<String>> answer = client.sendAsync(longChat(false),
                HttpResponse.BodyHandlers.ofString());
        long steps = zone.scheduler().steps();
        await("the zone decodes the request", () -> zone.scheduler().activeSequences() == 1
                && zone.scheduler().steps() > steps + 3);
        client.shutdownNow(); // aborts the request and closes its connection to the edge

        assertCancelledInTheZone();
        assertThat(answer).failsWithin(30, TimeUnit.SECONDS);
    }
}
