package io.tokenport.zone.screening;

/**
 * Folds the characters people use to write numbers and codes onto ASCII, so that one detector sees
 * {@code １３８１２３４５６７８}, {@code ١٣٨١٢٣٤٥٦٧٨} and {@code 13812345678} alike: full-width forms (U+FF01-FF5E,
 * as Chinese and Japanese input methods type them), every Unicode decimal digit (Arabic-Indic, Devanagari, ...),
 * the no-break and ideographic spaces and the Unicode hyphens and dashes. Everything else is returned unchanged,
 * so CJK characters, kana, Hangul and other letters outside ASCII stay boundaries between numbers.
 */
final class TextFolding {
    private TextFolding() {
    }

    static char fold(char c) {
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

    /** {@code text} seen through {@link #fold}, without copying it, for the operator's regular expressions. */
    static CharSequence folded(CharSequence text) {
        return new Folded(text, 0, text.length());
    }

    private record Folded(CharSequence text, int start, int end) implements CharSequence {
        @Override
        public int length() {
            return end - start;
        }

        @Override
        public char charAt(int index) {
            return fold(text.charAt(start + index));
        }

        @Override
        public CharSequence subSequence(int from, int to) {
            return new Folded(text, start + from, start + to);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(length());
            for (int i = start; i < end; i++) {
                sb.append(fold(text.charAt(i)));
            }
            return sb.toString();
        }
    }
}
