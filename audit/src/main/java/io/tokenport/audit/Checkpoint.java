package io.tokenport.audit;

/**
 * A tree head in the C2SP tlog-checkpoint format: the note text
 * {@code "<origin>\n<tree size>\n<base64 root hash>\n"}. Signed, it is what the zone publishes and what every
 * proof is checked against.
 *
 * @param origin the log's identity (the signing key's name)
 * @param size the number of leaves
 * @param root the RFC 9162 root hash at that size
 */
public record Checkpoint(String origin, long size, Digest root) {

    /** Checks the fields can be written as a checkpoint. */
    public Checkpoint {
        VerifierKey.checkName(origin);
        if (size < 0) {
            throw new IllegalArgumentException("checkpoint size is negative: " + size);
        }
    }

    /** The note text. */
    public String text() {
        return origin + "\n" + size + "\n" + root.base64() + "\n";
    }

    /**
     * Parses note text (extension lines, which this log never writes, are rejected).
     *
     * @throws AuditException saying which line is wrong
     */
    public static Checkpoint parse(String text) {
        if (!text.endsWith("\n")) {
            throw new AuditException("checkpoint: text does not end in a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length != 3) {
            throw new AuditException("checkpoint: expected 3 lines (origin, size, root), got " + lines.length);
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new AuditException("checkpoint: size \"" + lines[1] + "\" is not a decimal without leading zeros");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new AuditException("checkpoint: size " + lines[1] + " is too large");
        }
        Digest root;
        try {
            root = Digest.fromBase64(lines[2], "checkpoint root hash");
        } catch (IllegalArgumentException e) {
            throw new AuditException(e.getMessage());
        }
        try {
            return new Checkpoint(lines[0], size, root);
        } catch (AuditException e) {
            throw new AuditException("checkpoint: origin: " + e.getMessage());
        }
    }

    /** Signs this checkpoint; the key's name must be the origin. */
    public SignedCheckpoint sign(SigningKey key) {
        if (!key.name().equals(origin)) {
            throw new IllegalArgumentException("the key " + key.name() + " cannot sign for origin " + origin);
        }
        return new SignedCheckpoint(this, SignedNote.sign(text(), key));
    }
}
