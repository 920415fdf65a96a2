package io.tokenport.engine.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hand-written pre-tokenizer scanners against {@link java.util.regex} running llama.cpp's regexes, with
 * {@code \s} spelled out as the Unicode White_Space set as llama.cpp has it.
 */
class PreTokenizerTest {
    private static final String WS = "\\t\\n\\x0B\\f\\r\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F"
            + "\\u205F\\u3000";
    private static final String S = "[" + WS + "]";
    private static final String NOT_S = "[^" + WS + "]";
    private static final String OTHER = "[^" + WS + "\\p{L}\\p{N}]";
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?" + OTHER + "+|" + S + "+(?!"
            + NOT_S + ")|" + S + "+";
    private static final String LLAMA3_FAMILY = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}DIGITS| ?" + OTHER + "+[\\r\\n]*|" + S + "*[\\r\\n]+|" + S + "+(?!"
            + NOT_S + ")|" + S + "+";

    /** Characters chosen to hit every branch: contractions, digit kinds, whitespace kinds, marks, emoji. */
    private static final String[] ALPHABET = {"a", "Z", "é", "ß", "ǅ", "中", "ｶ", "ʰ", "ª", "𝕏", "1", "٣", "²", "½", "Ⅷ",
        "７", " ", " ", " ", "\t", "\n", "\r", "\r\n", "\u000B", "\f", "\u0085", "\u00A0", "\u3000", "\u2028", "\u2009",
        "\uFEFF", "\u200B", "\u200D", "\u001F", "'", "'", "s", "S", "t", "re", "rE", "ve", "ll", "LL", "d", "m", "ſ",
        "K", "’", ".", ",", "!", "?", "-", "$", "+", "<", "=", "|", "~", "^", "_", "(", "\"", "😀", "👍🏽", "\u0301",
        "\uE000", "\uFFFD", "\u0000"};

    static Pattern pattern(PreTokenizer p) {
        return switch (p) {
            case GPT2 -> Pattern.compile(GPT2);
            case LLAMA3 -> Pattern.compile(LLAMA3_FAMILY.replace("DIGITS", "{1,3}"));
            case QWEN2 -> Pattern.compile(LLAMA3_FAMILY.replace("DIGITS", ""));
            case DEFAULT -> throw new IllegalArgumentException("a sequence of patterns");
        };
    }

    /** Pieces as a regex search loop cuts them: matches, and the text between them. */
    static List<String> regexPieces(List<String> pieces, Pattern pattern) {
        List<String> out = new ArrayList<>();
        for (String piece : pieces) {
            Matcher m = pattern.matcher(piece);
            int last = 0;
            while (m.find()) {
                if (m.start() > last) {
                    out.add(piece.substring(last, m.start()));
                }
                out.add(m.group());
                last = m.end();
            }
            if (last < piece.length()) {
                out.add(piece.substring(last));
            }
        }
        return out;
    }

    static List<String> regexPieces(PreTokenizer p, String text) {
        if (p == PreTokenizer.DEFAULT) {
            List<String> pieces = List.of(text);
            for (String regex : new String[] {"[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"}) {
                pieces = regexPieces(pieces, Pattern.compile(regex));
            }
            return pieces;
        }
        return regexPieces(List.of(text), pattern(p));
    }

    static List<String> scannerPieces(PreTokenizer p, String text) {
        int[] cp = text.codePoints().toArray();
        byte[] cls = new byte[cp.length];
        for (int i = 0; i < cp.length; i++) {
            cls[i] = CharClass.of(cp[i]);
        }
        IntList ends = new IntList(8);
        p.split(cp, cls, 0, cp.length, ends);
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int k = 0; k < ends.size(); k++) {
            out.add(new String(cp, from, ends.get(k) - from));
            from = ends.get(k);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(PreTokenizer.class)
    void scannerCutsExactlyWhereTheRegexDoes(PreTokenizer p) {
        Random random = new Random(20251128L + p.ordinal());
        for (int round = 0; round < 4000; round++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(24);
            for (int i = 0; i < n; i++) {
                b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
            }
            String text = b.toString();
            assertThat(scannerPieces(p, text)).as("%s on \"%s\"", p, escape(text)).isEqualTo(regexPieces(p, text));
        }
    }

    @Test
    void llama3KeepsThreeDigitGroupsAndQwenSingleDigits() {
        assertThat(scannerPieces(PreTokenizer.LLAMA3, "x 12345")).containsExactly("x", " ", "123", "45");
        assertThat(scannerPieces(PreTokenizer.QWEN2, "x 123")).containsExactly("x", " ", "1", "2", "3");
    }

    @Test
    void llama3FamilyContractionsIgnoreAsciiCaseOnly() {
        assertThat(scannerPieces(PreTokenizer.LLAMA3, "WE'VE it'S a'ſ"))
                .containsExactly("WE", "'VE", " it", "'S", " a", "'ſ");
        assertThat(scannerPieces(PreTokenizer.GPT2, "WE'VE it's")).containsExactly("WE", "'", "VE", " it", "'s");
    }

    @Test
    void whitespaceFollowsUnicodeWhiteSpaceNotJava() {
        // U+0085 is whitespace (so it may lead a word), U+FEFF is not (so it is punctuation-like).
        assertThat(scannerPieces(PreTokenizer.QWEN2, "a\u0085b c\uFEFFd"))
                .containsExactly("a", "\u0085b", " c", "\uFEFFd");
        assertThat(scannerPieces(PreTokenizer.QWEN2, "x  \n\n  y")).containsExactly("x", "  \n\n", " ", " y");
    }

    @Test
    void unknownNamesAreRefusedWithTheSupportedOnes() {
        assertThat(PreTokenizer.forName(null)).isEqualTo(PreTokenizer.DEFAULT);
        assertThat(PreTokenizer.forName("llama-bpe")).isEqualTo(PreTokenizer.LLAMA3);
        assertThatThrownBy(() -> PreTokenizer.forName("tekken"))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("'tekken'").hasMessageContaining("gpt-2").hasMessageContaining("qwen2");
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7F ? Character.toString(c)
                : String.format("\\u{%X}", c)));
        return b.toString();
    }
}
