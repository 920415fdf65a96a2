package io.tokenport.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A SHA-256 value: a leaf hash, a tree root, a body hash. Immutable, compared by value.
 *
 * <p>Hashes travel as lowercase hex in records and file names, and as standard base64 in checkpoints and
 * proofs (the C2SP formats use base64), so both codecs live here.
 */
public final class Digest {

    /** Size of a SHA-256 value in bytes. */
    public static final int SIZE = 32;

    private final byte[] bytes;

    private Digest(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps 32 bytes (copied). */
    public static Digest of(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new IllegalArgumentException("a SHA-256 value has 32 bytes, got " + bytes.length);
        }
        return new Digest(bytes.clone());
    }

    /** SHA-256 of {@code data}. */
    public static Digest sha256(byte[] data) {
        MessageDigest md = newSha256();
        return new Digest(md.digest(data));
    }

    /** Parses 64 hex digits (either case); the message names {@code what} on failure. */
    public static Digest fromHex(String hex, String what) {
        if (hex == null || hex.length() != 2 * SIZE) {
            throw new IllegalArgumentException(what + ": expected 64 hex digits, got "
                    + (hex == null ? "nothing" : hex.length() + " characters"));
        }
        try {
            return new Digest(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": not hexadecimal: " + e.getMessage());
        }
    }

    /** Parses standard base64 of 32 bytes; the message names {@code what} on failure. */
    public static Digest fromBase64(String base64, String what) {
        byte[] decoded;
        try {
            decoded = CanonicalBase64.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": not base64: " + e.getMessage());
        }
        if (decoded.length != SIZE) {
            throw new IllegalArgumentException(what + ": expected 32 bytes, base64 decodes to " + decoded.length);
        }
        return new Digest(decoded);
    }

    /** A copy of the 32 bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Feeds the bytes to {@code md} without copying. */
    void updateInto(MessageDigest md) {
        md.update(bytes);
    }

    /** Copies the bytes into {@code dest} at {@code offset}. */
    void copyTo(byte[] dest, int offset) {
        System.arraycopy(bytes, 0, dest, offset, SIZE);
    }

    /** Lowercase hex, 64 characters. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** Standard base64 (RFC 4648 section 4), as the C2SP formats use. */
    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest d && MessageDigest.isEqual(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
