package io.tokenport.edge;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.tokenport.link.attestation.RefusalReason;
import io.tokenport.link.pki.LinkPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An edge in front of a real zone, called with the official OpenAI SDK as an overseas customer would. */
class EdgeServerTest {
    private static LinkedZone loop;
    private static EdgeServer edge;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws IOException {
        loop = new LinkedZone();
        edge = EdgeServer.start(loop.edgeConfig("sg-1", "SG"));
        client = loop.client(edge);
    }

    @AfterAll
    static void stop() {
        edge.close();
        loop.close();
    }

    private ChatCompletionCreateParams.Builder chat() {
        return ChatCompletionCreateParams.builder().model(loop.modelId()).addUserMessage("Once upon a time")
                .maxCompletionTokens(24).temperature(0.0);
    }

    @Test
    void chatCompletionThroughTheEdgeIsServedByTheZoneAndMetered() {
        long before = loop.zone.usage().forTenant(loop.zone.tenants().findTenant("acme").orElseThrow().id()).size();
        ChatCompletion answer = client.chat().completions().create(chat().build());
        assertThat(answer.choices().getFirst().message().content()).isPresent();
        assertThat(answer.usage().orElseThrow().completionTokens()).isBetween(1L, 24L);
        assertThat(loop.zone.usage().forTenant(loop.zone.tenants().findTenant("acme").orElseThrow().id()).size()).isEqualTo(before + 1);
        assertThat(loop.refusals).isEmpty();
    }

    private List<ChatCompletionChunk> streamedChat(OpenAIClient via) {
        ChatCompletionCreateParams params = chat()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = via.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        return chunks;
    }

    private static String text(List<ChatCompletionChunk> chunks) {
        StringBuilder text = new StringBuilder();
        for (ChatCompletionChunk c : chunks) {
            for (var choice : c.choices()) {
                choice.delta().content().ifPresent(text::append);
            }
        }
        return text.toString();
    }

    private static String text(ChatCompletion whole) {
        return whole.choices().getFirst().message().content().orElseThrow();
    }

    @Test
    void streamedChatArrivesChunkByChunkWithTheSameTextAsTheWholeAnswer() {
        List<ChatCompletionChunk> chunks = streamedChat(client);
        assertThat(chunks.size()).isGreaterThan(2);
        assertThat(chunks.getLast().usage()).isPresent();
        assertThat(text(chunks)).isEqualTo(text(client.chat().completions().create(chat().build())));
    }

    @Test
    void overAnHttp1LinkAnswersArriveWholeOnConnectionsTheZoneWatches() throws IOException {
        // The zone watches each HTTP/1.1 link connection (TLS) for the edge going away while it answers: the
        // answers, and the next requests on the same connections, pass untouched.
        try (EdgeServer http1 = EdgeServer.start(loop.edgeConfig("sg-4", "SG").speaking(HttpClient.Version.HTTP_1_1))) {
            OpenAIClient viaHttp1 = loop.client(http1);
            String whole = text(viaHttp1.chat().completions().create(chat().build()));
            assertThat(text(streamedChat(viaHttp1))).isEqualTo(whole);
            assertThat(text(viaHttp1.chat().completions().create(chat().build()))).isEqualTo(whole);
            assertThat(whole).isEqualTo(text(client.chat().completions().create(chat().build())));
        }
    }

    @Test
    void aClientCannotForgeItsOwnAttestation() throws Exception {
        String body = "{\"model\":\"" + loop.modelId() + "\",\"max_tokens\":2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(edge.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + loop.key).header("Content-Type", "application/json")
                .header("TokenPort-Attestation", "v1.forged.forged")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        // The edge drops the client's header and attests the request itself.
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    @Test
    void zoneErrorsReachTheClientAsTheZoneWroteThem() throws Exception {
        HttpResponse<String> noKey = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(edge.baseUrl() + "/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("www-authenticate")).hasValue("Bearer");
        assertThat(noKey.body()).contains("\"code\":\"invalid_api_key\"");

        HttpResponse<String> elsewhere = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + edge.port() + "/admin")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.body()).contains("\"code\":\"unknown_url\"");
    }

    @Test
    void anEdgeForDomesticClientsIsRefusedByTheZoneAndTheRefusalRecorded() throws IOException {
        try (EdgeServer domestic = EdgeServer.start(loop.edgeConfig("cn-1", "CN"))) {
            assertThatThrownBy(() -> loop.client(domestic).chat().completions().create(chat().build()))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessageContaining("jurisdiction_refused");
        }
        assertThat(loop.refusals).anySatisfy(r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.JURISDICTION_REFUSED);
            assertThat(r.peerEdge()).isEqualTo("cn-1");
            assertThat(r.clientAddress()).isEqualTo("127.0.0.1");
        });
        loop.refusals.removeIf(r -> "cn-1".equals(r.peerEdge()));
    }

    @Test
    void anEdgeCertifiedByAnotherCaCannotOpenTheLink() throws IOException {
        LinkPki rogue = new LinkPki(loop.dir.resolve("rogue"), InstantSource.system(), new SecureRandom());
        rogue.initAuthority("rogue CA");
        rogue.issueEdge("sg-9");
        // It trusts the real CA (so it would accept the zone), but its own certificate is from the rogue CA.
        EdgeConfig config = EdgeConfig.loopback(loop.linkUrl(), "sg-9", "SG", rogue.edgeCertificate("sg-9"),
                rogue.edgeKey("sg-9"), rogue.caCertificate());
        assertThatThrownBy(() -> EdgeServer.start(config)).isInstanceOf(IOException.class);
    }

    @Test
    void plainHttpIsRefusedOffLoopbackAndHttpsServesClients() throws Exception {
        EdgeConfig base = loop.edgeConfig("sg-2", "SG");
        assertThatThrownBy(() -> EdgeServer.start(base.listening("0.0.0.0", 0, null, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refusing to serve plain HTTP");

        // A public certificate for the clients' side, from a CA of its own (as a public CA would issue it).
        LinkPki publicCa = new LinkPki(loop.dir.resolve("public"), InstantSource.system(), new SecureRandom());
        publicCa.initAuthority("public CA");
        publicCa.issueZone(List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
        try (EdgeServer https = EdgeServer.start(base.listening("127.0.0.1", 0, publicCa.zoneCertificate(),
                publicCa.zoneKey()))) {
            assertThat(https.baseUrl().getScheme()).isEqualTo("https");
            javax.net.ssl.SSLContext trustPublicCa = javax.net.ssl.SSLContext.getInstance("TLS");
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
            var store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", io.tokenport.link.pki.Pem.readCertificate(publicCa.caCertificate()));
            tmf.init(store);
            trustPublicCa.init(null, tmf.getTrustManagers(), null);
            try (HttpClient customer = HttpClient.newBuilder().sslContext(trustPublicCa).build()) {
                HttpResponse<String> models = customer.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + https.port() + "/v1/models"))
                        .header("Authorization", "Bearer " + loop.key).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
                assertThat(models.body()).contains(loop.modelId());
            }
        }
    }

    @Test
    void theLinkIsOpenedAtStartAndPingedWhileIdle() throws Exception {
        EdgeConfig quick = loop.edgeConfig("sg-3", "SG");
        quick = quick.keepingWarm(java.time.Duration.ofMillis(50));
        try (EdgeServer warm = EdgeServer.start(quick)) {
            assertThat(warm.linkPings()).isGreaterThanOrEqualTo(1);
            while (warm.linkPings() < 3) {
                Thread.sleep(20); // bounded by the test timeout, not a timing threshold
            }
            assertThat(loop.refusals).noneMatch(r -> "sg-3".equals(r.peerEdge()));
        }
    }
}
