package io.tokenport.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips over random Unicode text (seeded, so a failure reproduces): encoding loses nothing. Text mixes
 * ASCII, whitespace of all kinds, letters and marks from many scripts, emoji and supplementary planes, and
 * strings that look like special tokens.
 */
class TokenizerRoundTripTest {
    private static final int ROUNDS = 400;
    private static final String[] SNIPPETS = {"<|im_end|>", "<think>", "<s>", "</s>", "<unk>", "<0x41>", "'s", "'LL",
        "  ", "\r\n", "\t", "▁", "Ġ", "...", "123456", " ?", " '"};

    /** A random string of whole code points (no surrogate halves). */
    static String randomText(Random random) {
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(40); i > 0; i--) {
            int kind = random.nextInt(10);
            if (kind == 0) {
                b.append(SNIPPETS[random.nextInt(SNIPPETS.length)]);
                continue;
            }
            int cp = switch (kind) {
                case 1, 2, 3 -> 0x20 + random.nextInt(0x5F);            // printable ASCII
                case 4 -> random.nextInt(0x20);                          // ASCII controls
                case 5 -> 0x80 + random.nextInt(0x780);                  // Latin-1 .. Arabic, incl. U+0085, U+00A0
                case 6 -> 0x2000 + random.nextInt(0x70);                 // spaces, separators, ZW joiners
                case 7 -> 0x3000 + random.nextInt(0x7000);               // CJK
                case 8 -> 0x1F300 + random.nextInt(0x300);               // emoji
                default -> random.nextInt(0x110000);                     // anything
            };
            if (Character.isSurrogate((char) cp) && cp < 0x10000) {
                cp = 0xFFFD;
            }
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    @Test
    void qwenDecodesWhatItEncodes() {
        Tokenizer t = TestVocabularies.qwen();
        Random random = new Random(1);
        for (int i = 0; i < ROUNDS; i++) {
            String s = randomText(random);
            assertThat(t.decode(t.encode(s, false, false))).as(codePoints(s)).isEqualTo(s);
            assertThat(t.decode(t.encode(s, false, true), true)).isEqualTo(s);
        }
    }

    @Test
    void llama3TokenBytesConcatenateToTheText() {
        // decode() applies llama.cpp's clean_spaces for this vocabulary, so compare the raw bytes.
        Tokenizer t = TestVocabularies.llama3();
        Random random = new Random(2);
        for (int i = 0; i < ROUNDS; i++) {
            String s = randomText(random);
            assertThat(concatenatedBytes(t, t.encode(s, false, false))).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void sentencePieceDecodesWhatItEncodes() {
        for (Tokenizer t : new Tokenizer[] {TestVocabularies.llama2(), TestVocabularies.stories()}) {
            Random random = new Random(3);
            for (int i = 0; i < ROUNDS; i++) {
                String s = randomText(random);
                // The space prefix added when encoding is the one stripped when decoding; a ▁ in the text is
                // SentencePiece's own escape for a space, so it comes back as one.
                assertThat(t.decode(t.encode(s, false, false))).as(codePoints(s)).isEqualTo(s.replace('▁', ' '));
                assertThat(t.decode(t.encode(s, true, true), true)).startsWith("<s>");
            }
        }
    }

    private static String codePoints(String s) {
        return java.util.Arrays.toString(s.codePoints().mapToObj(Integer::toHexString).toArray());
    }

    private static byte[] concatenatedBytes(Tokenizer t, int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(t.tokenBytes(id));
        }
        return out.toByteArray();
    }
}
