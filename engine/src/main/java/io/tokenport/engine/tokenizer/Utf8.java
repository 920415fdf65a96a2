package io.tokenport.engine.tokenizer;

/**
 * UTF-8 decoding with the Unicode Standard's replacement practice (one U+FFFD per maximal ill-formed subpart,
 * Table 3-7's well-formed byte sequences), usable incrementally: a well-formed but incomplete sequence at the
 * end of the input can be held back until more bytes arrive. {@link Tokenizer#decode} and
 * {@link StreamingDecoder} share it so that streamed text and decoded text agree byte for byte.
 */
final class Utf8 {
    static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    /** Decodes a whole buffer; an incomplete sequence at the end becomes one U+FFFD. */
    static String decode(byte[] buf, int off, int len) {
        StringBuilder out = new StringBuilder(len);
        decode(buf, off, off + len, out, true);
        return out.toString();
    }

    /**
     * Decodes {@code buf[from, to)} into {@code out}. Returns the index of the first byte not consumed: with
     * {@code endOfInput} false, a well-formed prefix of a sequence that runs past {@code to} is left unconsumed;
     * otherwise everything is consumed and the return value is {@code to}.
     */
    static int decode(byte[] buf, int from, int to, StringBuilder out, boolean endOfInput) {
        int i = from;
        while (i < to) {
            int b0 = buf[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need;
            int cp;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                cp = b0 & 0x0F;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F; // no UTF-16 surrogates
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                cp = b0 & 0x07;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F; // nothing above U+10FFFF
                }
            } else {
                out.append(REPLACEMENT); // continuation byte without a lead, C0, C1, F5..FF
                i++;
                continue;
            }
            int j = i + 1;
            boolean wellFormed = true;
            for (int k = 0; k < need; k++, j++) {
                if (j >= to) {
                    if (!endOfInput) {
                        return i;
                    }
                    wellFormed = false;
                    break;
                }
                int b = buf[j] & 0xFF;
                if (b < lo || b > hi) {
                    wellFormed = false;
                    break;
                }
                cp = (cp << 6) | (b & 0x3F);
                lo = 0x80;
                hi = 0xBF;
            }
            if (wellFormed) {
                out.appendCodePoint(cp);
            } else {
                out.append(REPLACEMENT);
            }
            i = j;
        }
        return to;
    }

    /**
     * Replaces unpaired UTF-16 surrogates with U+FFFD, so that every later stage sees whole code points
     * (UTF-8 cannot encode a lone surrogate). Returns the string itself when it is already well formed.
     */
    static String wellFormed(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return repairSurrogates(s);
            }
        }
        return s;
    }

    private static String repairSurrogates(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? REPLACEMENT : c);
            }
        }
        return b.toString();
    }

    /** Appends the UTF-8 encoding of a code point at {@code pos}; returns the new position. */
    static int put(byte[] buf, int pos, int cp) {
        if (cp < 0x80) {
            buf[pos++] = (byte) cp;
        } else if (cp < 0x800) {
            buf[pos++] = (byte) (0xC0 | (cp >>> 6));
            buf[pos++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            buf[pos++] = (byte) (0xE0 | (cp >>> 12));
            buf[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
            buf[pos++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            buf[pos++] = (byte) (0xF0 | (cp >>> 18));
            buf[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
            buf[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
            buf[pos++] = (byte) (0x80 | (cp & 0x3F));
        }
        return pos;
    }

    /** The length of a UTF-8 sequence from its lead byte, as llama.cpp counts it (1 for stray bytes). */
    static int sequenceLength(byte lead) {
        int b = lead & 0xFF;
        return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    }
}
