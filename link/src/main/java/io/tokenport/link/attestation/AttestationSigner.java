package io.tokenport.link.attestation;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The edge's half of origin attestation: signs, for each forwarded request, who the client is and what it sent,
 * with the edge's Ed25519 certificate key. Thread-safe (a signer per call; signing takes a few tens of
 * microseconds, see {@link Ed25519Keys}).
 */
public final class AttestationSigner {
    private final String edgeId;
    private final org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters key;
    private final InstantSource clock;
    private final SecureRandom random;

    /**
     * @param edgeId the edge's id, which must be the CN of the certificate whose key {@code key} is
     * @param key    an Ed25519 private key
     */
    public AttestationSigner(String edgeId, PrivateKey key, InstantSource clock, SecureRandom random) {
        this.edgeId = Objects.requireNonNull(edgeId, "edgeId");
        Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        if (!key.getAlgorithm().equals("EdDSA") && !key.getAlgorithm().equals("Ed25519")) {
            throw new IllegalArgumentException("attestations are signed with an Ed25519 key, got "
                    + key.getAlgorithm());
        }
        this.key = Ed25519Keys.privateKey(key);
    }

    /**
     * A signed attestation as the edge sends it.
     *
     * @param header   the {@link OriginAttestation#HEADER} value
     * @param nonceHex its nonce, in hex: how the edge names the request to the zone later (to cancel it)
     */
    public record Signed(String header, String nonceHex) {
    }

    /** The header value attesting a request from {@code clientAddress} in {@code jurisdiction} with this body hash. */
    public String sign(String clientAddress, String jurisdiction, byte[] bodySha256) {
        return attest(clientAddress, jurisdiction, bodySha256).header();
    }

    /** Signs a request whose whole body is {@code body}. */
    public String signBody(String clientAddress, String jurisdiction, byte[] body) {
        return sign(clientAddress, jurisdiction, sha256(body));
    }

    /** Signs a request whose whole body is {@code body}, keeping its nonce. */
    public Signed attestBody(String clientAddress, String jurisdiction, byte[] body) {
        return attest(clientAddress, jurisdiction, sha256(body));
    }

    private Signed attest(String clientAddress, String jurisdiction, byte[] bodySha256) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        OriginAttestation attestation = new OriginAttestation(edgeId, clientAddress, jurisdiction,
                clock.millis(), nonce, bodySha256);
        return new Signed(attestation.header(signature(attestation.fields())), attestation.nonceHex());
    }

    byte[] signature(byte[] fields) {
        return Ed25519Keys.sign(key, OriginAttestation.signedBytes(fields));
    }

    /** SHA-256 of {@code bytes}. */
    public static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
