package io.tokenport.edge;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The edge's pool of link connections, counted from outside the edge: a {@link CountingForwarder} between the edge
 * and a real zone accepts every connection the edge opens to it (the mutual TLS passes through untouched) and
 * counts the bytes each one carries.
 */
@Timeout(120)
class EdgeLinkPoolTest {
    private static LinkedZone loop;
    private CountingForwarder cable;

    @BeforeAll
    static void startZone() {
        loop = new LinkedZone();
    }

    @AfterAll
    static void stopZone() {
        loop.close();
    }

    @BeforeEach
    void layCable() throws IOException {
        cable = new CountingForwarder(loop.zone.linkPort());
    }

    @AfterEach
    void cutCable() {
        cable.close();
    }

    /** A new edge's configuration, dialling the zone through the cable. */
    private EdgeConfig throughTheCable(String edgeId) {
        return loop.edgeConfig(edgeId, "SG", URI.create("https://localhost:" + cable.port()));
    }

    private List<ChatCompletionChunk> streamedChat(OpenAIClient client) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(loop.modelId())
                .addUserMessage("Once upon a time").maxCompletionTokens(24).temperature(0.0)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        return chunks;
    }

    @Test
    void byDefaultTheLinkOpensTwoConnectionsAtStart() throws IOException {
        EdgeConfig config = throughTheCable("sg-20");
        assertThat(config.linkConnections()).isEqualTo(2);
        try (EdgeServer edge = EdgeServer.start(config)) {
            assertThat(cable.accepted()).isEqualTo(2);
            assertThat(edge.linkPings()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0} link connections")
    @ValueSource(ints = {1, 3})
    void concurrentStreamsGoOnTheConnectionsOpenedAtStartAndOpenNoMore(int connections) throws Exception {
        try (EdgeServer edge = EdgeServer.start(throughTheCable("sg-3" + connections).pooling(connections))) {
            // Every connection is open, handshake done, before the first client request.
            assertThat(cable.accepted()).isEqualTo(connections);
            List<Long> before = cable.bytesFromZone();

            OpenAIClient client = loop.client(edge);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<ChatCompletionChunk>>> streams = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 6; i++) {
                    streams.add(clients.submit(() -> {
                        go.await();
                        return streamedChat(client);
                    }));
                }
                go.countDown();
            }
            for (Future<List<ChatCompletionChunk>> stream : streams) {
                List<ChatCompletionChunk> chunks = stream.get();
                assertThat(chunks).hasSizeGreaterThan(2);
                assertThat(chunks.getLast().usage()).hasValueSatisfying(usage ->
                        assertThat(usage.completionTokens()).isBetween(1L, 24L));
            }

            // No handshake per request: the link still has the connections it opened at start, and no other.
            assertThat(cable.accepted()).isEqualTo(connections);
            // A streamed answer is kilobytes; an idle connection's own traffic, tens of bytes.
            List<Long> after = cable.bytesFromZone();
            int carrying = 0;
            for (int i = 0; i < connections; i++) {
                if (after.get(i) - before.get(i) > 512) {
                    carrying++;
                }
            }
            // Taken in turn while none is busier than another, every connection carried some of them.
            assertThat(carrying).as("connections that carried answers, of %d", connections).isEqualTo(connections);
            // Each answer gave its connection back once read to its end.
            while (edge.linkRequestsInFlight() > 0) {
                Thread.sleep(10); // bounded by the test timeout, not a timing threshold
            }
            assertThat(loop.refusals).isEmpty();
        }
    }

    @Test
    void eachLinkConnectionIsPingedWhileIdle() throws Exception {
        try (EdgeServer edge = EdgeServer.start(throughTheCable("sg-40").pooling(3)
                .keepingWarm(Duration.ofMillis(50)))) {
            List<Long> opened = cable.bytesToZone();
            while (edge.linkPings() < 3 + 3 * 10) {
                Thread.sleep(20); // bounded by the test timeout, not a timing threshold
            }
            // Pinged in turn, the connections carry about the same; had one been left out it would carry nothing.
            List<Long> now = cable.bytesToZone();
            long total = 0;
            for (int i = 0; i < 3; i++) {
                total += now.get(i) - opened.get(i);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(now.get(i) - opened.get(i)).as("bytes of pings on connection %d", i + 1)
                        .isGreaterThan(total / 3 / 2);
            }
            assertThat(cable.accepted()).isEqualTo(3);
        }
    }

    @Test
    void aRequestThatCannotReachTheZoneGivesItsConnectionBack() throws Exception {
        try (EdgeServer edge = EdgeServer.start(throughTheCable("sg-50"))) {
            cable.close(); // the cable goes down: every link connection is cut, and no new one can open
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create(edge.baseUrl() + "/models")).header("Authorization", "Bearer " + loop.key)
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(502);
                assertThat(answer.body()).contains("\"code\":\"zone_unreachable\"");
                assertThat(edge.linkRequestsInFlight()).isZero();
            }
        }
    }

    @Test
    void aLinkOfNoConnectionOrOfMoreThan64IsRefused() {
        EdgeConfig config = throughTheCable("sg-60");
        assertThat(config.pooling(1).linkConnections()).isEqualTo(1);
        assertThat(config.pooling(64).linkConnections()).isEqualTo(64);
        assertThatThrownBy(() -> config.pooling(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the link to the zone needs 1 to 64 connections (--link-connections), got 0");
        assertThatThrownBy(() -> config.pooling(65)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the link to the zone needs 1 to 64 connections (--link-connections), got 65");
    }
}
