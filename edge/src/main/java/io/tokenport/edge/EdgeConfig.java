package io.tokenport.edge;

import io.tokenport.link.pki.LinkPki;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything an edge needs to start.
 *
 * @param host            address the clients' listener binds to
 * @param port            its port, 0 for any free one
 * @param httpsCertificate the clients' listener's certificate (PEM, chain allowed), or null for plain HTTP, which
 *                        is only allowed on a loopback address
 * @param httpsKey        its private key (PEM, PKCS#8), or null
 * @param zone            the zone's link listener, such as {@code https://zone.example:8443}
 * @param edgeId          this edge's id: the CN of its link certificate
 * @param jurisdiction    the jurisdiction this edge's clients are in (ISO 3166-1 alpha-2), attested for each one
 * @param linkCertificate this edge's link certificate (PEM)
 * @param linkKey         its private key (PEM, PKCS#8, Ed25519: it also signs the attestations)
 * @param linkAuthority   the link CA certificate: the only issuer of a zone certificate the edge accepts
 * @param keepWarm        how long a link connection may stay idle before it is pinged, so that the next request
 *                        finds it open
 * @param maxBodyBytes    largest client request body relayed
 * @param clock           the clock attestations are stamped with
 * @param linkVersion     HTTP/2 (the default: each link connection carries many requests at once, as streams) or
 *                        HTTP/1.1 (one request at a time per connection: more are opened as requests overlap, and
 *                        kept for the next ones). Either way a client's hang-up stops the zone's generation:
 *                        the edge cancels the request by its attestation's nonce ({@link RequestRelay}), since
 *                        Helidon 4.5's HTTP/2 server does not pass a stream reset on to the zone's handler
 *                        (helidon-io/helidon#9496).
 * @param linkConnections how many connections the link keeps open to the zone, 1 to
 *                        {@value #MAX_LINK_CONNECTIONS} ({@value #DEFAULT_LINK_CONNECTIONS} by default): each is
 *                        opened, handshake included, once at start and kept warm, and each request goes on the one
 *                        with the fewest requests in flight. More than one, so that a segment lost on the cable
 *                        stalls only the streams of its own TCP connection (see {@code ZoneLink})
 */
public record EdgeConfig(String host, int port, Path httpsCertificate, Path httpsKey, URI zone, String edgeId,
                         String jurisdiction, Path linkCertificate, Path linkKey, Path linkAuthority,
                         Duration keepWarm, long maxBodyBytes, InstantSource clock,
                         HttpClient.Version linkVersion, int linkConnections) {
    /** Link connections an edge keeps unless told otherwise. */
    public static final int DEFAULT_LINK_CONNECTIONS = 2;
    /** The most link connections an edge opens: each is a TLS connection and an HTTP client of its own, kept open. */
    public static final int MAX_LINK_CONNECTIONS = 64;

    private static final Pattern JURISDICTION = Pattern.compile("[A-Z]{2}");

    public EdgeConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(linkCertificate, "linkCertificate");
        Objects.requireNonNull(linkKey, "linkKey");
        Objects.requireNonNull(linkAuthority, "linkAuthority");
        Objects.requireNonNull(keepWarm, "keepWarm");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(linkVersion, "linkVersion");
        LinkPki.checkEdgeId(edgeId);
        if (jurisdiction == null || !JURISDICTION.matcher(jurisdiction).matches()) {
            throw new IllegalArgumentException("jurisdiction must be an ISO 3166-1 alpha-2 code in upper case, such "
                    + "as SG, got '" + jurisdiction + "'");
        }
        if (!"https".equals(zone.getScheme()) || zone.getHost() == null) {
            throw new IllegalArgumentException("the zone's link URL must be https://HOST:PORT, got '" + zone + "'");
        }
        if ((httpsCertificate == null) != (httpsKey == null)) {
            throw new IllegalArgumentException("give both the HTTPS certificate and its key, or neither");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        if (keepWarm.isNegative() || keepWarm.isZero()) {
            throw new IllegalArgumentException("keep-warm interval must be positive, got " + keepWarm);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1, got " + maxBodyBytes);
        }
        if (linkConnections < 1 || linkConnections > MAX_LINK_CONNECTIONS) {
            throw new IllegalArgumentException("the link to the zone needs 1 to " + MAX_LINK_CONNECTIONS
                    + " connections (--link-connections), got " + linkConnections);
        }
    }

    /**
     * A configuration with the defaults: plain HTTP on loopback, any port, the link on two HTTP/2 connections,
     * each pinged after 10 s of idleness, bodies up to 1 MiB (the zone's default limit), the system clock.
     */
    public static EdgeConfig loopback(URI zone, String edgeId, String jurisdiction, Path linkCertificate,
                                      Path linkKey, Path linkAuthority) {
        return new EdgeConfig("127.0.0.1", 0, null, null, zone, edgeId, jurisdiction, linkCertificate, linkKey,
                linkAuthority, Duration.ofSeconds(10), 1 << 20, InstantSource.system(), HttpClient.Version.HTTP_2,
                DEFAULT_LINK_CONNECTIONS);
    }

    /** This configuration listening on {@code newHost}:{@code newPort}, with HTTPS if a certificate is given. */
    public EdgeConfig listening(String newHost, int newPort, Path certificate, Path key) {
        return new EdgeConfig(newHost, newPort, certificate, key, zone, edgeId, jurisdiction, linkCertificate,
                linkKey, linkAuthority, keepWarm, maxBodyBytes, clock, linkVersion, linkConnections);
    }

    /** This configuration with the link pinged every {@code interval} of idleness. */
    public EdgeConfig keepingWarm(Duration interval) {
        return new EdgeConfig(host, port, httpsCertificate, httpsKey, zone, edgeId, jurisdiction, linkCertificate,
                linkKey, linkAuthority, interval, maxBodyBytes, clock, linkVersion, linkConnections);
    }

    /** This configuration with the link speaking {@code version}. */
    public EdgeConfig speaking(HttpClient.Version version) {
        return new EdgeConfig(host, port, httpsCertificate, httpsKey, zone, edgeId, jurisdiction, linkCertificate,
                linkKey, linkAuthority, keepWarm, maxBodyBytes, clock, version, linkConnections);
    }

    /** This configuration with the link spread over {@code connections} connections to the zone. */
    public EdgeConfig pooling(int connections) {
        return new EdgeConfig(host, port, httpsCertificate, httpsKey, zone, edgeId, jurisdiction, linkCertificate,
                linkKey, linkAuthority, keepWarm, maxBodyBytes, clock, linkVersion, connections);
    }
}
