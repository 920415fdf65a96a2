package io.tokenport.link.tls;

import io.tokenport.link.pki.KeyPairs;
import io.tokenport.link.pki.Pem;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * TLS contexts for the link, from the PEM files {@code tokenport pki} writes. Both sides trust the link CA and
 * nothing else (never the system trust store: the link is a private, pinned channel), present their own
 * certificate, and speak TLS 1.3 only.
 *
 * <p>Whether a server demands a client certificate is a property of the listener, not of the context: the zone's
 * listener sets it ({@link #serverParameters()}), and the edge always presents its certificate.
 */
public final class LinkTls {
    /** The one protocol the link speaks. */
    public static final String PROTOCOL = "TLSv1.3";

    private LinkTls() {
    }

    /** The zone's side: its certificate and key, trusting client certificates issued by the CA in {@code caFile}. */
    public static SSLContext serverContext(Path certFile, Path keyFile, Path caFile) throws IOException {
        return context(certFile, keyFile, caFile);
    }

    /** An edge's side: its certificate and key, trusting only a zone certificate issued by the CA in {@code caFile}. */
    public static SSLContext clientContext(Path certFile, Path keyFile, Path caFile) throws IOException {
        return context(certFile, keyFile, caFile);
    }

    /** TLS 1.3 only, client certificates required. */
    public static SSLParameters serverParameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setNeedClientAuth(true);
        return parameters;
    }

    /** TLS 1.3 only, and the zone's certificate must name the host dialled (HTTPS rules, RFC 2818). */
    public static SSLParameters clientParameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {PROTOCOL});
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    private static SSLContext context(Path certFile, Path keyFile, Path caFile) throws IOException {
        List<X509Certificate> chain = Pem.readCertificates(certFile);
        PrivateKey key = Pem.readPrivateKey(keyFile);
        List<X509Certificate> authorities = Pem.readCertificates(caFile);
        if (!KeyPairs.match(chain.getFirst().getPublicKey(), key)) {
            throw new IOException(keyFile + " is not the private key of the certificate in " + certFile);
        }
        try {
            X509Certificate ca = authorities.getFirst();
            chain.getFirst().verify(ca.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IOException(certFile + " was not issued by the link CA in " + caFile + ": " + e.getMessage(), e);
        }
        try {
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            Certificate[] fullChain = new Certificate[chain.size() + 1];
            for (int i = 0; i < chain.size(); i++) {
                fullChain[i] = chain.get(i);
            }
            fullChain[chain.size()] = authorities.getFirst();
            keys.setKeyEntry("link", key, password, fullChain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);

            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                trusted.setCertificateEntry("link-ca-" + i, authorities.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);

            SSLContext context = SSLContext.getInstance(PROTOCOL);
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the link's TLS context from " + certFile + ": " + e.getMessage(), e);
        }
    }
}
