package io.tokenport.link.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class LinkPkiTest {
    @TempDir
    Path dir;

    private LinkPki pki(Path in) {
        return new LinkPki(in, InstantSource.system(), new SecureRandom());
    }

    private static void validate(X509Certificate leaf, X509Certificate ca, String purpose) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(java.util.Date.from(Instant.now()));
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), parameters);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly(purpose);
    }

    @Test
    void issuedCertificatesValidateAgainstTheCaWithTheJdksPkixValidator() throws Exception {
        LinkPki pki = pki(dir);
        X509Certificate ca = pki.initAuthority("TokenPort link CA");
        X509Certificate zone = pki.issueZone(List.of("zone.example", "localhost"),
                List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("::1")));
        X509Certificate edge = pki.issueEdge("sg-1");

        validate(zone, ca, "1.3.6.1.5.5.7.3.1");
        validate(edge, ca, "1.3.6.1.5.5.7.3.2");

        assertThat(ca.getBasicConstraints()).isEqualTo(0);
        assertThat(ca.getKeyUsage()).startsWith(false, false, false, false, false, true, true);
        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=TokenPort link CA");
        assertThat(zone.getBasicConstraints()).isEqualTo(-1);
        assertThat(zone.getKeyUsage()[0]).isTrue();
        assertThat(zone.getKeyUsage()[5]).isFalse();
        List<String> names = new ArrayList<>();
        for (List<?> name : zone.getSubjectAlternativeNames()) {
            names.add(name.get(0) + ":" + name.get(1));
        }
        assertThat(names).containsExactly("2:zone.example", "2:localhost", "7:127.0.0.1", "7:0:0:0:0:0:0:0:1");
        assertThat(edge.getSubjectX500Principal().getName()).isEqualTo("CN=sg-1");
        assertThat(edge.getPublicKey().getAlgorithm()).isIn("EdDSA", "Ed25519");
        assertThat(edge.getSigAlgName()).isIn("Ed25519", "EdDSA");
        assertThat(edge.getVersion()).isEqualTo(3);
        // Key identifiers chain: the edge's authority key id is the CA's subject key id.
        assertThat(edge.getExtensionValue("2.5.29.35")).endsWith(CertificateIssuer.keyIdentifier(ca.getPublicKey()));
        assertThat(ca.getExtensionValue("2.5.29.14")).endsWith(CertificateIssuer.keyIdentifier(ca.getPublicKey()));
        assertThat(zone.getNotAfter()).isBefore(ca.getNotAfter());
        assertThat(Pem.readCertificate(pki.edgeCertificate("sg-1"))).isEqualTo(edge);
        assertThat(KeyPairs.match(edge.getPublicKey(), Pem.readPrivateKey(pki.edgeKey("sg-1")))).isTrue();
        assertThat(KeyPairs.match(zone.getPublicKey(), Pem.readPrivateKey(pki.edgeKey("sg-1")))).isFalse();
    }

    @Test
    void aCertificateFromAnotherCaDoesNotValidate() throws Exception {
        X509Certificate ours = pki(dir.resolve("ours")).initAuthority("ours");
        LinkPki other = pki(dir.resolve("other"));
        other.initAuthority("other");
        X509Certificate foreign = other.issueEdge("sg-1");
        assertThatThrownBy(() -> validate(foreign, ours, "1.3.6.1.5.5.7.3.2"))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void privateKeysAreOwnerOnlyAndNothingIsOverwritten() throws Exception {
        LinkPki pki = pki(dir);
        pki.initAuthority("ca");
        pki.issueEdge("hk-2");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.caKey()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.edgeKey("hk-2"))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(pki.edgeKey("hk-2"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        byte[] before = Files.readAllBytes(pki.caKey());
        assertThatThrownBy(() -> pki.initAuthority("again")).isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("refusing to overwrite");
        assertThatThrownBy(() -> pki.issueEdge("hk-2")).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(pki.caKey())).isEqualTo(before);
    }

    @Test
    void badRequestsGetActionableErrors() {
        LinkPki pki = pki(dir);
        assertThatThrownBy(() -> pki.issueEdge("sg-1")).isInstanceOf(IOException.class)
                .hasMessageContaining("tokenport pki init-ca");
        assertThatThrownBy(() -> pki.issueEdge("SG 1")).hasMessageContaining("not an edge id");
        assertThatThrownBy(() -> pki.issueEdge("../x")).hasMessageContaining("not an edge id");
        assertThatThrownBy(() -> {
            pki.initAuthority("ca");
            pki.issueZone(List.of(), List.of());
        }).hasMessageContaining("at least one DNS name or IP address");
        assertThatThrownBy(() -> pki.issueZone(List.of("bad_name.example"), List.of()))
                .hasMessageContaining("not a DNS name");
    }

    @Test
    void opensslVerifiesTheChainAndReadsTheExtensions() throws Exception {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/openssl"))).as("openssl installed").isTrue();
        LinkPki pki = pki(dir);
        pki.initAuthority("TokenPort link CA");
        pki.issueZone(List.of("zone.example"), List.of(InetAddress.ofLiteral("10.0.0.7")));
        pki.issueEdge("sg-1");

        assertThat(openssl("verify", "-CAfile", pki.caCertificate().toString(), "-purpose", "sslserver",
                pki.zoneCertificate().toString())).contains(": OK");
        assertThat(openssl("verify", "-CAfile", pki.caCertificate().toString(), "-purpose", "sslclient",
                pki.edgeCertificate("sg-1").toString())).contains(": OK");
        String text = openssl("x509", "-noout", "-text", "-in", pki.zoneCertificate().toString());
        assertThat(text).contains("Version: 3 (0x2)", "ED25519", "CA:FALSE", "Digital Signature",
                "TLS Web Server Authentication", "DNS:zone.example", "IP Address:10.0.0.7",
                "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier");
        String ca = openssl("x509", "-noout", "-text", "-in", pki.caCertificate().toString());
        assertThat(ca).contains("CA:TRUE, pathlen:0", "Certificate Sign, CRL Sign");
        // openssl reads the PKCS#8 key and finds it matches the certificate.
        String keyPub = openssl("pkey", "-in", pki.edgeKey("sg-1").toString(), "-pubout");
        String certPub = openssl("x509", "-noout", "-pubkey", "-in", pki.edgeCertificate("sg-1").toString());
        assertThat(keyPub).isEqualTo(certPub);
    }

    private static String openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
