package io.tokenport.zone.batching;

import io.tokenport.audit.TransferRecord;
import io.tokenport.zone.Eventually;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.metering.UsageRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client waiting for a whole (non-streamed) answer that hangs up stops its generation at once, although no byte
 * of the answer was due yet to reveal it: the sequence leaves the batch and frees its KV cache, and the request is
 * metered as cancelled with the few tokens it had, not run to its max_tokens. Uses the Qwen-vocabulary model
 * (random weights, 151,936-token output layer), slow enough that 1,900 tokens take far longer than the test.
 */
@Timeout(180)
class WholeAnswerHangUpTest {
    private static final int MAX_TOKENS = 1900;
    private RunningZone zone;

    @AfterEach
    void stop() {
        if (zone != null) {
            zone.close();
        }
    }

    /** A body that cannot end before max_tokens: the end-of-generation tokens are banned. */
    private String longRequest(boolean chat) {
        StringBuilder bias = new StringBuilder();
        for (int id : zone.server.model().model().tokenizer().endOfGenerationIds()) {
            bias.append(bias.isEmpty() ? "" : ",").append('"').append(id).append("\":-100");
        }
        String input = chat ? "\"messages\":[{\"role\":\"user\",\"content\":\"Count.\"}]" : "\"prompt\":\"Count:\"";
        return "{\"model\":\"" + zone.modelId() + "\"," + input + ",\"max_tokens\":" + MAX_TOKENS
                + ",\"stream\":false,\"logit_bias\":{" + bias + "}}";
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Eventually.await(what, Duration.ofSeconds(60), condition);
    }

    /** Waits until the one request decodes: a few steps past its prompt. */
    private void awaitDecoding() throws InterruptedException {
        long before = zone.server.scheduler().steps();
        await("the request decodes", () -> zone.server.scheduler().activeSequences() == 1
                && zone.server.scheduler().steps() > before + 3);
    }

    /** Waits for the sequence to leave and its usage record, and returns that record. */
    private UsageRecord awaitCancelled() throws InterruptedException {
        BatchScheduler scheduler = zone.server.scheduler();
        await("the sequence leaves and frees its KV cache",
                () -> scheduler.activeSequences() == 0 && scheduler.kvCacheBytes() == 0);
        await("the usage is recorded", () -> !zone.server.usage().forTenant(zone.tenant.id()).isEmpty());
        List<UsageRecord> records = zone.server.usage().forTenant(zone.tenant.id());
        assertThat(records).hasSize(1);
        UsageRecord r = records.getFirst();
        assertThat(r.finishReason()).isEqualTo("cancelled");
        assertThat(r.completionTokens()).isPositive().isLessThan(MAX_TOKENS / 10);
        return r;
    }

    @Test
    void chatClientThatHangsUpStopsItsGenerationAndIsMeteredAsCancelled() throws Exception {
        zone = RunningZone.start(RunningZone.QWEN_VOCAB);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        CompletableFuture<HttpResponse<String>> answer = client.sendAsync(HttpRequest.newBuilder(
                        URI.create(zone.server.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + zone.key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(longRequest(true))).build(), HttpResponse.BodyHandlers.ofString());
        awaitDecoding();
        client.shutdownNow(); // aborts the request and closes its connection

        UsageRecord r = awaitCancelled();
        assertThat(r.endpoint()).isEqualTo("chat.completions");
        assertThat(answer).failsWithin(30, TimeUnit.SECONDS);
        // The transfer record says the request was served that far, and that no answer left the zone.
        var log = zone.server.evidence().log();
        await("the transfer is recorded", () -> log.size() > 0);
        TransferRecord record = log.read(log.size() - 1);
        assertThat(record.completionTokens()).isEqualTo(r.completionTokens());
        assertThat(record.bytesOut()).isZero();
    }

    @Test
    void completionsClientThatClosesItsSocketStopsItsGeneration() throws Exception {
        zone = RunningZone.start(RunningZone.QWEN_VOCAB);
        byte[] body = longRequest(false).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", zone.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + zone.key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            awaitDecoding();
        }
        assertThat(awaitCancelled().endpoint()).isEqualTo("completions");
    }
}
