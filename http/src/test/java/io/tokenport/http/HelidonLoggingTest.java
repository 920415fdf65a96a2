package io.tokenport.http;

import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM that starts a Helidon server is not told on stderr that Helidon found no logging implementation: Helidon
 * finds {@link TokenPortLogging} and leaves the logs to TokenPort. Run in a fresh JVM, since Helidon looks for a
 * logging provider once per JVM.
 */
class HelidonLoggingTest {
    /** Starts a server on a free loopback port and stops it. */
    public static void main(String[] args) {
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/", (req, res) -> res.send("ok"))).build().start();
        server.stop();
        System.out.println("started and stopped");
    }

    @Test
    void startingAServerDoesNotPrintHelidonsMissingLoggingNotice() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                HelidonLoggingTest.class.getName()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the server started and stopped").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out).isEqualTo("started and stopped" + System.lineSeparator());
        // Helidon's own INFO lines may follow (the commands turn io.helidon down to warnings); its complaint may not.
        assertThat(err).doesNotContain("There is no Helidon logging implementation");
    }
}
