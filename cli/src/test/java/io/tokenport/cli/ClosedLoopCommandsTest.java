package io.tokenport.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The closed loop from the command line, as an operator sets it up: {@code tokenport pki} makes the certificates,
 * {@code tokenport up --link-port} (or {@code tokenport zone}, link only) starts the zone with its link listener,
 * {@code tokenport edge} connects to it, and a client's request through the edge is served by the zone.
 */
class ClosedLoopCommandsTest {
    private static final Path STORIES = Path.of("../shared/models/stories260K.gguf");

    @TempDir
    Path dir;

    /** A command running in the background, its stdout readable line by line. */
    private record Running(CompletableFuture<Integer> exit, BufferedReader out, StringWriter err) {
    }

    private static Running start(CommandLine cl, String... args) throws Exception {
        cl.setExecutionExceptionHandler(new UserErrors());
        PipedWriter pipe = new PipedWriter();
        BufferedReader lines = new BufferedReader(new PipedReader(pipe, 1 << 16));
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(pipe, true));
        cl.setErr(new PrintWriter(err, true));
        // A thread of its own each: on a small machine the common pool may have a single worker, taken by the zone.
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofPlatform().name("command-" + cl.getCommandName()).start(() -> {
            try {
                exit.complete(cl.execute(args));
            } catch (RuntimeException | Error e) {
                exit.completeExceptionally(e);
            } finally {
                cl.getOut().close();
            }
        });
        return new Running(exit, lines, err);
    }

    private static String value(Running r, String name) throws Exception {
        String line = r.out().readLine();
        assertThat(line).as(r.err().toString()).startsWith(name + ": ");
        return line.substring(name.length() + 2);
    }

    @Test
    void aRequestThroughTheEdgeStartedFromTheCommandLineIsServedByTheZone() throws Exception {
        String pki = dir.resolve("pki").toString();
        assertThat(AdminCommandsTest.run(Settings.none(), "pki", "init-ca", "--dir", pki).exit()).isZero();
        assertThat(AdminCommandsTest.run(Settings.none(), "pki", "zone-cert", "--dir", pki, "--ip", "127.0.0.1")
                .exit()).isZero();
        assertThat(AdminCommandsTest.run(Settings.none(), "pki", "edge-cert", "--dir", pki, "--edge-id", "sg-1")
                .exit()).isZero();

        UpCommand up = new UpCommand();
        CommandLine upCommand = new CommandLine(up);
        up.zoneOptions.modelOptions.environment = Map.of();
        Running zone = start(upCommand, "--model", STORIES.toString(), "--port", "0",
                "--data-dir", dir.resolve("data").toString(), "--link-port", "0", "--link-host", "127.0.0.1",
                "--link-cert", pki + "/zone.crt", "--link-key", pki + "/zone.key", "--link-ca", pki + "/link-ca.crt");
        EdgeCommand edgeCommand = new EdgeCommand();
        try {
            value(zone, "base_url");
            String key = value(zone, "api_key");
            String link = value(zone, "link_url");

            Running edge = start(new CommandLine(edgeCommand), "--zone", link, "--edge-id", "sg-1",
                    "--jurisdiction", "SG", "--cert", pki + "/edge-sg-1.crt", "--key", pki + "/edge-sg-1.key",
                    "--ca", pki + "/link-ca.crt", "--port", "0", "--link-connections", "3");
            try {
                String base = value(edge, "base_url");
                assertThat(base).startsWith("http://127.0.0.1:");
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(base + "/completions"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stories260K\",\"prompt\":"
                                + "\"Once upon a time\",\"max_tokens\":8,\"temperature\":0}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains(", there was a little girl");
                assertThat(edge.err().toString()).doesNotContain(key);
            } finally {
                edgeCommand.stop.countDown();
            }
            assertThat(edge.exit().get(30, TimeUnit.SECONDS)).isZero();
            assertThat(edge.err().toString()).contains("linked to " + link + " over 3 connections");
        } finally {
            up.running.stop();
        }
        assertThat(zone.exit().get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void theProductionZoneServesOnlyItsLinkToKeysIssuedFromTheCommandLine() throws Exception {
        String pki = dir.resolve("pki").toString();
        String data = dir.resolve("data").toString();
        assertThat(AdminCommandsTest.run(Settings.none(), "pki", "init-ca", "--dir", pki).exit()).isZero();
        assertThat(AdminCommandsTest.run(Settings.none(), "pki", "zone-cert", "--dir", pki, "--ip", "127.0.0.1")
                .exit()).isZero();
        assertThat(AdminCommandsTest.run(Settings.none(), "pki", "edge-cert", "--dir", pki, "--edge-id", "de-1")
                .exit()).isZero();
        assertThat(AdminCommandsTest.run(Settings.none(), "tenants", "create", "acme", "--jurisdiction", "DE",
                "--data-dir", data).exit()).isZero();
        AdminCommandsTest.Run issued = AdminCommandsTest.run(Settings.none(), "keys", "create", "--tenant", "acme",
                "--data-dir", data);
        String key = issued.out().lines().findFirst().orElseThrow().substring("api_key: ".length());

        assertThat(AdminCommandsTest.run(Settings.none(), "zone", "--model", STORIES.toString(), "--data-dir", data)
                .err()).contains("a zone serves only its link");

        ZoneCommand zoneCommand = new ZoneCommand();
        CommandLine zoneLine = new CommandLine(zoneCommand);
        zoneCommand.zoneOptions.modelOptions.environment = Map.of();
        Running zone = start(zoneLine, "--model", STORIES.toString(), "--data-dir", data,
                "--link-port", "0", "--link-host", "127.0.0.1", "--link-cert", pki + "/zone.crt",
                "--link-key", pki + "/zone.key", "--link-ca", pki + "/link-ca.crt");
        EdgeCommand edgeCommand = new EdgeCommand();
        try {
            String link = value(zone, "link_url");
            Running edge = start(new CommandLine(edgeCommand), "--zone", link, "--edge-id", "de-1",
                    "--jurisdiction", "DE", "--cert", pki + "/edge-de-1.crt", "--key", pki + "/edge-de-1.key",
                    "--ca", pki + "/link-ca.crt", "--port", "0");
            try {
                String base = value(edge, "base_url");
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(base + "/completions"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"stories260K\",\"prompt\":"
                                + "\"Once upon a time\",\"max_tokens\":4,\"temperature\":0}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.headers().firstValue("TokenPort-Receipt")).isPresent();
                // Straight to the link port without an edge certificate: refused at the handshake.
                HttpClient anonymous = HttpClient.newBuilder().sslContext(trustAll()).build();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> anonymous.send(HttpRequest.newBuilder(
                        URI.create(link + "/v1/models")).header("Authorization", "Bearer " + key).build(),
                        HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
            } finally {
                edgeCommand.stop.countDown();
            }
            assertThat(edge.exit().get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            zoneCommand.running.stop();
        }
        assertThat(zone.exit().get(30, TimeUnit.SECONDS)).isZero();
        // The zone printed no base_url: it has no plain API.
        assertThat(zone.err().toString()).contains("attested origins only");
    }

    /** A client context that trusts any server but has no certificate of its own. */
    private static javax.net.ssl.SSLContext trustAll() throws Exception {
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        tls.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return tls;
    }
}
