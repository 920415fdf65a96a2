package io.tokenport.e2e;

import io.tokenport.cli.TokenPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pieces the closed-loop test is made of, on what exists today: the real {@code tokenport} command started from
 * the test classpath inside a namespace, and the SDK client main ({@link OverseasClient}) getting tokens and a
 * receipt from it. ({@code tokenport up} serves on 127.0.0.1 only, so both run in the same namespace here.)
 */
class TokenPortInANamespaceTest {
    private static final Path MODEL = Path.of("../shared/models/stories260K.gguf");
    private static final int PORT = 8080;

    @TempDir
    Path dir;

    @Test
    void theSdkClientGetsTokensAndAReceiptFromTokenPortUpStartedInANamespace() throws Exception {
        // The log holds the printed key: it lives in the temporary folder and goes with it.
        Path log = dir.resolve("up.log");
        try (var namespaces = Namespaces.create()) {
            Process up = namespaces.startJava(Host.EDGE, TokenPort.class, List.of("up", "--model", MODEL.toString(),
                    "--port", String.valueOf(PORT), "--data-dir", dir.resolve("data").toString(), "--threads", "1"),
                    Map.of(), log);
            String key = awaitPrinted(namespaces, up, log, "api_key: ", Duration.ofSeconds(120));
            namespaces.awaitPort(Host.EDGE, "127.0.0.1", PORT, Duration.ofSeconds(30), up);

            CommandResult client = namespaces.runJava(Host.EDGE, OverseasClient.class,
                    List.of("http://127.0.0.1:" + PORT + "/v1", "stories260K"), Map.of("OPENAI_API_KEY", key), Duration.ofSeconds(60));

            assertThat(client.output()).as(client.output()).contains("status=200", "completion_tokens=4", "receipt=present");
        }
    }

    /** Waits until the log has a line starting with {@code label} and returns the rest of that line. */
    private static String awaitPrinted(Namespaces namespaces, Process process, Path log, String label, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> line = Files.exists(log)
                    ? Files.readAllLines(log).stream().filter(l -> l.startsWith(label)).findFirst() : Optional.empty();
            if (line.isPresent()) {
                return line.get().substring(label.length()).strip();
            }
            if (!process.isAlive()) {
                throw new AssertionError("the process exited before printing " + label + ":\n" + namespaces.logTail(process));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing printed " + label + " within " + timeout + ":\n" + namespaces.logTail(process));
    }
}
