package io.tokenport.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The public half of a zone's log key, in the C2SP signed-note verifier key format
 * {@code <name>+<key ID as 8 hex digits>+<base64(0x01 || 32-byte Ed25519 public key)>}, the same text Go's
 * {@code sumdb/note} and other transparency-log tools read. This is what a regulator is given, out of band,
 * to check checkpoints and receipts.
 *
 * <p>Key ID = first 4 bytes of {@code SHA-256(name || 0x0A || 0x01 || public key)} (signed-note, "Ed25519
 * signatures"); a signature line carries it so a verifier can tell which key signed.
 */
public final class VerifierKey {

    static final byte ED25519_TYPE = 0x01;

    private final String name;
    private final int keyId;
    private final byte[] publicKey;
    private final PublicKey jdkKey;

    VerifierKey(String name, byte[] publicKey) {
        checkName(name);
        this.name = name;
        this.publicKey = publicKey.clone();
        this.keyId = keyId(name, publicKey);
        this.jdkKey = Ed25519.publicKey(publicKey);
    }

    /**
     * Parses the verifier key text.
     *
     * @throws AuditException saying which part is wrong
     */
    public static VerifierKey parse(String text) {
        String s = text.strip();
        int first = s.indexOf('+');
        int second = first < 0 ? -1 : s.indexOf('+', first + 1);
        if (first <= 0 || second < 0) {
            throw new AuditException("verifier key: expected <name>+<8 hex digits>+<base64 key>, got "
                    + abbreviate(s));
        }
        String name = s.substring(0, first);
        String idHex = s.substring(first + 1, second);
        byte[] typeAndKey;
        try {
            typeAndKey = CanonicalBase64.decode(s.substring(second + 1));
        } catch (IllegalArgumentException e) {
            throw new AuditException("verifier key: the key part is not base64: " + e.getMessage());
        }
        if (idHex.length() != 8 || !idHex.matches("[0-9a-f]{8}")) {
            throw new AuditException("verifier key: the key ID must be 8 lowercase hex digits, got \"" + idHex + "\"");
        }
        if (typeAndKey.length != 1 + Ed25519.KEY_SIZE || typeAndKey[0] != ED25519_TYPE) {
            throw new AuditException("verifier key: only Ed25519 keys (type 0x01, 33 bytes) are supported");
        }
        VerifierKey key = new VerifierKey(name, Arrays.copyOfRange(typeAndKey, 1, typeAndKey.length));
        if (key.keyId != (int) Long.parseLong(idHex, 16)) {
            throw new AuditException("verifier key: key ID " + idHex + " does not match the key (expected "
                    + key.keyIdHex() + "); the key text was altered");
        }
        return key;
    }

    static int keyId(String name, byte[] publicKey) {
        MessageDigest md = Digest.newSha256();
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x0A);
        md.update(ED25519_TYPE);
        md.update(publicKey);
        byte[] h = md.digest();
        return ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
    }

    static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new AuditException("key name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '+' || c < 0x20 || c == 0x7f) {
                throw new AuditException("key name \"" + name + "\" must not contain spaces, '+' or control"
                        + " characters (use a schema-less URL such as zone.example/audit)");
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** The key name, which is also the log origin. */
    public String name() {
        return name;
    }

    /** The 32-bit key ID. */
    public int keyId() {
        return keyId;
    }

    /** The key ID as 8 lowercase hex digits. */
    public String keyIdHex() {
        return HexFormat.of().toHexDigits(keyId);
    }

    /** The raw 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** True if {@code signature} is this key's Ed25519 signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        return Ed25519.verify(jdkKey, message, signature);
    }

    /** The C2SP verifier key text. */
    public String format() {
        byte[] typeAndKey = new byte[1 + Ed25519.KEY_SIZE];
        typeAndKey[0] = ED25519_TYPE;
        System.arraycopy(publicKey, 0, typeAndKey, 1, Ed25519.KEY_SIZE);
        return name + "+" + keyIdHex() + "+" + Base64.getEncoder().encodeToString(typeAndKey);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VerifierKey k && k.name.equals(name) && Arrays.equals(k.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return format();
    }
}
