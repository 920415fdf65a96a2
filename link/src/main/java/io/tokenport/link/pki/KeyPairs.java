package io.tokenport.link.pki;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Whether a private key belongs to a certificate: a mix-up of files should fail at start, not at a handshake. */
public final class KeyPairs {
    private KeyPairs() {
    }

    /** True if {@code publicKey} verifies a signature made by {@code privateKey}. */
    public static boolean match(PublicKey publicKey, PrivateKey privateKey) {
        byte[] probe = "tokenport key pair probe".getBytes(StandardCharsets.US_ASCII);
        try {
            String algorithm = KeyAlgorithm.of(privateKey).signatureName();
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
