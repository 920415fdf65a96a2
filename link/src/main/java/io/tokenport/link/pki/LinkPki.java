package io.tokenport.link.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The link's certificate authority as files in one directory, what {@code tokenport pki} manages:
 *
 * <pre>
 * link-ca.crt, link-ca.key          the CA (self-signed); the .crt goes to the zone and every edge
 * zone.crt, zone.key                the zone's link listener (serverAuth, the names edges dial)
 * edge-ID.crt, edge-ID.key          one per edge (clientAuth, CN = edge id)
 * </pre>
 *
 * Keys are Ed25519. Validity starts five minutes back so a peer whose clock runs a little behind accepts a
 * fresh certificate.
 */
public final class LinkPki {
    /** Edge ids: lower-case letters, digits and inner hyphens, as they appear in file names and metrics. */
    public static final Pattern EDGE_ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");

    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration LEAF_VALIDITY = Duration.ofDays(397);

    private final Path dir;
    private final InstantSource clock;
    private final SecureRandom random;

    /** The CA kept in {@code dir}. */
    public LinkPki(Path dir, InstantSource clock, SecureRandom random) {
        this.dir = dir;
        this.clock = clock;
        this.random = random;
    }

    /** The CA certificate file. */
    public Path caCertificate() {
        return dir.resolve("link-ca.crt");
    }

    /** The CA private key file. */
    public Path caKey() {
        return dir.resolve("link-ca.key");
    }

    /** The zone's certificate file. */
    public Path zoneCertificate() {
        return dir.resolve("zone.crt");
    }

    /** The zone's private key file. */
    public Path zoneKey() {
        return dir.resolve("zone.key");
    }

    /** Edge {@code edgeId}'s certificate file. */
    public Path edgeCertificate(String edgeId) {
        return dir.resolve("edge-" + checkEdgeId(edgeId) + ".crt");
    }

    /** Edge {@code edgeId}'s private key file. */
    public Path edgeKey(String edgeId) {
        return dir.resolve("edge-" + checkEdgeId(edgeId) + ".key");
    }

    /**
     * Creates the CA named {@code name} (the directory too, if missing).
     *
     * @throws java.nio.file.FileAlreadyExistsException if the directory already holds a CA
     */
    public X509Certificate initAuthority(String name) throws IOException {
        Files.createDirectories(dir);
        refuseExisting(caCertificate(), caKey());
        KeyPair keys = KeyAlgorithm.ED25519.generate();
        Instant now = clock.instant();
        X509Certificate ca = CertificateIssuer.selfSigned(new CertificateSpec(name, keys.getPublic(),
                CertificateProfile.AUTHORITY, List.of(), List.of(), now.minus(BACKDATE), now.plus(CA_VALIDITY)),
                keys.getPrivate(), random);
        Pem.writePrivateKey(caKey(), keys.getPrivate());
        Pem.writeCertificate(caCertificate(), ca);
        return ca;
    }

    /** Issues the zone's certificate for the names edges dial. */
    public X509Certificate issueZone(List<String> dnsNames, List<InetAddress> ipAddresses) throws IOException {
        String cn = !dnsNames.isEmpty() ? dnsNames.getFirst()
                : ipAddresses.isEmpty() ? "zone" : ipAddresses.getFirst().getHostAddress();
        return issue(zoneCertificate(), zoneKey(), cn, CertificateProfile.ZONE_SERVER, dnsNames, ipAddresses);
    }

    /** Issues edge {@code edgeId}'s certificate (CN = the edge id). */
    public X509Certificate issueEdge(String edgeId) throws IOException {
        return issue(edgeCertificate(edgeId), edgeKey(edgeId), edgeId, CertificateProfile.EDGE_CLIENT, List.of(),
                List.of());
    }

    private X509Certificate issue(Path certFile, Path keyFile, String cn, CertificateProfile profile,
                                  List<String> dns, List<InetAddress> ips) throws IOException {
        if (!Files.exists(caCertificate()) || !Files.exists(caKey())) {
            throw new IOException("no link CA in " + dir + " (" + caCertificate().getFileName() + " and "
                    + caKey().getFileName() + "); create one first with 'tokenport pki init-ca --dir " + dir + "'");
        }
        refuseExisting(certFile, keyFile);
        X509Certificate ca = Pem.readCertificate(caCertificate());
        PrivateKey caKey = Pem.readPrivateKey(caKey());
        KeyPair keys = KeyAlgorithm.ED25519.generate();
        Instant now = clock.instant();
        Instant end = now.plus(LEAF_VALIDITY);
        if (end.isAfter(ca.getNotAfter().toInstant())) {
            end = ca.getNotAfter().toInstant();
        }
        X509Certificate cert = CertificateIssuer.of(ca, caKey, random).issue(new CertificateSpec(cn, keys.getPublic(),
                profile, dns, ips, now.minus(BACKDATE), end));
        Pem.writePrivateKey(keyFile, keys.getPrivate());
        Pem.writeCertificate(certFile, cert);
        return cert;
    }

    private static void refuseExisting(Path... files) throws IOException {
        for (Path f : files) {
            if (Files.exists(f)) {
                throw new java.nio.file.FileAlreadyExistsException(f.toString(), null,
                        "refusing to overwrite it; move it away first if it should be replaced");
            }
        }
    }

    /** Returns {@code edgeId} if it is a valid edge id. */
    public static String checkEdgeId(String edgeId) {
        if (edgeId == null || !EDGE_ID.matcher(edgeId).matches()) {
            throw new IllegalArgumentException("not an edge id: '" + edgeId + "' (1 to 32 lower-case letters, "
                    + "digits or inner hyphens, such as sg-1)");
        }
        return edgeId;
    }
}
