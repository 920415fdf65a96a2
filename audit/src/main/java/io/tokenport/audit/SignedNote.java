package io.tokenport.audit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A C2SP signed note: a text ending in a newline, a blank line, then signature lines
 * {@code "— <key name> <base64(4-byte key ID || Ed25519 signature)>"}. Checkpoints are signed notes. As the
 * spec requires, signature lines from unknown keys are ignored, a failing signature from the trusted key
 * rejects the note, and a note with no verifying signature from the trusted key is rejected.
 */
public final class SignedNote {

    private static final String DASH = "\u2014 ";
    private static final int MAX_SIGNATURES = 32;

    private SignedNote() {
    }

    /** Signs {@code text} (which must end in a newline) and returns the whole note. */
    public static String sign(String text, SigningKey key) {
        checkText(text);
        byte[] sig = key.sign(text.getBytes(StandardCharsets.UTF_8));
        return text + "\n" + DASH + key.name() + " " + keyIdAndSignature(key.verifierKey().keyId(), sig) + "\n";
    }

    static String keyIdAndSignature(int keyId, byte[] signature) {
        ByteBuffer b = ByteBuffer.allocate(4 + signature.length).putInt(keyId).put(signature);
        return Base64.getEncoder().encodeToString(b.array());
    }

    /**
     * Verifies a note with the trusted key and returns its text.
     *
     * @throws AuditException saying what is malformed or which signature failed
     */
    public static String open(byte[] note, VerifierKey key) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(note)).toString();
        } catch (CharacterCodingException e) {
            throw new AuditException("signed note: not valid UTF-8");
        }
        return open(s, key);
    }

    /** As {@link #open(byte[], VerifierKey)}, for a note already decoded. */
    public static String open(String note, VerifierKey key) {
        for (int i = 0; i < note.length(); i++) {
            char c = note.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new AuditException("signed note: control character U+" + String.format("%04X", (int) c)
                        + " at character " + i);
            }
        }
        if (!note.endsWith("\n")) {
            throw new AuditException("signed note: does not end in a newline");
        }
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new AuditException("signed note: no blank line between text and signatures");
        }
        String text = note.substring(0, split + 1);
        String[] lines = note.substring(split + 2, note.length() - 1).split("\n", -1);
        if (lines.length > MAX_SIGNATURES) {
            throw new AuditException("signed note: " + lines.length + " signature lines, at most " + MAX_SIGNATURES);
        }
        byte[] message = text.getBytes(StandardCharsets.UTF_8);
        boolean verified = false;
        for (String line : lines) {
            if (!line.startsWith(DASH)) {
                throw new AuditException("signed note: signature line does not start with an em dash: " + line);
            }
            String rest = line.substring(DASH.length());
            int space = rest.indexOf(' ');
            if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
                throw new AuditException("signed note: malformed signature line: " + line);
            }
            String name = rest.substring(0, space);
            byte[] blob;
            try {
                blob = CanonicalBase64.decode(rest.substring(space + 1));
            } catch (IllegalArgumentException e) {
                throw new AuditException("signed note: signature of " + name + " is not base64: " + e.getMessage());
            }
            if (blob.length < 5) {
                throw new AuditException("signed note: signature of " + name + " is too short");
            }
            int id = ByteBuffer.wrap(blob).getInt();
            if (!name.equals(key.name()) || id != key.keyId()) {
                continue; // unknown key: ignored, as the spec says
            }
            if (!key.verify(message, Arrays.copyOfRange(blob, 4, blob.length))) {
                throw new AuditException("signed note: the signature of " + name + "+" + key.keyIdHex()
                        + " does not verify; the note text or signature was altered");
            }
            verified = true;
        }
        if (!verified) {
            throw new AuditException("signed note: no signature by the trusted key " + key.name() + "+"
                    + key.keyIdHex());
        }
        return text;
    }

    private static void checkText(String text) {
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("note text must end in a newline");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new IllegalArgumentException("note text must not contain control characters");
            }
        }
    }
}
