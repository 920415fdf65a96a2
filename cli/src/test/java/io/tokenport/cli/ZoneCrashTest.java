package io.tokenport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenport.audit.Outcome;
import io.tokenport.audit.TransferLog;
import io.tokenport.audit.TransferRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md's invariant 3, the part that exists so far: every served request has exactly one transfer record, also
 * across a crash. A real zone process ({@code tokenport up --direct}) serves whole answers, is killed with SIGKILL
 * in the middle of a streamed one, and is started again on the same data directory: every answer a client got has
 * exactly one "served" record in the transfer log (its id is the response's id less the {@code cmpl-} prefix), the
 * request that was cut off has none, the log continues after the restart, and the usage table holds one record
 * per answer with its token count.
 */
class ZoneCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
        // Not close(): it waits for every exchange to end, and the stream cut off by the crash may never end.
        http.shutdownNow();
    }

    private record Zone(Process process, String baseUrl, String key) {
    }

    /** Starts {@code tokenport up --direct} in a child JVM on {@link #dir}; returns once it prints its two lines. */
    private Zone start(int run) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path err = dir.resolve("zone-" + run + ".err");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@scripts/jvm.args", "-cp", System.getProperty("java.class.path"), TokenPort.class.getName(),
                "up", "--direct", "--model", "../shared/models/stories260K.gguf", "--port", Integer.toString(port),
                "--data-dir", dir.resolve("data").toString())
                .redirectError(err.toFile())
                .start();
        processes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String[]> lines = CompletableFuture.supplyAsync(() -> {
            try {
                return new String[] {out.readLine(), out.readLine()};
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        String[] two = lines.get(120, TimeUnit.SECONDS);
        assertThat(two[0]).as("the zone's first line; stderr: %s", Files.readString(err)).startsWith("base_url: ");
        assertThat(two[1]).startsWith("api_key: ");
        return new Zone(process, two[0].substring("base_url: ".length()), two[1].substring("api_key: ".length()));
    }

    private HttpRequest completion(Zone zone, boolean stream, int maxTokens) {
        return HttpRequest.newBuilder(URI.create(zone.baseUrl() + "/completions"))
                .header("Authorization", "Bearer " + zone.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\","
                        + "\"max_tokens\":" + maxTokens + ",\"temperature\":0,\"stream\":" + stream + "}"))
                .build();
    }

    /** A whole answer: its request id (the response id less {@code cmpl-}) and completion tokens. */
    private Map.Entry<String, Integer> complete(Zone zone) throws Exception {
        HttpResponse<String> response = http.send(completion(zone, false, 6), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        String id = body.path("id").asText();
        assertThat(id).startsWith("cmpl-");
        return Map.entry(id.substring("cmpl-".length()), body.path("usage").path("completion_tokens").asInt());
    }

    @Test
    void everyAnswerHasExactlyOneTransferRecordAcrossAKillMinus9() throws Exception {
        Map<String, Integer> answered = new HashMap<>();
        Zone first = start(1);
        for (int i = 0; i < 3; i++) {
            var answer = complete(first);
            answered.put(answer.getKey(), answer.getValue());
        }

        // A streamed answer, cut off by SIGKILL after its first token.
        HttpResponse<java.io.InputStream> streamed = http.send(completion(first, true, 400),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(streamed.statusCode()).isEqualTo(200);
        BufferedReader events = new BufferedReader(new InputStreamReader(streamed.body(), StandardCharsets.UTF_8));
        String cutOff = null;
        for (String line; cutOff == null && (line = events.readLine()) != null; ) {
            if (line.startsWith("data: {")) {
                String id = JSON.readTree(line.substring("data: ".length())).path("id").asText();
                cutOff = id.substring("cmpl-".length());
            }
        }
        assertThat(cutOff).as("a first streamed event").isNotNull();
        first.process().destroyForcibly();
        events.close();
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.process().exitValue()).isNotZero();

        Zone second = start(2);
        var afterRestart = complete(second);
        answered.put(afterRestart.getKey(), afterRestart.getValue());
        second.process().destroy();
        assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).isTrue();

        Map<String, Integer> served = new HashMap<>();
        List<String> all = new ArrayList<>();
        try (TransferLog log = TransferLog.openReadOnly(dir.resolve("data").resolve("evidence").resolve("log"))) {
            for (long i = 0; i < log.size(); i++) {
                TransferRecord r = log.read(i);
                all.add(r.requestId());
                if (r.outcome() instanceof Outcome.Served) {
                    served.merge(r.requestId(), 1, Integer::sum);
                }
            }
        }
        assertThat(all).as("no request recorded twice").doesNotHaveDuplicates();
        for (String id : answered.keySet()) {
            assertThat(served.get(id)).as("served records of answered request %s", id).isEqualTo(1);
        }
        assertThat(served).as("the request cut off by the crash was not served").doesNotContainKey(cutOff);
        assertThat(served).as("served records are exactly the answers").hasSize(answered.size());

        List<Integer> usage = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data").resolve("zone.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT completion_tokens FROM usage_records")) {
            while (rs.next()) {
                usage.add(rs.getInt(1));
            }
        }
        assertThat(usage).as("one usage record per answer").containsExactlyInAnyOrderElementsOf(answered.values());
    }
}
