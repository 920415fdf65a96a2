package io.tokenport.zone.operations;

import com.openai.models.completions.CompletionCreateParams;
import io.tokenport.zone.RunningZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin listener: Prometheus metrics and probes on their own port, apart from the customers' API. */
class AdminListenerTest {
    private static RunningZone zone;

    @BeforeAll
    static void start() {
        zone = RunningZone.start(RunningZone.STORIES);
    }

    @AfterAll
    static void stop() {
        zone.close();
    }

    private static HttpResponse<String> admin(String path) {
        return zone.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + zone.server.adminPort() + path))
                .header("Authorization", "Bearer " + zone.server.adminToken()).GET().build());
    }

    @org.junit.jupiter.api.Test
    void everyAdminRouteNeedsTheAdminToken() {
        for (String path : java.util.List.of("/metrics", "/health", "/ready")) {
            HttpResponse<String> none = zone.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + zone.server.adminPort() + path)).GET().build());
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.body()).contains("invalid_admin_token");
            HttpResponse<String> customerKey = zone.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + zone.server.adminPort() + path))
                    .header("Authorization", "Bearer " + zone.key).GET().build());
            assertThat(customerKey.statusCode()).as(path).isEqualTo(401);
        }
    }

    /** The value of the first sample line starting with {@code prefix}. */
    private static double sample(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no sample " + prefix + " in\n" + metrics));
    }

    @Test
    void metricsCountRequestsTokensAndLatencies() {
        zone.client().completions().create(CompletionCreateParams.builder()
                .model("stories260K").prompt("Once upon a time").maxTokens(7).temperature(0.0).build());
        zone.post("/completions", "{\"model\":\"stories260K\",\"prompt\":5}", zone.key);

        HttpResponse<String> response = admin("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        String m = response.body();
        assertThat(sample(m, "tokenport_requests_total{endpoint=\"completions\",finish_reason=\"length\","
                + "model=\"stories260K\"}")).isGreaterThanOrEqualTo(1);
        assertThat(sample(m, "tokenport_completion_tokens_total{model=\"stories260K\"}")).isGreaterThanOrEqualTo(7);
        assertThat(sample(m, "tokenport_prompt_tokens_total{model=\"stories260K\"}")).isGreaterThanOrEqualTo(1);
        assertThat(sample(m, "tokenport_request_errors_total{status=\"400\"}")).isGreaterThanOrEqualTo(1);
        assertThat(sample(m, "tokenport_time_to_first_token_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(sample(m, "tokenport_time_per_output_token_seconds_count")).isGreaterThanOrEqualTo(1);
        assertThat(m).contains("tokenport_time_to_first_token_seconds_bucket{");
        assertThat(sample(m, "tokenport_active_sequences{model=\"stories260K\"}")).isZero();
        assertThat(sample(m, "tokenport_queued_requests{model=\"stories260K\"}")).isZero();
        assertThat(m).contains("tokenport_kv_cache_bytes{model=\"stories260K\"}");
        assertThat(m).doesNotContain("Once upon").doesNotContain(zone.key.substring(3));
    }

    @Test
    void probesAnswerOnTheAdminPortOnly() {
        assertThat(admin("/health").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = admin("/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("READY");
        assertThat(zone.server.adminPort()).isNotEqualTo(zone.server.port());
        // The customers' listener does not expose operations.
        HttpResponse<String> onApi = zone.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + zone.server.port() + "/metrics")).GET().build());
        assertThat(onApi.statusCode()).isEqualTo(404);
    }
}
