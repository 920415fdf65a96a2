package io.tokenport.zone.screening;

/**
 * Folds the characters people use to write numbers and codes onto ASCII, so that one detector sees
 * {@code １３８１２３４５６７８}, {@code ١٣٨١٢٣٤٥٦٧٨} and {@code 13812345678} alike: full-width forms (U+FF01-FF5E,
 * as Chinese and Japanese input methods type them), every Unicode decimal digit (Arabic-Indic, Devanagari, ...),
 * the no-break and ideographic spaces and the Unicode hyphens and dashes. Everything else is returned unchanged,
 * so CJK characters, kana, Hangul and other letters outside ASCII stay boundaries between numbers.
 */
final class TextFolding {
    /** The folded form of every UTF-16 unit: one array load per character on the hot path (128 KiB). */
    private static final char[] TABLE = new char[Character.MAX_VALUE + 1];

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            TABLE[c] = slowFold((char) c);
        }
    }

    private TextFolding() {
    }

    static char fold(char c) {
        return TABLE[c];
    }

    private static char slowFold(char c) {
        if (c < 0x80) {
            return c;
        }
        if (c >= '\uFF01' && c <= '\uFF5E') {
            return (char) (c - 0xFF01 + 0x21);
        }
        switch (c) {
            case '\u00A0', '\u2007', '\u202F', '\u3000':
                return ' ';
            case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212':
                return '-';
            default:
                break;
        }
        if (Character.isDigit(c)) {
            return (char) ('0' + Character.digit(c, 10));
        }
        return c;
    }

    /** {@code text} folded into a new string, for the operator's regular expressions. */
    static String foldAll(CharSequence text) {
        int n = text.length();
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            out[i] = TABLE[text.charAt(i)];
        }
        return new String(out);
    }
}
