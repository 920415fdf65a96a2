package io.tokenport.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Streaming detokenization: whole characters only, held bytes, replacement of what can never complete. */
class StreamingDecoderTest {

    /** The stories260K byte token for a byte ({@code <0x00>} is id 3). */
    private static int byteToken(int b) {
        int id = TestVocabularies.stories().tokenId(String.format("<0x%02X>", b));
        assertThat(id).isEqualTo(3 + b);
        return id;
    }

    @Test
    void multiByteCharacterSplitAcrossByteTokensComesOutWhole() {
        StreamingDecoder d = new StreamingDecoder(TestVocabularies.stories());
        assertThat(d.push(byteToken(0xC3))).isEmpty();
        assertThat(d.hasPending()).isTrue();
        assertThat(d.push(byteToken(0xA9))).isEqualTo("é");
        assertThat(d.hasPending()).isFalse();
        assertThat(d.flush()).isEmpty();
    }

    @Test
    void emojiOfFourBytesComesOutAsOneSurrogatePair() {
        StreamingDecoder d = new StreamingDecoder(TestVocabularies.stories());
        assertThat(d.push(byteToken(0xF0))).isEmpty();
        assertThat(d.push(byteToken(0x9F))).isEmpty();
        assertThat(d.push(byteToken(0xA6))).isEmpty();
        assertThat(d.push(byteToken(0x99))).isEqualTo("🦙");
    }

    @Test
    void bytesThatCanNeverCompleteBecomeReplacementCharacters() {
        StreamingDecoder d = new StreamingDecoder(TestVocabularies.stories());
        assertThat(d.push(byteToken(0xFF))).isEqualTo("\uFFFD");
        assertThat(d.push(byteToken(0x80))).isEqualTo("\uFFFD");
        assertThat(d.push(byteToken(0xC3))).isEmpty();
        assertThat(d.push(byteToken(0x41))).isEqualTo("\uFFFDA");
        // ED A0 would start a UTF-16 surrogate: ill-formed at the second byte.
        assertThat(d.push(byteToken(0xED))).isEmpty();
        assertThat(d.push(byteToken(0xA0))).isEqualTo("\uFFFD\uFFFD");
        // An unfinished character at the end of the stream is one replacement character.
        assertThat(d.push(byteToken(0xE2))).isEmpty();
        assertThat(d.push(byteToken(0x82))).isEmpty();
        assertThat(d.flush()).isEqualTo("\uFFFD");
        assertThat(d.hasPending()).isFalse();
    }

    @Test
    void streamedTextEqualsDecodedTextForQwen() {
        Tokenizer qwen = TestVocabularies.qwen();
        Random random = new Random(7);
        String[] parts = {"词元出海", "😶\u200d🌫️", "👨\u200d👩\u200d👧", "안녕하세요", " hello", "\n", "ｶﾀｶﾅ", "٣٤٥",
            "कान्", "🇨🇳", "é", " ", "<think>", "x"};
        for (int round = 0; round < 300; round++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(12); i >= 0; i--) {
                text.append(parts[random.nextInt(parts.length)]);
            }
            int[] ids = qwen.encode(text.toString(), false, false);
            StreamingDecoder d = new StreamingDecoder(qwen);
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                String piece = d.push(id);
                assertThat(piece).doesNotContain("\uFFFD");
                if (!piece.isEmpty()) {
                    assertThat(Character.isHighSurrogate(piece.charAt(piece.length() - 1))).isFalse();
                }
                streamed.append(piece);
            }
            streamed.append(d.flush());
            assertThat(streamed.toString()).isEqualTo(text.toString()).isEqualTo(qwen.decode(ids));
        }
    }

    @Test
    void controlTokensAreLeftOutUnlessAskedFor() {
        Tokenizer qwen = TestVocabularies.qwen();
        int[] ids = qwen.encode("<|im_start|>assistant\n<think>ok</think><|im_end|>", false, true);
        assertThat(streamAll(new StreamingDecoder(qwen), ids)).isEqualTo("assistant\n<think>ok</think>");
        assertThat(streamAll(new StreamingDecoder(qwen, true), ids))
                .isEqualTo("<|im_start|>assistant\n<think>ok</think><|im_end|>");
    }

    @Test
    void firstTokenKeepsItsLeadingSpace() {
        // Generated text continues a prompt, so unlike decode() nothing is stripped.
        Tokenizer llama2 = TestVocabularies.llama2();
        assertThat(streamAll(new StreamingDecoder(llama2), new int[] {15043, 3186})).isEqualTo(" Hello world");
    }

    @Test
    void appendingVariantWritesIntoTheCallersBuffer() {
        StreamingDecoder d = new StreamingDecoder(TestVocabularies.stories());
        StringBuilder out = new StringBuilder("> ");
        d.push(byteToken(0xC3), out);
        d.push(byteToken(0xA9), out);
        d.push(byteToken('!'), out);
        assertThat(out.toString()).isEqualTo("> é!");
    }

    @Test
    void idsOutsideTheVocabularyAreRefused() {
        StreamingDecoder d = new StreamingDecoder(TestVocabularies.stories());
        assertThatThrownBy(() -> d.push(512)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.push(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String streamAll(StreamingDecoder d, int[] ids) {
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(d.push(id));
        }
        return b.append(d.flush()).toString();
    }
}
