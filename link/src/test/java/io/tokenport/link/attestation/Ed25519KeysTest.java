package io.tokenport.link.attestation;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast path makes the JDK's signatures, bit for bit, and accepts exactly what the JDK accepts. */
class Ed25519KeysTest {

    @Test
    void signaturesEqualTheJdksAndVerifyBothWays() throws Exception {
        Random random = new Random(5);
        for (int i = 0; i < 50; i++) {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] message = new byte[random.nextInt(300)];
            random.nextBytes(message);

            Signature jdk = Signature.getInstance("Ed25519");
            jdk.initSign(pair.getPrivate());
            jdk.update(message);
            byte[] expected = jdk.sign();
            byte[] fast = Ed25519Keys.sign(Ed25519Keys.privateKey(pair.getPrivate()), message);
            assertThat(fast).isEqualTo(expected);

            assertThat(Ed25519Keys.verify(pair.getPublic(), message, expected)).isTrue();
            byte[] tampered = expected.clone();
            tampered[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
            assertThat(Ed25519Keys.verify(pair.getPublic(), message, tampered)).isEqualTo(jdkVerifies(pair, message,
                    tampered)).isFalse();
            if (message.length > 0) {
                byte[] otherMessage = message.clone();
                otherMessage[0] ^= 1;
                assertThat(Ed25519Keys.verify(pair.getPublic(), otherMessage, expected)).isFalse();
            }
        }
    }

    /** The JDK's verdict; it throws rather than answer false for a signature whose R is not a point. */
    private static boolean jdkVerifies(KeyPair pair, byte[] message, byte[] signature) throws Exception {
        Signature check = Signature.getInstance("Ed25519");
        check.initVerify(pair.getPublic());
        check.update(message);
        try {
            return check.verify(signature);
        } catch (java.security.SignatureException invalid) {
            return false;
        }
    }

    @Test
    void keysOfOtherAlgorithmsAreRefused() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThat(Ed25519Keys.verify(ec.getPublic(), new byte[1], new byte[64])).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Ed25519Keys.privateKey(ec.getPrivate()))
                .hasMessageContaining("Ed25519");
    }
}
