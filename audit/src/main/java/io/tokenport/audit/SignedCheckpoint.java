package io.tokenport.audit;

import java.nio.charset.StandardCharsets;

/**
 * A checkpoint with its signed-note text, exactly as published.
 *
 * @param checkpoint the tree head
 * @param note the whole signed note
 */
public record SignedCheckpoint(Checkpoint checkpoint, String note) {

    /**
     * Verifies a published note with the trusted key and parses its checkpoint.
     *
     * @throws AuditException if the signature or the text is wrong
     */
    public static SignedCheckpoint open(byte[] note, VerifierKey key) {
        String text = SignedNote.open(note, key);
        Checkpoint c = Checkpoint.parse(text);
        if (!c.origin().equals(key.name())) {
            throw new AuditException("checkpoint: origin " + c.origin() + " is not the key's name " + key.name());
        }
        return new SignedCheckpoint(c, new String(note, StandardCharsets.UTF_8));
    }

    /** The note as UTF-8 bytes. */
    public byte[] bytes() {
        return note.getBytes(StandardCharsets.UTF_8);
    }
}
