package io.tokenport.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A signed promise, returned with a response, that the zone's log holds a transfer record: "log
 * {@code origin} recorded leaf hash {@code leafHash} at index {@code index}". With the record itself, a later
 * checkpoint and an inclusion proof, the client (or a regulator) can check the record was never dropped or
 * changed.
 *
 * <p>Signed message (UTF-8), a fixed prefix line then one field per line:
 * <pre>
 *   tokenport receipt v1\n
 *   &lt;origin&gt;\n
 *   &lt;leaf index, decimal&gt;\n
 *   &lt;leaf hash, base64&gt;\n
 * </pre>
 * The first line contains spaces, which no checkpoint origin may, so a receipt signature can never pass for a
 * checkpoint signature made with the same key.
 *
 * <p>Compact text, for the {@code TokenPort-Receipt} HTTP header and an SSE comment line:
 * {@code v1 <origin> <index> <base64 leaf hash> <base64(4-byte key ID || 64-byte signature)>}.
 *
 * @param origin the log origin (the signing key's name)
 * @param index the record's leaf index
 * @param leafHash the record's leaf hash
 * @param keyId the signing key's ID
 * @param signature the Ed25519 signature of {@link #message()}
 */
public record Receipt(String origin, long index, Digest leafHash, int keyId, byte[] signature) {

    /** The HTTP response header that carries a receipt. */
    public static final String HEADER = "TokenPort-Receipt";
    private static final String PREFIX = "tokenport receipt v1\n";
    private static final String SSE_PREFIX = ": tokenport-receipt ";

    /** Checks the fields. */
    public Receipt {
        VerifierKey.checkName(origin);
        if (index < 0) {
            throw new IllegalArgumentException("receipt index is negative");
        }
        signature = signature.clone();
    }

    /** The signature (copied). */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The exact bytes that are signed. */
    public byte[] message() {
        return message(origin, index, leafHash);
    }

    static byte[] message(String origin, long index, Digest leafHash) {
        return (PREFIX + origin + "\n" + index + "\n" + leafHash.base64() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The compact text form (the header value). */
    public String compact() {
        return "v1 " + origin + " " + index + " " + leafHash.base64() + " "
                + SignedNote.keyIdAndSignature(keyId, signature);
    }

    /** The SSE comment line (without the trailing newline) that carries the receipt at the end of a stream. */
    public String sseComment() {
        return SSE_PREFIX + compact();
    }

    /**
     * Parses the compact form, or an SSE comment line carrying it.
     *
     * @throws AuditException saying which part is malformed
     */
    public static Receipt parse(String text) {
        String s = text.strip();
        if (s.startsWith(SSE_PREFIX.strip())) {
            s = s.substring(SSE_PREFIX.strip().length()).strip();
        }
        String[] parts = s.split(" ", -1);
        if (parts.length != 5 || !parts[0].equals("v1")) {
            throw new AuditException("receipt: expected \"v1 <origin> <index> <leaf hash> <signature>\"");
        }
        if (!parts[2].matches("0|[1-9][0-9]{0,18}")) {
            throw new AuditException("receipt: index \"" + parts[2] + "\" is not a decimal number");
        }
        Digest leaf;
        try {
            leaf = Digest.fromBase64(parts[3], "receipt leaf hash");
        } catch (IllegalArgumentException e) {
            throw new AuditException(e.getMessage());
        }
        byte[] blob;
        try {
            blob = CanonicalBase64.decode(parts[4]);
        } catch (IllegalArgumentException e) {
            throw new AuditException("receipt: the signature is not base64: " + e.getMessage());
        }
        if (blob.length != 4 + Ed25519.SIGNATURE_SIZE) {
            throw new AuditException("receipt: the signature has " + blob.length + " bytes, expected "
                    + (4 + Ed25519.SIGNATURE_SIZE));
        }
        try {
            return new Receipt(parts[1], Long.parseLong(parts[2]), leaf, ByteBuffer.wrap(blob).getInt(),
                    Arrays.copyOfRange(blob, 4, blob.length));
        } catch (NumberFormatException e) {
            throw new AuditException("receipt: index " + parts[2] + " is too large");
        }
    }

    /**
     * Checks the signature with the zone's key.
     *
     * @throws AuditException if the key does not match or the signature fails
     */
    public void verify(VerifierKey key) {
        if (!origin.equals(key.name()) || keyId != key.keyId()) {
            throw new AuditException("receipt: signed by " + origin + "+" + String.format("%08x", keyId)
                    + ", not by the trusted key " + key.name() + "+" + key.keyIdHex());
        }
        if (!key.verify(message(), signature)) {
            throw new AuditException("receipt for leaf " + index + ": the signature does not verify; the receipt"
                    + " was altered");
        }
    }

    /** Checks the signature and that the receipt is for {@code record}. */
    public void verify(VerifierKey key, TransferRecord record) {
        verify(key);
        if (!record.leafHash().equals(leafHash)) {
            throw new AuditException("receipt for leaf " + index + " is for a different record (leaf hash "
                    + leafHash.base64() + ", the record hashes to " + record.leafHash().base64() + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Receipt r && r.origin.equals(origin) && r.index == index && r.leafHash.equals(leafHash)
                && r.keyId == keyId && Arrays.equals(r.signature, signature);
    }

    @Override
    public int hashCode() {
        return compact().hashCode();
    }

    @Override
    public String toString() {
        return compact();
    }
}
