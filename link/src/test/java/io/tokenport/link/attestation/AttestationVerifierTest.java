package io.tokenport.link.attestation;

import io.tokenport.link.pki.LinkPki;
import io.tokenport.link.pki.Pem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttestationVerifierTest {
    private static final byte[] BODY = "{\"model\":\"m\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(Instant.parse("2026-11-28T04:00:00Z").toEpochMilli());
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private X509Certificate sg1;
    private PrivateKey sg1Key;
    private X509Certificate hk2;
    private PrivateKey hk2Key;

    @BeforeEach
    void certify() throws Exception {
        LinkPki pki = new LinkPki(dir, InstantSource.system(), new SecureRandom());
        pki.initAuthority("link CA");
        sg1 = pki.issueEdge("sg-1");
        sg1Key = Pem.readPrivateKey(pki.edgeKey("sg-1"));
        hk2 = pki.issueEdge("hk-2");
        hk2Key = Pem.readPrivateKey(pki.edgeKey("hk-2"));
    }

    private AttestationSigner signer(String edge, PrivateKey key) {
        return new AttestationSigner(edge, key, clock, new SecureRandom());
    }

    private AttestationVerifier verifier() {
        return new AttestationVerifier(clock, Duration.ofSeconds(30), JurisdictionPolicy.OVERSEAS, Set.of(), 1000);
    }

    private static RefusalReason refusal(ThrowingCheck check) {
        try {
            check.run();
        } catch (AttestationRefusedException e) {
            return e.reason();
        }
        throw new AssertionError("accepted, expected a refusal");
    }

    private interface ThrowingCheck {
        void run() throws AttestationRefusedException;
    }

    @Test
    void aGenuineAttestationIsAcceptedWithEveryFieldIntact() throws Exception {
        String header = signer("sg-1", sg1Key).signBody("203.0.113.7", "SG", BODY);
        assertThat(header).startsWith("v1.");
        AttestationVerifier verifier = verifier();
        OriginAttestation a = verifier.verify(header, sg1);
        assertThat(a.edgeId()).isEqualTo("sg-1");
        assertThat(a.clientAddress()).isEqualTo("203.0.113.7");
        assertThat(a.jurisdiction()).isEqualTo("SG");
        assertThat(a.timeMillis()).isEqualTo(now.get());
        assertThat(a.bodySha256()).isEqualTo(AttestationSigner.sha256(BODY));
        verifier.checkBody(a, AttestationSigner.sha256(BODY));
    }

    @Test
    void theEdgeKeepsTheNonceTheZoneSees() throws Exception {
        AttestationSigner.Signed signed = signer("sg-1", sg1Key).attestBody("203.0.113.7", "SG", BODY);
        assertThat(signed.nonceHex()).matches("[0-9a-f]{32}");
        assertThat(verifier().verify(signed.header(), sg1).nonceHex()).isEqualTo(signed.nonceHex());
    }

    @Test
    void eachFailureHasItsOwnReason() throws Exception {
        AttestationVerifier verifier = verifier();
        AttestationSigner sg = signer("sg-1", sg1Key);

        assertThat(refusal(() -> verifier.verify(null, sg1))).isEqualTo(RefusalReason.MALFORMED);
        assertThat(refusal(() -> verifier.verify("v2.AAAA.AAAA", sg1))).isEqualTo(RefusalReason.MALFORMED);
        assertThat(refusal(() -> verifier.verify("v1.!!!.AAAA", sg1))).isEqualTo(RefusalReason.MALFORMED);
        assertThat(refusal(() -> verifier.verify("v1.AAAA.AAAA", sg1))).isEqualTo(RefusalReason.MALFORMED);

        // Signed by hk-2's key but claiming sg-1, over sg-1's connection.
        String forged = signer("sg-1", hk2Key).signBody("203.0.113.7", "SG", BODY);
        assertThat(refusal(() -> verifier.verify(forged, sg1))).isEqualTo(RefusalReason.BAD_SIGNATURE);
        // A genuine sg-1 attestation relayed over hk-2's connection.
        String relayed = sg.signBody("203.0.113.7", "SG", BODY);
        assertThat(refusal(() -> verifier.verify(relayed, hk2))).isEqualTo(RefusalReason.UNKNOWN_EDGE);
        assertThat(refusal(() -> verifier.verify(relayed, null))).isEqualTo(RefusalReason.UNKNOWN_EDGE);

        String old = sg.signBody("203.0.113.7", "SG", BODY);
        now.addAndGet(30_001);
        assertThat(refusal(() -> verifier.verify(old, sg1))).isEqualTo(RefusalReason.STALE);
        String future = sg.signBody("203.0.113.7", "SG", BODY);
        now.addAndGet(-30_001);
        assertThat(refusal(() -> verifier.verify(future, sg1))).isEqualTo(RefusalReason.STALE);

        String once = sg.signBody("203.0.113.7", "SG", BODY);
        verifier.verify(once, sg1);
        assertThat(refusal(() -> verifier.verify(once, sg1))).isEqualTo(RefusalReason.REPLAYED);

        OriginAttestation accepted = verifier.verify(sg.signBody("203.0.113.7", "SG", BODY), sg1);
        assertThat(refusal(() -> verifier.checkBody(accepted, AttestationSigner.sha256("{}".getBytes()))))
                .isEqualTo(RefusalReason.BODY_MISMATCH);

        String domestic = sg.signBody("198.51.100.1", "CN", BODY);
        assertThat(refusal(() -> verifier.verify(domestic, sg1))).isEqualTo(RefusalReason.JURISDICTION_REFUSED);
    }

    @Test
    void everyFlippedBitOfAGenuineHeaderIsRefused() throws Exception {
        AttestationVerifier verifier = verifier();
        String header = signer("sg-1", sg1Key).signBody("203.0.113.7", "SG", BODY);
        String[] parts = header.split("\\.");
        byte[] fields = Base64.getUrlDecoder().decode(parts[1]);
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] f = fields.clone();
            byte[] s = signature.clone();
            if (random.nextBoolean()) {
                f[random.nextInt(f.length)] ^= (byte) (1 << random.nextInt(8));
            } else {
                s[random.nextInt(s.length)] ^= (byte) (1 << random.nextInt(8));
            }
            String tampered = "v1." + b64.encodeToString(f) + "." + b64.encodeToString(s);
            // Depending on the byte, a flip breaks the framing, the edge name or only the signature: never accepted.
            assertThat(refusal(() -> verifier.verify(tampered, sg1))).isIn(RefusalReason.MALFORMED,
                    RefusalReason.UNKNOWN_EDGE, RefusalReason.BAD_SIGNATURE);
        }
        assertThat(verifier.verify(header, sg1).edgeId()).isEqualTo("sg-1");
    }

    @Test
    void jurisdictionPolicyAllowsAndDeniesButNeverServesDomesticClients() throws Exception {
        AttestationVerifier onlySgDe = new AttestationVerifier(clock, Duration.ofSeconds(30),
                new JurisdictionPolicy(Set.of("SG", "DE"), Set.of()), Set.of(), 100);
        AttestationSigner sg = signer("sg-1", sg1Key);
        assertThat(onlySgDe.verify(sg.signBody("203.0.113.7", "DE", BODY), sg1).jurisdiction()).isEqualTo("DE");
        assertThat(refusal(() -> onlySgDe.verify(sg.signBody("203.0.113.7", "US", BODY), sg1)))
                .isEqualTo(RefusalReason.JURISDICTION_REFUSED);
        AttestationVerifier notUs = new AttestationVerifier(clock, Duration.ofSeconds(30),
                new JurisdictionPolicy(Set.of(), Set.of("US")), Set.of(), 100);
        assertThat(refusal(() -> notUs.verify(sg.signBody("203.0.113.7", "US", BODY), sg1)))
                .isEqualTo(RefusalReason.JURISDICTION_REFUSED);
        assertThatThrownBy(() -> new JurisdictionPolicy(Set.of("CN"), Set.of())).hasMessageContaining("domestic");
        assertThatThrownBy(() -> new JurisdictionPolicy(Set.of("sg"), Set.of())).hasMessageContaining("alpha-2");
    }

    @Test
    void onlyRegisteredEdgesAttestWhenARegistryIsGiven() throws Exception {
        AttestationVerifier onlySg = new AttestationVerifier(clock, Duration.ofSeconds(30),
                JurisdictionPolicy.OVERSEAS, Set.of("sg-1"), 100);
        onlySg.verify(signer("sg-1", sg1Key).signBody("203.0.113.7", "SG", BODY), sg1);
        assertThat(refusal(() -> onlySg.verify(signer("hk-2", hk2Key).signBody("203.0.113.7", "HK", BODY), hk2)))
                .isEqualTo(RefusalReason.UNKNOWN_EDGE);
    }

    @Test
    void nonceMemoryIsBoundedAndAReplayIsNeverAcceptedEvenWhenFull() throws Exception {
        AttestationVerifier small = new AttestationVerifier(clock, Duration.ofSeconds(30),
                JurisdictionPolicy.OVERSEAS, Set.of(), 4);
        AttestationSigner sg = signer("sg-1", sg1Key);
        String[] headers = new String[10];
        for (int i = 0; i < headers.length; i++) {
            headers[i] = sg.signBody("203.0.113.7", "SG", BODY);
            now.incrementAndGet();
        }
        for (String h : headers) {
            small.verify(h, sg1);
        }
        // Each replay is refused: as replayed while remembered, as stale once pushed out of memory.
        for (String h : headers) {
            assertThat(refusal(() -> small.verify(h, sg1))).isIn(RefusalReason.REPLAYED, RefusalReason.STALE);
        }
        NonceWindow window = new NonceWindow(4);
        for (int i = 0; i < 100; i++) {
            window.admit("n" + i, i, 0);
            assertThat(window.size()).isLessThanOrEqualTo(4);
        }
        // Forgotten once older than the window.
        window.admit("late", 1000, 999);
        assertThat(window.size()).isEqualTo(1);
    }
}
