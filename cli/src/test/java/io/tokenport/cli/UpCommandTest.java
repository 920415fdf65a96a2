package io.tokenport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenport.cli.models.HubServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class UpCommandTest {
    private static final Path STORIES = Path.of("../shared/models/stories260K.gguf");

    /** Runs {@code up} with {@code args} and {@code environment}, completes "Once upon a time", then stops it. */
    private static String serveAndComplete(Map<String, String> environment, String... args) throws Exception {
        UpCommand up = new UpCommand();
        CommandLine cl = new CommandLine(up);
        up.zoneOptions.modelOptions.environment = environment;
        cl.setExecutionExceptionHandler(new UserErrors());
        PipedWriter pipe = new PipedWriter();
        BufferedReader lines = new BufferedReader(new PipedReader(pipe, 1 << 16));
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(pipe, true));
        cl.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return cl.execute(args);
            } finally {
                cl.getOut().close(); // an early failure ends the reads below instead of blocking them
            }
        });
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
            assertThat(err.toString()).doesNotContain(key);
            receipt[0] = response.headers().firstValue(io.tokenport.audit.Receipt.HEADER).orElse(null);
        } finally {
            up.running.stop();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        return err.toString();
    }

    /** The receipt of the last {@link #serveAndComplete} answer. */
    private static final String[] receipt = new String[1];

    /** Runs {@code up} expecting it to fail before serving. */
    private static GenerateCommandTest.Run failingUp(Map<String, String> environment, String... args) {
        UpCommand up = new UpCommand();
        CommandLine cl = new CommandLine(up);
        up.zoneOptions.modelOptions.environment = environment;
        cl.setExecutionExceptionHandler(new UserErrors());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        up.running.stop();
        return new GenerateCommandTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void upPrintsBaseUrlAndKeyThatServeAChatCompletion(@TempDir Path dataDir) throws Exception {
        String err = serveAndComplete(Map.of(), "--model", STORIES.toString(), "--port", "0",
                "--data-dir", dataDir.toString(), "--threads", "1");

        assertThat(Files.exists(dataDir.resolve("zone.db"))).isTrue();
        // The request went through the local edge and the mutual-TLS link: its record names the edge.
        assertThat(err).contains("local edge local-edge (SG)");
        try (var log = io.tokenport.audit.TransferLog.openReadOnly(dataDir.resolve("evidence/log"))) {
            var record = log.read(io.tokenport.audit.Receipt.parse(receipt[0]).index());
            assertThat(record.edgeId()).isEqualTo("local-edge");
            assertThat(record.jurisdiction()).isEqualTo("SG");
        }
        // The admin listener's token: created once, readable by its owner only, and never printed.
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve("admin.token")))).isEqualTo("rw-------");
        assertThat(err).doesNotContain(Files.readString(dataDir.resolve("admin.token")).strip());
    }

    @Test
    void directServesTheZonesOwnApiWithoutTheLocalEdge(@TempDir Path dataDir) throws Exception {
        String err = serveAndComplete(Map.of(), "--model", STORIES.toString(), "--port", "0",
                "--data-dir", dataDir.toString(), "--threads", "1", "--direct");

        assertThat(err).contains("zone API served directly");
        assertThat(dataDir.resolve("link")).doesNotExist();
        try (var log = io.tokenport.audit.TransferLog.openReadOnly(dataDir.resolve("evidence/log"))) {
            var record = log.read(io.tokenport.audit.Receipt.parse(receipt[0]).index());
            assertThat(record.edgeId()).isEqualTo("loopback");
        }
    }

    @Test
    void upDownloadsAnHfModelFromHfEndpointIntoTheCacheAndServesIt(@TempDir Path dataDir, @TempDir Path cache)
            throws Exception {
        try (HubServer hub = new HubServer("tiny", "stories-GGUF", "main", "stories260K.gguf",
                Files.readAllBytes(STORIES))) {
            String err = serveAndComplete(Map.of("HF_ENDPOINT", hub.endpoint(), "HF_TOKEN", "hf_not_printed"),
                    "--model", "hf:tiny/stories-GGUF/stories260K.gguf", "--model-cache", cache.toString(),
                    "--port", "0", "--data-dir", dataDir.toString(), "--threads", "1");

            Path cached = cache.resolve("tiny/stories-GGUF/main/stories260K.gguf");
            assertThat(Files.readAllBytes(cached)).isEqualTo(Files.readAllBytes(STORIES));
            assertThat(err).contains("downloading hf:tiny/stories-GGUF/stories260K.gguf")
                    .contains("saved " + cached).doesNotContain("hf_not_printed");
            assertThat(hub.requests).hasSize(1);
            assertThat(hub.requests.getFirst().authorization()).isEqualTo("Bearer hf_not_printed");

            // A second start finds it in the cache (TOKENPORT_MODEL_CACHE this time) and asks the hub nothing.
            hub.close();
            serveAndComplete(Map.of("HF_ENDPOINT", hub.endpoint(), "TOKENPORT_MODEL_CACHE", cache.toString()),
                    "--model", "hf:tiny/stories-GGUF/stories260K.gguf", "--port", "0",
                    "--data-dir", dataDir.toString(), "--threads", "1");
            assertThat(hub.requests).hasSize(1);
        }
    }

    @Test
    void withoutModelAndWithoutNetworkUpSaysHowToPassAFile(@TempDir Path dataDir, @TempDir Path cache)
            throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        var run = failingUp(Map.of("HF_ENDPOINT", "http://127.0.0.1:" + closedPort),
                "--model-cache", cache.toString(), "--data-dir", dataDir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("tokenport up: cannot reach http://127.0.0.1:" + closedPort
                        + " to download hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf@")
                .contains("--model PATH");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMalformedHfReferenceIsAClearError(@TempDir Path dataDir) {
        var run = failingUp(Map.of(), "--model", "hf:Qwen/model.gguf", "--data-dir", dataDir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("tokenport up: bad model reference 'hf:Qwen/model.gguf': it needs an owner, "
                + "a repository and a file");
    }

    @Test
    void missingModelIsAClearError(@TempDir Path dataDir) {
        var run = GenerateCommandTest.run("up", "--model", "no/such.gguf", "--data-dir", dataDir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("file not found: no/such.gguf");
    }

    @Test
    void helpDocumentsModelChoiceCacheAndEnvironment() {
        var run = GenerateCommandTest.run("up", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("hf:OWNER/REPO/FILE.gguf").contains("Qwen2.5-0.5B-Instruct (Q4_K_M)")
                .contains("--model-cache").contains("~/.cache/tokenport/models").contains("HF_ENDPOINT")
                .contains("HF_TOKEN").contains("TOKENPORT_MODEL_CACHE");
    }
}
