package io.tokenport.engine.tokenizer;

/**
 * The character classes the pre-tokenizer regexes ask about, with llama.cpp's definitions: {@code \p{L}}
 * (general category L*), {@code \p{N}} (N*), {@code \s} as the Unicode White_Space property (so U+0085 is
 * whitespace and U+FEFF is not, unlike Java's and Python's notions), and {@code \p{P}} as a flag on top of
 * {@link #OTHER} for the default pre-tokenizer. The Basic Multilingual Plane is tabulated once.
 */
final class CharClass {
    static final byte OTHER = 0;
    static final byte LETTER = 1;
    static final byte NUMBER = 2;
    static final byte WHITESPACE = 3;
    /** Mask for the four kinds above. */
    static final byte KIND = 3;
    /** Set, together with {@link #OTHER}, for Unicode punctuation (P*). */
    static final byte PUNCTUATION = 4;

    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int c = 0; c < BMP.length; c++) {
            BMP[c] = compute(c);
        }
    }

    private CharClass() {
    }

    static byte of(int cp) {
        return cp < 0x10000 ? BMP[cp] : compute(cp);
    }

    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
                || cp == 0x205F || cp == 0x3000;
    }

    private static byte compute(int cp) {
        if (isWhiteSpace(cp)) {
            return WHITESPACE;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                 Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> OTHER | PUNCTUATION;
            default -> OTHER;
        };
    }
}
