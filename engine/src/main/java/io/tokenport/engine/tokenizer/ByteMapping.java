package io.tokenport.engine.tokenizer;

/**
 * GPT-2's reversible byte-to-unicode alphabet, in which byte-level BPE vocabularies store their tokens: the
 * printable bytes {@code !..~}, {@code ¡..¬} and {@code ®..ÿ} stand for themselves, and the other 68 bytes
 * (controls, space, DEL, the C1 range, NBSP, soft hyphen) take the characters from U+0100 on, in byte order.
 * So a space is {@code Ġ} (U+0120) and a newline {@code Ċ} (U+010A).
 */
final class ByteMapping {
    private static final char[] CHAR_OF_BYTE = new char[256];
    private static final int[] BYTE_OF_CHAR = new int[0x144];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 0x100;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = b;
        }
    }

    private ByteMapping() {
    }

    static char charOf(int b) {
        return CHAR_OF_BYTE[b];
    }

    /** The byte a character stands for, or -1 if it is not in the alphabet. */
    static int byteOf(int c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }

    /**
     * Writes the bytes a token's text stands for at {@code at} (room: {@code 3 * text.length()}); returns the
     * end. A character outside the alphabet (never in a well-formed vocabulary) stands for its UTF-8 bytes.
     */
    static int putBytes(String text, byte[] pool, int at) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int b = byteOf(c);
            if (b >= 0) {
                pool[at++] = (byte) b;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                at = Utf8.put(pool, at, Character.toCodePoint(c, text.charAt(++i)));
            } else {
                at = Utf8.put(pool, at, Character.isSurrogate(c) ? Utf8.REPLACEMENT : c);
            }
        }
        return at;
    }
}
