package io.tokenport.link.tls;

import io.tokenport.link.pki.LinkPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real TLS 1.3 handshakes on loopback with certificates from {@link LinkPki}. */
class LinkTlsTest {
    @TempDir
    Path dir;

    private record Handshake(String protocol, X509Certificate clientCertificate, String cipher) {
    }

    /** One server accept and handshake; returns what the server saw of the client, or the server's failure. */
    private static CompletableFuture<Handshake> serveOnce(SSLServerSocket server) {
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSoTimeout(10_000);
                s.startHandshake();
                s.getOutputStream().write(42);
                s.getOutputStream().flush();
                return new Handshake(s.getSession().getProtocol(),
                        (X509Certificate) s.getSession().getPeerCertificates()[0], s.getSession().getCipherSuite());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static SSLServerSocket listen(SSLContext context) throws IOException {
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.setSSLParameters(LinkTls.serverParameters());
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return server;
    }

    private static int connect(SSLContext context, int port) throws IOException {
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("localhost", port)) {
            s.setSSLParameters(LinkTls.clientParameters());
            s.setSoTimeout(10_000);
            s.startHandshake();
            return s.getInputStream().read();
        }
    }

    private LinkPki pki() throws IOException {
        LinkPki pki = new LinkPki(dir.resolve("pki"), InstantSource.system(), new SecureRandom());
        pki.initAuthority("link CA");
        pki.issueZone(List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
        pki.issueEdge("sg-1");
        return pki;
    }

    @Test
    void ed25519CertificatesCarryAMutualTls13Handshake() throws Exception {
        LinkPki pki = pki();
        SSLContext server = LinkTls.serverContext(pki.zoneCertificate(), pki.zoneKey(), pki.caCertificate());
        SSLContext client = LinkTls.clientContext(pki.edgeCertificate("sg-1"), pki.edgeKey("sg-1"),
                pki.caCertificate());
        try (SSLServerSocket socket = listen(server)) {
            CompletableFuture<Handshake> seen = serveOnce(socket);
            assertThat(connect(client, socket.getLocalPort())).isEqualTo(42);
            Handshake handshake = seen.get(10, TimeUnit.SECONDS);
            assertThat(handshake.protocol()).isEqualTo("TLSv1.3");
            assertThat(handshake.clientCertificate().getSubjectX500Principal().getName()).isEqualTo("CN=sg-1");
            assertThat(handshake.clientCertificate().getPublicKey().getAlgorithm()).isIn("EdDSA", "Ed25519");
        }
    }

    @Test
    void aClientWithoutACertificateIsRefusedAtTheHandshake() throws Exception {
        LinkPki pki = pki();
        SSLContext server = LinkTls.serverContext(pki.zoneCertificate(), pki.zoneKey(), pki.caCertificate());
        // Trusts the link CA (so it would accept the zone) but has no certificate of its own.
        SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        var trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", io.tokenport.link.pki.Pem.readCertificate(pki.caCertificate()));
        tmf.init(trust);
        anonymous.init(null, tmf.getTrustManagers(), null);
        try (SSLServerSocket socket = listen(server)) {
            CompletableFuture<Handshake> seen = serveOnce(socket);
            assertThatThrownBy(() -> connect(anonymous, socket.getLocalPort())).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> seen.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SSLException.class);
        }
    }

    @Test
    void anEdgeCertifiedByAnotherCaIsRefusedAndTheEdgeRefusesAForeignZone() throws Exception {
        LinkPki pki = pki();
        LinkPki rogue = new LinkPki(dir.resolve("rogue"), InstantSource.system(), new SecureRandom());
        rogue.initAuthority("rogue CA");
        rogue.issueEdge("sg-1");
        rogue.issueZone(List.of("localhost"), List.of());
        SSLContext server = LinkTls.serverContext(pki.zoneCertificate(), pki.zoneKey(), pki.caCertificate());
        // The rogue edge trusts our CA too (a file with both), so only the zone's check of its certificate stops it.
        Path bothCas = dir.resolve("both-cas.crt");
        java.nio.file.Files.writeString(bothCas, java.nio.file.Files.readString(rogue.caCertificate())
                + java.nio.file.Files.readString(pki.caCertificate()));
        SSLContext rogueEdge = LinkTls.clientContext(rogue.edgeCertificate("sg-1"), rogue.edgeKey("sg-1"), bothCas);
        try (SSLServerSocket socket = listen(server)) {
            CompletableFuture<Handshake> seen = serveOnce(socket);
            assertThatThrownBy(() -> connect(rogueEdge, socket.getLocalPort())).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> seen.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SSLException.class);
        }
        // And a genuine edge refuses a zone certified by someone else.
        SSLContext rogueZone = LinkTls.serverContext(rogue.zoneCertificate(), rogue.zoneKey(), rogue.caCertificate());
        SSLContext edge = LinkTls.clientContext(pki.edgeCertificate("sg-1"), pki.edgeKey("sg-1"), pki.caCertificate());
        try (SSLServerSocket socket = listen(rogueZone)) {
            CompletableFuture<Handshake> seen = serveOnce(socket);
            assertThatThrownBy(() -> connect(edge, socket.getLocalPort())).isInstanceOf(SSLException.class);
            assertThatThrownBy(() -> seen.get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void aGenuineEdgeOfferingOnlyTls12IsRefused() throws Exception {
        LinkPki pki = pki();
        SSLContext server = LinkTls.serverContext(pki.zoneCertificate(), pki.zoneKey(), pki.caCertificate());
        SSLContext client = LinkTls.clientContext(pki.edgeCertificate("sg-1"), pki.edgeKey("sg-1"),
                pki.caCertificate());
        try (SSLServerSocket socket = listen(server);
             SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("localhost", socket.getLocalPort())) {
            CompletableFuture<Handshake> seen = serveOnce(socket);
            javax.net.ssl.SSLParameters tls12 = LinkTls.clientParameters();
            tls12.setProtocols(new String[] {"TLSv1.2"});
            s.setSSLParameters(tls12);
            s.setSoTimeout(10_000);
            assertThatThrownBy(s::startHandshake).isInstanceOf(SSLException.class);
            assertThatThrownBy(() -> seen.get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SSLException.class);
        }
    }

    @Test
    void mismatchedFilesAreRefusedAtStartWithTheFileNamed() throws Exception {
        LinkPki pki = pki();
        assertThatThrownBy(() -> LinkTls.clientContext(pki.edgeCertificate("sg-1"), pki.zoneKey(),
                pki.caCertificate())).hasMessageContaining("is not the private key of the certificate");
        LinkPki other = new LinkPki(dir.resolve("other"), InstantSource.system(), new SecureRandom());
        other.initAuthority("other CA");
        assertThatThrownBy(() -> LinkTls.clientContext(pki.edgeCertificate("sg-1"), pki.edgeKey("sg-1"),
                other.caCertificate())).hasMessageContaining("was not issued by the link CA");
        assertThatThrownBy(() -> LinkTls.clientContext(pki.edgeKey("sg-1"), pki.edgeKey("sg-1"),
                pki.caCertificate())).hasMessageContaining("holds no '-----BEGIN CERTIFICATE-----' block");
    }
}
