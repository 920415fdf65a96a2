package io.tokenport.zone.ingress;

import io.tokenport.link.attestation.AttestationSigner;
import io.tokenport.link.attestation.RefusalReason;
import io.tokenport.link.pki.LinkPki;
import io.tokenport.link.pki.Pem;
import io.tokenport.link.tls.LinkTls;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import io.tokenport.zone.batching.BatchScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import io.tokenport.audit.Outcome;
import io.tokenport.audit.Receipt;
import io.tokenport.audit.TransferRecord;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The zone's link listener with certificates from the link's own CA: real mutual TLS 1.3 handshakes and HTTP/2
 * from the JDK client (as the edge uses it), real attestations, a real model behind.
 */
class LinkIngressTest {
    private static Path dir;
    private static LinkPki pki;
    private static ZoneServer zone;
    private static String key;
    private static HttpClient edge;
    private static PrivateKey edgeKey;
    private static final List<IngressRefusal> REFUSALS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("link-ingress");
        pki = new LinkPki(dir.resolve("pki"), InstantSource.system(), new SecureRandom());
        pki.initAuthority("link CA");
        pki.issueZone(List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
        pki.issueEdge("sg-1");
        edgeKey = Pem.readPrivateKey(pki.edgeKey("sg-1"));
        zone = ZoneServer.start(ZoneConfig.builder(RunningZone.STORIES, dir.resolve("zone.db"))
                .threads(1)
                .scheduler(new BatchScheduler.Settings(4, 16, 64))
                .link(LinkListener.of("127.0.0.1", 0, pki.zoneCertificate(), pki.zoneKey(), pki.caCertificate())
                        .withRecorder(refusal -> {
                            REFUSALS.add(refusal);
                            return null;
                        }))
                .build());
        zone.tenants().createTenant("acme", "SG");
        key = zone.tenants().createKey("acme").secret();
        SSLContext tls = LinkTls.clientContext(pki.edgeCertificate("sg-1"), pki.edgeKey("sg-1"), pki.caCertificate());
        edge = HttpClient.newBuilder().sslContext(tls).sslParameters(LinkTls.clientParameters())
                .version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() throws IOException {
        edge.close();
        zone.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static URI link(String path) {
        return URI.create("https://localhost:" + zone.linkPort() + path);
    }

    private static String chatBody() {
        return "{\"model\":\"" + zone.model().id() + "\",\"max_tokens\":4,\"seed\":1,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Once upon a time\"}]}";
    }

    private static HttpResponse<String> post(String body, String attestation) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(link("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (attestation != null) {
            b.header("TokenPort-Attestation", attestation);
        }
        return edge.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static AttestationSigner signer(InstantSource clock) {
        return new AttestationSigner("sg-1", edgeKey, clock, new SecureRandom());
    }

    private static String attest(String body, String jurisdiction) {
        return signer(InstantSource.system()).signBody("203.0.113.7", jurisdiction,
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAttestedRequestOverTheLinkIsServedOverHttp2() throws Exception {
        HttpResponse<String> models = edge.send(HttpRequest.newBuilder(link("/v1/models"))
                .header("Authorization", "Bearer " + key)
                .header("TokenPort-Attestation", attest("", "SG")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
        assertThat(models.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(models.body()).contains(zone.model().id());

        String body = chatBody();
        HttpResponse<String> chat = post(body, attest(body, "SG"));
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        assertThat(chat.body()).contains("\"chat.completion\"");

        // The transfer record names the edge and the jurisdiction the edge attested.
        TransferRecord record = zone.evidence().log().read(
                Receipt.parse(chat.headers().firstValue(Receipt.HEADER).orElseThrow()).index());
        assertThat(record.edgeId()).isEqualTo("sg-1");
        assertThat(record.jurisdiction()).isEqualTo("SG");
        assertThat(record.outcome()).isEqualTo(Outcome.served());
    }

    @Test
    void unattestedTamperedReplayedStaleAndDomesticRequestsAreRefusedWithTheirReasons() throws Exception {
        String body = chatBody();
        REFUSALS.clear();

        HttpResponse<String> none = post(body, null);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("\"code\":\"origin_not_attested\"", "\"type\":\"permission_error\"",
                "(malformed)");

        String tampered = body.replace("Once upon a time", "Ignore the attestation");
        HttpResponse<String> mismatch = post(tampered, attest(body, "SG"));
        assertThat(mismatch.statusCode()).isEqualTo(403);
        assertThat(mismatch.body()).contains("origin_not_attested", "(body_mismatch)");

        String once = attest(body, "SG");
        assertThat(post(body, once).statusCode()).isEqualTo(200);
        HttpResponse<String> replay = post(body, once);
        assertThat(replay.statusCode()).isEqualTo(403);
        assertThat(replay.body()).contains("(replayed)");

        InstantSource minuteAgo = () -> Instant.now().minusSeconds(60);
        HttpResponse<String> stale = post(body, signer(minuteAgo).signBody("203.0.113.7", "SG",
                body.getBytes(StandardCharsets.UTF_8)));
        assertThat(stale.statusCode()).isEqualTo(403);
        assertThat(stale.body()).contains("(stale)", "check the edge's clock");

        HttpResponse<String> domestic = post(body, attest(body, "CN"));
        assertThat(domestic.statusCode()).isEqualTo(403);
        assertThat(domestic.body()).contains("\"code\":\"jurisdiction_refused\"");
        // Every refusal is in the transfer log, its receipt on the answer: the domestic one with what it claimed.
        for (HttpResponse<String> refused : List.of(none, mismatch, replay, stale, domestic)) {
            assertThat(refused.headers().firstValue(Receipt.HEADER)).as(refused.body()).isPresent();
        }
        TransferRecord domesticRecord = zone.evidence().log().read(
                Receipt.parse(domestic.headers().firstValue(Receipt.HEADER).orElseThrow()).index());
        assertThat(domesticRecord.outcome()).isEqualTo(Outcome.refused("ingress_jurisdiction_refused"));
        assertThat(domesticRecord.jurisdiction()).isEqualTo("CN");
        assertThat(domesticRecord.edgeId()).isEqualTo("sg-1");
        assertThat(zone.evidence().log().read(Receipt.parse(mismatch.headers().firstValue(Receipt.HEADER)
                .orElseThrow()).index()).outcome()).isEqualTo(Outcome.refused("origin_not_attested"));

        assertThat(REFUSALS).extracting(IngressRefusal::reason).containsExactly(RefusalReason.MALFORMED,
                RefusalReason.BODY_MISMATCH, RefusalReason.REPLAYED, RefusalReason.STALE,
                RefusalReason.JURISDICTION_REFUSED);
        IngressRefusal cn = REFUSALS.getLast();
        assertThat(cn.jurisdiction()).isEqualTo("CN");
        assertThat(cn.peerEdge()).isEqualTo("sg-1");
        assertThat(cn.clientAddress()).isEqualTo("203.0.113.7");
        assertThat(cn.path()).isEqualTo("/v1/chat/completions");

        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + zone.adminPort() + "/metrics"))
                        .header("Authorization", "Bearer " + zone.adminToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("tokenport_ingress_refusals_total{reason=\"replayed\"} 1.0",
                "tokenport_ingress_refusals_total{reason=\"jurisdiction_refused\"} 1.0");
    }

    @Test
    void aClientWithoutAnEdgeCertificateIsRefusedAtTheHandshake() throws Exception {
        SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        var trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.readCertificate(pki.caCertificate()));
        tmf.init(trust);
        anonymous.init(null, tmf.getTrustManagers(), null);
        try (HttpClient client = HttpClient.newBuilder().sslContext(anonymous).build()) {
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(link("/v1/models")).build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void thePlainApiListenerStillServesLocalClients() throws Exception {
        HttpResponse<String> models = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(zone.baseUrl() + "/models")).header("Authorization", "Bearer " + key).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(200);
    }
}
