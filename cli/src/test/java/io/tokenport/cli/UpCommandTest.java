package io.tokenport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.BufferedReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class UpCommandTest {

    @Test
    void upPrintsBaseUrlAndKeyThatServeAChatCompletion(@TempDir Path dataDir) throws Exception {
        UpCommand up = new UpCommand();
        CommandLine cl = new CommandLine(up);
        PipedWriter pipe = new PipedWriter();
        BufferedReader lines = new BufferedReader(new PipedReader(pipe, 1 << 16));
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(pipe, true));
        cl.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(
                "--model", "../shared/models/stories260K.gguf", "--port", "0", "--data-dir", dataDir.toString(),
                "--threads", "1"));
        try {
            String baseLine = lines.readLine();
            String keyLine = lines.readLine();
            assertThat(baseLine).as(err.toString()).startsWith("base_url: http://127.0.0.1:").endsWith("/v1");
            assertThat(keyLine).startsWith("api_key: ");
            String baseUrl = baseLine.substring("base_url: ".length());
            String key = keyLine.substring("api_key: ".length());

            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(baseUrl + "/completions"))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"stories260K\",\"prompt\":\"Once upon a time\",\"max_tokens\":8,\"temperature\":0}"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.path("choices").path(0).path("text").asText()).startsWith(", there was a little girl");
            assertThat(body.path("usage").path("completion_tokens").asInt()).isEqualTo(8);
            assertThat(Files.exists(dataDir.resolve("zone.db"))).isTrue();
            assertThat(err.toString()).doesNotContain(key);
        } finally {
            up.stop.countDown();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void missingModelIsAClearError(@TempDir Path dataDir) {
        var run = GenerateCommandTest.run("up", "--model", "no/such.gguf", "--data-dir", dataDir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("file not found: no/such.gguf");
    }
}
