package io.tokenport.link.pki;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;

/**
 * The key types the link's certificates use, with the signature each one makes and its X.509 algorithm
 * identifier. Ed25519 is the default everywhere: the JDK's TLS 1.3 accepts it on both sides, and an edge's
 * certificate key then also signs its origin attestations. P-256 remains for peers that cannot do Ed25519.
 */
public enum KeyAlgorithm {
    /** Ed25519 (RFC 8410): the signature algorithm identifier has no parameters. */
    ED25519("Ed25519", "Ed25519", "1.3.101.112"),
    /** ECDSA on P-256 with SHA-256 (RFC 5758): no parameters either. */
    EC_P256("EC", "SHA256withECDSA", "1.2.840.10045.4.3.2");

    private final String keyType;
    private final String signatureName;
    private final String signatureOid;

    KeyAlgorithm(String keyType, String signatureName, String signatureOid) {
        this.keyType = keyType;
        this.signatureName = signatureName;
        this.signatureOid = signatureOid;
    }

    /** A fresh key pair. */
    public KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(keyType);
            if (this == EC_P256) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make " + this + " keys", e);
        }
    }

    /** The JCA signature name ({@code Signature.getInstance}) a key of this type signs with. */
    public String signatureName() {
        return signatureName;
    }

    /** The DER AlgorithmIdentifier of that signature. */
    byte[] signatureAlgorithmIdentifier() {
        return Der.sequence(Der.oid(signatureOid));
    }

    /** The algorithm of {@code key}. */
    public static KeyAlgorithm of(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "Ed25519", "EdDSA" -> ED25519;
            case "EC" -> EC_P256;
            default -> throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm()
                    + ": the link uses Ed25519 or EC P-256 keys");
        };
    }
}
