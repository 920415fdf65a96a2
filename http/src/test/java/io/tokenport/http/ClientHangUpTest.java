package io.tokenport.http;

import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Helidon server whose handler holds each request open while watching its client, driven by raw sockets so
 * that the test decides exactly when bytes arrive and when the client goes: a hang-up reaches the handler before
 * it answers, and whatever a client that stays sends meanwhile (its next request) reaches the connection intact.
 */
@Timeout(60)
class ClientHangUpTest {
    /** One request held by the handler: what it got, and what happened to its client. */
    private static final class Held {
        final String body;
        final CompletableFuture<Void> answer = new CompletableFuture<>();
        final CompletableFuture<Void> hungUp = new CompletableFuture<>();

        Held(String body) {
            this.body = body;
        }
    }

    private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
    private WebServer server;

    private void start() {
        WebServerConfig.Builder builder = WebServer.builder().host("127.0.0.1").port(0);
        ClientHangUp.detectOn(builder);
        server = builder.routing(r -> r.post("/hold", (req, res) -> {
            Held h = new Held(new String(req.content().inputStream().readAllBytes(), StandardCharsets.UTF_8));
            try (HangUpWatch watch = ClientHangUp.watch(() -> h.hungUp.complete(null))) {
                held.add(h);
                CompletableFuture.anyOf(h.answer, h.hungUp).get(50, TimeUnit.SECONDS);
                if (watch.hungUp()) {
                    // Nobody to answer: close the connection without a response, as the zone does.
                    throw new CloseConnectionException("the client hung up");
                }
            }
            res.send("answered " + h.body);
        })).build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        // A read that would hang fails the test instead (a socket read does not notice JUnit's timeout).
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static byte[] post(String body, String... headers) {
        StringBuilder request = new StringBuilder("POST /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headers) {
            request.append(h).append("\r\n");
        }
        request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n")
                .append(body);
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Held nextHeld() throws InterruptedException {
        Held h = held.poll(30, TimeUnit.SECONDS);
        assertThat(h).as("a request reached the handler").isNotNull();
        return h;
    }

    /** Reads one response with a Content-Length body and returns its body. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).as("the response ended early: " + head).isNotNegative();
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.US_ASCII);
        assertThat(headers).startsWith("HTTP/1.1 200");
        int length = -1;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        assertThat(length).as("Content-Length in " + headers).isNotNegative();
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Test
    void aClientThatHangsUpIsToldToTheHandlerBeforeItIsAnswered() throws Exception {
        start();
        Socket client = connect();
        client.getOutputStream().write(post("{\"max_tokens\":1900}"));
        Held h = nextHeld();
        client.close();
        h.hungUp.get(30, TimeUnit.SECONDS);
        assertThat(h.answer).isNotDone();
    }

    @Test
    void aChunkedBodyIsReadWholeAndItsClientsHangUpSeen() throws Exception {
        start();
        Socket client = connect();
        client.getOutputStream().write(("POST /hold HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        Held h = nextHeld();
        assertThat(h.body).isEqualTo("hello world");
        client.close();
        h.hungUp.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aClientThatWaitsIsAnsweredAndItsConnectionServesTheNextRequest() throws Exception {
        start();
        try (Socket client = connect()) {
            InputStream in = client.getInputStream();
            client.getOutputStream().write(post("first"));
            Held first = nextHeld();
            first.answer.complete(null);
            assertThat(readResponse(in)).isEqualTo("answered first");

            client.getOutputStream().write(post("second"));
            Held second = nextHeld();
            second.answer.complete(null);
            assertThat(readResponse(in)).isEqualTo("answered second");
            assertThat(first.hungUp).isNotDone();
            assertThat(second.hungUp).isNotDone();
        }
    }

    @Test
    void aRequestSentWhileTheLastIsWatchedReachesTheConnectionIntact() throws Exception {
        start();
        Socket client = connect();
        InputStream in = client.getInputStream();
        client.getOutputStream().write(post("first"));
        Held first = nextHeld();
        // The watch's background read is waiting: these bytes are what it reads.
        client.getOutputStream().write(post("second, sent early"));
        first.answer.complete(null);
        assertThat(readResponse(in)).isEqualTo("answered first");
        Held second = nextHeld();
        assertThat(second.body).isEqualTo("second, sent early");
        assertThat(first.hungUp).isNotDone();

        // The second request is watched afresh: its client's hang-up is seen too.
        client.close();
        second.hungUp.get(30, TimeUnit.SECONDS);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        start();
        try (Socket client = connect()) {
            InputStream in = client.getInputStream();
            ByteArrayOutputStream both = new ByteArrayOutputStream();
            both.write(post("one"));
            both.write(post("two"));
            client.getOutputStream().write(both.toByteArray());
            Held one = nextHeld();
            one.answer.complete(null);
            Held two = nextHeld();
            two.answer.complete(null);
            assertThat(readResponse(in)).isEqualTo("answered one");
            assertThat(readResponse(in)).isEqualTo("answered two");
            assertThat(one.hungUp).isNotDone();
            assertThat(two.hungUp).isNotDone();
        }
    }

    @Test
    void stoppingTheServerEndsAConnectionThatWaitsForItsNextRequest() throws Exception {
        start();
        try (Socket client = connect()) {
            InputStream in = client.getInputStream();
            client.getOutputStream().write(post("first"));
            Held h = nextHeld();
            h.answer.complete(null);
            assertThat(readResponse(in)).isEqualTo("answered first");
            // The watch's read is still out, now as the connection's wait for a next request.
            server.stop();
            assertThat(in.read()).isEqualTo(-1);
        } finally {
            server = null;
        }
    }
}
