package io.tokenport.zone.ingress;

import io.tokenport.link.attestation.AttestationVerifier;
import io.tokenport.link.attestation.JurisdictionPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The zone's link listener: where edges connect (mutual TLS 1.3, only certificates of the link CA) and how their
 * origin attestations are checked. Files are the ones {@code tokenport pki} writes.
 *
 * @param host            address to listen on
 * @param port            port, 0 for any free one
 * @param certificate     the zone's link certificate (PEM)
 * @param key             its private key (PEM, PKCS#8)
 * @param authority       the link CA certificate (PEM): the only issuer of edge certificates accepted
 * @param skew            largest accepted clock difference between an edge and the zone
 * @param jurisdictions   which client jurisdictions are served (domestic CN never is)
 * @param registeredEdges edges allowed to attest; empty for every edge the link CA certified
 * @param recorder        told about every refused request (the audit log, in a full zone)
 */
public record LinkListener(String host, int port, Path certificate, Path key, Path authority, Duration skew,
                           JurisdictionPolicy jurisdictions, Set<String> registeredEdges, IngressRecorder recorder) {

    public LinkListener {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(skew, "skew");
        Objects.requireNonNull(jurisdictions, "jurisdictions");
        Objects.requireNonNull(recorder, "recorder");
        registeredEdges = Set.copyOf(registeredEdges);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("link port must be between 0 and 65535, got " + port);
        }
    }

    /** A listener with the defaults: 30 s skew, every overseas jurisdiction, every certified edge, no recorder. */
    public static LinkListener of(String host, int port, Path certificate, Path key, Path authority) {
        return new LinkListener(host, port, certificate, key, authority, AttestationVerifier.DEFAULT_SKEW,
                JurisdictionPolicy.OVERSEAS, Set.of(), IngressRecorder.NONE);
    }

    /** This listener with {@code value} told about refusals. */
    public LinkListener withRecorder(IngressRecorder value) {
        return new LinkListener(host, port, certificate, key, authority, skew, jurisdictions, registeredEdges, value);
    }

    /** This listener with a jurisdiction policy. */
    public LinkListener withJurisdictions(JurisdictionPolicy value) {
        return new LinkListener(host, port, certificate, key, authority, skew, value, registeredEdges, recorder);
    }
}
