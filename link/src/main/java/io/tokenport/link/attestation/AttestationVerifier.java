package io.tokenport.link.attestation;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Set;

/**
 * The zone's half of origin attestation. For a request arriving over the link it checks, in this order:
 * the header parses ({@code malformed}); the attesting edge is the CN of the TLS client certificate of the very
 * connection it came on, that certificate has an Ed25519 key, and the edge is registered if a registry is given
 * ({@code unknown_edge}); the signature verifies against that certificate's key ({@code bad_signature}); the time
 * is within the skew ({@code stale}); the nonce is new ({@code replayed}); the jurisdiction is allowed
 * ({@code jurisdiction_refused}). The body hash is checked once the body is read ({@link #checkBody}).
 *
 * <p>Binding the attestation to the connection's certificate means a key stolen from one edge cannot attest for
 * another, and nothing but the link CA is needed to know every edge's key.
 */
public final class AttestationVerifier {
    /** The default bound on clock difference between edge and zone. */
    public static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);

    private final InstantSource clock;
    private final long skewMillis;
    private final JurisdictionPolicy jurisdictions;
    private final Set<String> registeredEdges;
    private final NonceWindow nonces;

    /**
     * @param skew            largest accepted difference between the attested time and the zone's clock
     * @param jurisdictions   which client jurisdictions are served
     * @param registeredEdges the edges allowed to attest; empty: every edge the link CA certified
     * @param nonceCapacity   the most nonces remembered at once (bounded memory; see {@link NonceWindow})
     */
    public AttestationVerifier(InstantSource clock, Duration skew, JurisdictionPolicy jurisdictions,
                               Set<String> registeredEdges, int nonceCapacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.jurisdictions = Objects.requireNonNull(jurisdictions, "jurisdictions");
        this.registeredEdges = Set.copyOf(registeredEdges);
        if (skew.isNegative() || skew.isZero()) {
            throw new IllegalArgumentException("clock skew bound must be positive, got " + skew);
        }
        this.skewMillis = skew.toMillis();
        this.nonces = new NonceWindow(nonceCapacity);
    }

    /** Defaults: 30 s skew, every overseas jurisdiction, every certified edge, 500,000 nonces (under 100 MB). */
    public static AttestationVerifier withDefaults(InstantSource clock) {
        return new AttestationVerifier(clock, DEFAULT_SKEW, JurisdictionPolicy.OVERSEAS, Set.of(), 500_000);
    }

    /**
     * Checks everything but the body.
     *
     * @param header the {@code TokenPort-Attestation} header value, or null if absent
     * @param peer   the TLS client certificate of the connection the request came on, or null if none
     * @return the accepted attestation
     * @throws AttestationRefusedException with the reason if it is not accepted
     */
    public OriginAttestation verify(String header, X509Certificate peer) throws AttestationRefusedException {
        OriginAttestation.Signed signed;
        try {
            signed = OriginAttestation.parse(header);
        } catch (IllegalArgumentException e) {
            throw new AttestationRefusedException(RefusalReason.MALFORMED, e.getMessage(), null);
        }
        OriginAttestation attestation = signed.attestation();
        checkEdge(attestation, peer);
        checkSignature(signed, peer);

        long now = clock.millis();
        long age = now - attestation.timeMillis();
        if (Math.abs(age) > skewMillis) {
            throw new AttestationRefusedException(RefusalReason.STALE, "attestation time is " + Math.abs(age)
                    + " ms " + (age > 0 ? "in the past" : "in the future") + ", more than the allowed " + skewMillis
                    + " ms; check the edge's clock (NTP)", attestation);
        }
        switch (nonces.admit(attestation.nonceHex(), attestation.timeMillis(), now - skewMillis)) {
            case REPLAYED -> throw new AttestationRefusedException(RefusalReason.REPLAYED,
                    "attestation nonce " + attestation.nonceHex() + " was already used", attestation);
            case BELOW_FLOOR -> throw new AttestationRefusedException(RefusalReason.STALE,
                    "attestation is older than the replay window the zone can still check under load", attestation);
            case FRESH -> {
            }
        }
        if (!jurisdictions.permits(attestation.jurisdiction())) {
            throw new AttestationRefusedException(RefusalReason.JURISDICTION_REFUSED,
                    "clients in jurisdiction " + attestation.jurisdiction() + " are not served by this zone", attestation);
        }
        return attestation;
    }

    /** Checks the body received against the attested hash. */
    public void checkBody(OriginAttestation attestation, byte[] bodySha256) throws AttestationRefusedException {
        if (!attestation.bodyMatches(bodySha256)) {
            throw new AttestationRefusedException(RefusalReason.BODY_MISMATCH,
                    "the request body is not the one the edge attested", attestation);
        }
    }

    private void checkEdge(OriginAttestation attestation, X509Certificate peer) throws AttestationRefusedException {
        String edgeId = attestation.edgeId();
        if (peer == null) {
            throw new AttestationRefusedException(RefusalReason.UNKNOWN_EDGE,
                    "the request did not come over a link connection with an edge certificate", attestation);
        }
        String cn = commonName(peer);
        if (!edgeId.equals(cn)) {
            throw new AttestationRefusedException(RefusalReason.UNKNOWN_EDGE, "attestation names edge '" + edgeId
                    + "' but the connection's certificate is edge '" + cn + "'", attestation);
        }
        if (!registeredEdges.isEmpty() && !registeredEdges.contains(edgeId)) {
            throw new AttestationRefusedException(RefusalReason.UNKNOWN_EDGE, "edge '" + edgeId
                    + "' is not registered with this zone", attestation);
        }
        String algorithm = peer.getPublicKey().getAlgorithm();
        if (!algorithm.equals("EdDSA") && !algorithm.equals("Ed25519")) {
            throw new AttestationRefusedException(RefusalReason.UNKNOWN_EDGE, "edge '" + edgeId
                    + "' has a " + algorithm + " certificate key; attestations need Ed25519", attestation);
        }
    }

    private static void checkSignature(OriginAttestation.Signed signed, X509Certificate peer)
            throws AttestationRefusedException {
        boolean valid = Ed25519Keys.verify(peer.getPublicKey(), OriginAttestation.signedBytes(signed.fields()),
                signed.signature());
        if (!valid) {
            throw new AttestationRefusedException(RefusalReason.BAD_SIGNATURE,
                    "attestation signature does not verify against edge '" + signed.attestation().edgeId()
                    + "''s certificate", signed.attestation());
        }
    }

    /** The CN of {@code certificate}'s subject, or null if it has none. */
    public static String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
