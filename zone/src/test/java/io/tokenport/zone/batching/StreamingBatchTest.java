package io.tokenport.zone.batching;

import io.tokenport.zone.Eventually;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.metering.PriceBook;
import io.tokenport.zone.metering.UsageRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Continuous batching seen from clients: concurrent streams share steps, a client that hangs up frees its
 * sequence at once and is metered as cancelled, and a full queue answers 503. Uses the Qwen-vocabulary model
 * (random weights, 151,936-token output layer), whose tokens come slowly enough to overlap requests.
 */
class StreamingBatchTest {
    private RunningZone zone;

    @AfterEach
    void stop() {
        if (zone != null) {
            zone.close();
        }
    }

    /** A chat request body that cannot end early: the end-of-generation tokens are banned. */
    private String longChat(int maxTokens, boolean stream, int seed) {
        StringBuilder bias = new StringBuilder();
        for (int id : zone.server.model().model().tokenizer().endOfGenerationIds()) {
            bias.append(bias.isEmpty() ? "" : ",").append('"').append(id).append("\":-100");
        }
        return "{\"model\":\"" + zone.modelId() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Count.\"}],"
                + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream + ",\"seed\":" + seed
                + ",\"logit_bias\":{" + bias + "}}";
    }

    /** Opens a streaming request on a raw socket and returns it after the response headers. */
    private Socket openStream(String body, BufferedReader[] readerOut) throws Exception {
        Socket socket = new Socket("127.0.0.1", zone.server.port());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + zone.key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertThat(reader.readLine()).startsWith("HTTP/1.1 200");
        readerOut[0] = reader;
        return socket;
    }

    /** Reads until {@code n} SSE data lines have arrived. */
    private static void readEvents(BufferedReader reader, int n) throws Exception {
        int seen = 0;
        for (String line; seen < n && (line = reader.readLine()) != null; ) {
            if (line.contains("data: {")) {
                seen++;
            }
        }
        assertThat(seen).isEqualTo(n);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Eventually.await(what, Duration.ofSeconds(30), condition);
    }

    @Test
    void clientThatHangsUpFreesItsSequenceAndIsMeteredAsCancelled() throws Exception {
        zone = RunningZone.start(RunningZone.QWEN_VOCAB);
        BufferedReader[] reader = new BufferedReader[1];
        Socket client = openStream(longChat(1900, true, 1), reader);
        readEvents(reader[0], 3);
        assertThat(zone.server.scheduler().activeSequences()).isEqualTo(1);
        client.close();
        await("the sequence is freed", () -> zone.server.scheduler().activeSequences() == 0);
        await("the usage is recorded", () -> !zone.server.usage().forTenant(zone.tenant.id()).isEmpty());
        List<UsageRecord> records = zone.server.usage().forTenant(zone.tenant.id());
        assertThat(records).hasSize(1);
        UsageRecord r = records.getFirst();
        assertThat(r.finishReason()).isEqualTo("cancelled");
        assertThat(r.completionTokens()).isPositive().isLessThan(1900);
        assertThat(r.promptTokens()).isPositive();
    }

    @Test
    void queuedClientThatHangsUpLeavesTheQueueWithoutRunning() throws Exception {
        zone = RunningZone.start(RunningZone.QWEN_VOCAB, new BatchScheduler.Settings(1, 4, 64), 1 << 20,
                PriceBook.FREE);
        BufferedReader[] running = new BufferedReader[1];
        BufferedReader[] queued = new BufferedReader[1];
        Socket first = openStream(longChat(1900, true, 1), running);
        try {
            readEvents(running[0], 2);
            Socket second = openStream(longChat(1900, true, 2), queued);
            readEvents(queued[0], 1);
            assertThat(zone.server.scheduler().queuedRequests()).isEqualTo(1);
            second.close();
            await("the queued request is dropped", () -> zone.server.scheduler().queuedRequests() == 0);
            await("its usage is recorded", () -> !zone.server.usage().forTenant(zone.tenant.id()).isEmpty());
            UsageRecord r = zone.server.usage().forTenant(zone.tenant.id()).getFirst();
            assertThat(r.finishReason()).isEqualTo("cancelled");
            assertThat(r.completionTokens()).isZero();
            assertThat(r.timeToFirstTokenUs()).isEqualTo(-1);
            assertThat(zone.server.scheduler().activeSequences()).isEqualTo(1);
        } finally {
            first.close();
        }
    }

    @Test
    void shutdownEndsARunningStreamWithAnErrorEventAndRefusesNewRequests() throws Exception {
        zone = RunningZone.start(RunningZone.QWEN_VOCAB);
        BufferedReader[] reader = new BufferedReader[1];
        try (Socket client = openStream(longChat(1900, true, 1), reader)) {
            readEvents(reader[0], 2);
            zone.server.scheduler().close();
            List<String> rest = new ArrayList<>();
            for (String line; (line = reader[0].readLine()) != null && !line.equals("data: [DONE]"); ) {
                rest.add(line);
            }
            assertThat(rest).anySatisfy(line -> assertThat(line).startsWith("data: {\"error\":"));
            assertThat(client.isConnected()).isTrue();
        }
        HttpResponse<String> refused = zone.post("/chat/completions", longChat(5, false, 2), zone.key);
        assertThat(refused.statusCode()).isEqualTo(503);
        await("the cut stream is metered", () -> !zone.server.usage().forTenant(zone.tenant.id()).isEmpty());
        assertThat(zone.server.usage().forTenant(zone.tenant.id()).getFirst().finishReason()).isEqualTo("error");
    }

    @Test
    void twoConcurrentStreamsBothProgressInSharedSteps() throws Exception {
        zone = RunningZone.start(RunningZone.QWEN_VOCAB);
        long sharedBefore = zone.server.scheduler().sharedSteps();
        List<Long> a = new ArrayList<>();
        List<Long> b = new ArrayList<>();
        var clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> collect(longChat(200, true, 1), a), clients);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> collect(longChat(200, true, 2), b), clients);
        first.get(120, TimeUnit.SECONDS);
        second.get(120, TimeUnit.SECONDS);

        assertThat(a).hasSizeGreaterThan(10);
        assertThat(b).hasSizeGreaterThan(10);
        // Each stream received events while the other was still receiving: they ran side by side.
        assertThat(a.getFirst()).isLessThan(b.getLast());
        assertThat(b.getFirst()).isLessThan(a.getLast());
        assertThat(zone.server.scheduler().sharedSteps() - sharedBefore).isPositive();
        List<UsageRecord> records = zone.server.usage().forTenant(zone.tenant.id());
        assertThat(records).extracting(UsageRecord::completionTokens).containsExactly(200, 200);
        assertThat(records).extracting(UsageRecord::finishReason).containsOnly("length");
    }

    /** Streams one request, noting when each SSE event arrives. */
    private void collect(String body, List<Long> arrivals) {
        HttpResponse<java.util.stream.Stream<String>> response = send(body);
        assertThat(response.statusCode()).isEqualTo(200);
        response.body().forEach(line -> {
            if (line.startsWith("data: ")) {
                arrivals.add(System.nanoTime());
            }
        });
    }

    private HttpResponse<java.util.stream.Stream<String>> send(String body) {
        try {
            return zone.http().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(zone.server.baseUrl() + "/chat/completions"))
                    .header("Authorization", "Bearer " + zone.key)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofMinutes(2))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofLines());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fullQueueAnswers503AndServesAgainOnceThereIsRoom() throws Exception {
        zone = RunningZone.start(RunningZone.QWEN_VOCAB, new BatchScheduler.Settings(1, 1, 64), 1 << 20,
                PriceBook.FREE);
        BufferedReader[] reader = new BufferedReader[1];
        CompletableFuture<HttpResponse<String>> queued;
        Socket running = openStream(longChat(1900, true, 1), reader);
        try {
            readEvents(reader[0], 2);
            queued = CompletableFuture.supplyAsync(() -> zone.post("/chat/completions", longChat(5, false, 3),
                    zone.key), java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            await("the second request waits", () -> zone.server.scheduler().queuedRequests() == 1);

            HttpResponse<String> refused = zone.post("/chat/completions", longChat(5, false, 4), zone.key);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("\"type\":\"server_error\"").contains("\"code\":\"overloaded\"");
        } finally {
            running.close();
        }
        // The first client hung up: its slot goes to the waiting request.
        assertThat(queued.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
}
