package io.tokenport.e2e;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

/**
 * One TLS client handshake without a client certificate, from inside a namespace, and one read after it: shows
 * whether a server that requires client certificates refuses at the TLS layer. In TLS 1.3 the client's side of the
 * handshake completes before the server has checked the client's (missing) certificate, so the server's refusal
 * arrives as an alert on the first read; reading, not writing, makes that alert the answer every time.
 *
 * <p>Run as a main: {@code TlsProbe HOST PORT CA_CERTIFICATE_PEM}. Prints {@code tls_refused=MESSAGE} when the
 * server sent an alert or closed, {@code tls_answered} when it sent application data.
 */
public final class TlsProbe {
    private TlsProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: TlsProbe HOST PORT CA_CERTIFICATE_PEM");
            System.exit(2);
        }
        var store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, c);
            }
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        try (var socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(args[0], Integer.parseInt(args[1])), 5000);
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            int first = socket.getInputStream().read();
            System.out.println(first < 0 ? "tls_refused=closed without an alert" : "tls_answered");
        } catch (SSLException e) {
            System.out.println("tls_refused=" + e.getMessage());
        } catch (IOException e) {
            System.out.println("tls_refused=" + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
