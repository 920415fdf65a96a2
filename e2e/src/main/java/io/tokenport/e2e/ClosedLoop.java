package io.tokenport.e2e;

import io.tokenport.cli.TokenPort;
import io.tokenport.link.pki.CertificateIssuer;
import io.tokenport.link.pki.CertificateProfile;
import io.tokenport.link.pki.CertificateSpec;
import io.tokenport.link.pki.KeyAlgorithm;
import io.tokenport.link.pki.Pem;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The closed loop of issue 4 set up on {@link Namespaces} with the real {@code tokenport} commands, as an operator
 * would: the link's certificates ({@code tokenport pki}), a tenant and its key made inside the zone
 * ({@code tenants}, {@code keys}), the zone serving only its link on {@link Topology#ZONE_ADDRESS}, the delaying
 * cable, and the edge serving HTTPS to the client namespace and dialing the zone through the cable. Shared by the
 * closed-loop test and the latency bench.
 *
 * <p>Everything it makes lives in {@code work}: {@code pki/} (link CA, zone and edge certificates), {@code https/}
 * (the edge's public certificate and a stand-in public CA), {@code zone/} (the zone's data directory: database,
 * transfer log, admin token) and the processes' logs.
 */
public final class ClosedLoop {
    /** The zone's link listener, on the zone's cable address; the edge dials the same port at the cable's end. */
    public static final int LINK_PORT = 9443;
    /** The edge's HTTPS API for overseas clients. */
    public static final int EDGE_PORT = 8443;
    /** The zone's admin listener, on the zone's loopback. */
    public static final int ADMIN_PORT = 9090;
    /** The edge's id: its link certificate's CN. */
    public static final String EDGE_ID = "sg-1";

    private final Namespaces namespaces;
    private final Path work;
    private final Duration timeout;
    private String apiKey;
    private Process zone;
    private Process edge;

    private ClosedLoop(Namespaces namespaces, Path work, Duration timeout) {
        this.namespaces = namespaces;
        this.work = work;
        this.timeout = timeout;
    }

    /**
     * Sets the loop up and returns once the edge accepts connections from the client namespace.
     *
     * @param work    an empty or new directory for everything made
     * @param timeout for each command and for each server to open its port
     * @throws NetworkHarnessException if a command fails or a server does not start (with its output)
     */
    public static ClosedLoop start(Namespaces namespaces, Path model, Path work, Duration timeout) throws IOException {
        var loop = new ClosedLoop(namespaces, work, timeout);
        loop.start(model);
        return loop;
    }

    private void start(Path model) throws IOException {
        Files.createDirectories(work);
        // The link's certificates, made offline on the zone's side. The zone's names both addresses it is dialed
        // at: the cable's end (by the edge) and its own (by anyone in the zone's or the domestic namespace).
        tokenport(Host.ZONE, "pki", "init-ca", "--dir", pki().toString());
        tokenport(Host.ZONE, "pki", "zone-cert", "--dir", pki().toString(), "--ip", Topology.CABLE_EDGE_END,
                "--ip", Topology.ZONE_ADDRESS);
        tokenport(Host.ZONE, "pki", "edge-cert", "--dir", pki().toString(), "--edge-id", EDGE_ID);
        issueEdgeHttpsCertificate(work.resolve("https"));

        // A tenant and its key, made inside the zone: the key never crosses the link in clear.
        tokenport(Host.ZONE, "tenants", "create", "acme", "--jurisdiction", "SG", "--data-dir", zoneData().toString());
        apiKey = printed(tokenport(Host.ZONE, "keys", "create", "--tenant", "acme", "--data-dir", zoneData().toString()),
                "api_key: ");

        zone = namespaces.startJava(Host.ZONE, TokenPort.class, List.of("zone",
                "--model", model.toString(), "--data-dir", zoneData().toString(), "--threads", "1",
                "--admin-port", String.valueOf(ADMIN_PORT), "--log-format", "text",
                "--link-port", String.valueOf(LINK_PORT), "--link-host", Topology.ZONE_ADDRESS,
                "--link-cert", pki().resolve("zone.crt").toString(), "--link-key", pki().resolve("zone.key").toString(),
                "--link-ca", linkCa().toString()), Map.of(), work.resolve("zone.log"));
        namespaces.awaitPort(Host.ZONE, Topology.ZONE_ADDRESS, LINK_PORT, timeout, zone);

        // The cable: edge -> 10.77.2.2:9443 -> (16 ms each way) -> 10.77.3.2:9443. The link's TLS passes through.
        namespaces.startCable(LINK_PORT, DelayRelay.DEFAULT_DELAY, work.resolve("cable.log"));

        edge = namespaces.startJava(Host.EDGE, TokenPort.class, List.of("edge",
                "--zone", "https://" + Topology.CABLE_EDGE_END + ":" + LINK_PORT, "--edge-id", EDGE_ID,
                "--jurisdiction", "SG", "--cert", edgeCertificate().toString(), "--key", edgeKey().toString(),
                "--ca", linkCa().toString(),
                "--https-cert", work.resolve("https/edge.crt").toString(),
                "--https-key", work.resolve("https/edge.key").toString(),
                "--host", Topology.EDGE_ADDRESS, "--port", String.valueOf(EDGE_PORT)), Map.of(), work.resolve("edge.log"));
        namespaces.awaitPort(Host.CLIENT, Topology.EDGE_ADDRESS, EDGE_PORT, timeout, edge);
    }

    /** The tenant's API key (kept in memory only: never written to a file or a log). */
    public String apiKey() {
        return apiKey;
    }

    /** The zone's process: {@code destroy()} sends SIGTERM, on which it publishes a final checkpoint and stops. */
    public Process zone() {
        return zone;
    }

    /** The edge's process. */
    public Process edge() {
        return edge;
    }

    /** The directory everything is made in. */
    public Path work() {
        return work;
    }

    /** The link's certificates: {@code link-ca.crt}, {@code zone.crt}, {@code edge-sg-1.crt} and their keys. */
    public Path pki() {
        return work.resolve("pki");
    }

    public Path linkCa() {
        return pki().resolve("link-ca.crt");
    }

    public Path edgeCertificate() {
        return pki().resolve("edge-" + EDGE_ID + ".crt");
    }

    public Path edgeKey() {
        return pki().resolve("edge-" + EDGE_ID + ".key");
    }

    /** The zone's data directory: its database, {@code evidence/} (transfer log, verifier key), {@code admin.token}. */
    public Path zoneData() {
        return work.resolve("zone");
    }

    /** The CA a client must trust for the edge's HTTPS certificate. */
    public Path clientTrust() {
        return work.resolve("https/ca.crt");
    }

    /** The base URL the overseas client is given. */
    public String edgeBaseUrl() {
        return "https://" + Topology.EDGE_ADDRESS + ":" + EDGE_PORT + "/v1";
    }

    /**
     * Runs {@code tokenport ARGS} to completion in {@code host}'s namespace and returns what it printed.
     *
     * @throws NetworkHarnessException if it exits with another code than 0
     */
    public String tokenport(Host host, String... args) {
        CommandResult result = namespaces.runJava(host, TokenPort.class, List.of(args), Map.of(), timeout);
        if (!result.succeeded()) {
            throw new NetworkHarnessException("tokenport " + String.join(" ", args) + " exited with code "
                    + result.exitCode() + ":\n" + result.output());
        }
        return result.output();
    }

    /**
     * The rest of the first line of {@code output} starting with {@code label}, skipping the JVM's warnings.
     *
     * @throws NetworkHarnessException if there is none
     */
    public static String printed(String output, String label) {
        return output.lines().filter(l -> !l.startsWith("WARNING: ") && !l.isBlank() && l.startsWith(label))
                .map(l -> l.substring(label.length()).strip()).findFirst()
                .orElseThrow(() -> new NetworkHarnessException("no line starting with '" + label + "' in:\n" + output));
    }

    /**
     * The edge's public HTTPS certificate for {@link Topology#EDGE_ADDRESS} ({@code edge.crt}, {@code edge.key}).
     * In a deployment it comes from a public CA the clients already trust, not from the link's CA (whose trust must
     * stay between zone and edges); here a throwaway CA ({@code ca.crt}) stands in for the public one, and the
     * client is told to trust it.
     */
    static void issueEdgeHttpsCertificate(Path dir) throws IOException {
        Files.createDirectories(dir);
        var random = new SecureRandom();
        Instant now = Instant.now();
        KeyPair caKeys = KeyAlgorithm.EC_P256.generate();
        X509Certificate ca = CertificateIssuer.selfSigned(new CertificateSpec("stand-in public CA", caKeys.getPublic(),
                CertificateProfile.AUTHORITY, List.of(), List.of(), now.minusSeconds(300), now.plus(Duration.ofDays(1))),
                caKeys.getPrivate(), random);
        KeyPair edgeKeys = KeyAlgorithm.EC_P256.generate();
        X509Certificate edge = CertificateIssuer.of(ca, caKeys.getPrivate(), random).issue(new CertificateSpec(
                Topology.EDGE_ADDRESS, edgeKeys.getPublic(), CertificateProfile.ZONE_SERVER, List.of(),
                List.of(InetAddress.ofLiteral(Topology.EDGE_ADDRESS)), now.minusSeconds(300), now.plus(Duration.ofDays(1))));
        Pem.writeCertificate(dir.resolve("ca.crt"), ca);
        Pem.writeCertificate(dir.resolve("edge.crt"), edge);
        Pem.writePrivateKey(dir.resolve("edge.key"), edgeKeys.getPrivate());
    }
}
