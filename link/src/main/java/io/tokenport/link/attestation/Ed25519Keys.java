package io.tokenport.link.attestation;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ed25519 signing and verifying of attestations with Bouncy Castle's implementation, on keys that come from the
 * JDK (PEM files, TLS certificates). The signatures are RFC 8032's, the same bytes the JDK's {@code Signature}
 * makes (Ed25519 is deterministic; a test checks it), at about a tenth of the JDK's cost: the attestation is signed
 * at the edge and verified at the zone on every request's path.
 */
final class Ed25519Keys {
    /** An Ed25519 SubjectPublicKeyInfo is this 12-byte prefix and the 32-byte key (RFC 8410). */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final int MAX_CACHED = 1024;
    private static final Map<PublicKey, Ed25519PublicKeyParameters> PUBLIC = new ConcurrentHashMap<>();

    private Ed25519Keys() {
    }

    /** The signing parameters of a JDK Ed25519 private key. */
    static Ed25519PrivateKeyParameters privateKey(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty() || ed.getBytes().get().length != 32) {
            throw new IllegalArgumentException("attestations are signed with an Ed25519 key, got " + key.getAlgorithm());
        }
        return new Ed25519PrivateKeyParameters(ed.getBytes().get(), 0);
    }

    static byte[] sign(Ed25519PrivateKeyParameters key, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** Whether {@code signature} is {@code key}'s over {@code message}; false for a key that is not Ed25519. */
    static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        Ed25519PublicKeyParameters params = publicKey(key);
        if (params == null || signature.length != 64) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, params);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** The parameters of an Ed25519 public key (decoded once per key: edges are few), or null if it is not one. */
    private static Ed25519PublicKeyParameters publicKey(PublicKey key) {
        Ed25519PublicKeyParameters cached = PUBLIC.get(key);
        if (cached != null) {
            return cached;
        }
        byte[] spki = key.getEncoded();
        if (spki == null || spki.length != SPKI_PREFIX.length + 32
                || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            return null;
        }
        Ed25519PublicKeyParameters params;
        try {
            params = new Ed25519PublicKeyParameters(spki, SPKI_PREFIX.length);
        } catch (IllegalArgumentException notAPoint) {
            return null;
        }
        if (PUBLIC.size() >= MAX_CACHED) {
            PUBLIC.clear();
        }
        PUBLIC.put(key, params);
        return params;
    }
}
