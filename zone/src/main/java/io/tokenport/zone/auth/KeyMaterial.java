package io.tokenport.zone.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** How keys and ids are made and how a key is reduced to the hash that is stored. */
final class KeyMaterial {
    /** Every key starts with this, so a leaked one is easy to recognise in a scanner. */
    static final String KEY_PREFIX = "tp-";
    private static final int KEY_BYTES = 32;

    private final SecureRandom random;

    KeyMaterial(SecureRandom random) {
        this.random = random;
    }

    /** A new secret key: the prefix and 256 random bits, URL-safe base64. */
    String newKey() {
        byte[] bytes = new byte[KEY_BYTES];
        random.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A new id such as {@code key_1f3a...}: 96 random bits, so ids never collide in practice. */
    String newId(String kind) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return kind + "_" + HexFormat.of().formatHex(bytes);
    }

    /** The stored form of a key: its SHA-256, hex. */
    static String hash(String key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
