package io.tokenport.engine.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SentencePiece-style tokenization on the real 260K models' vocabularies and the real Llama 2 vocabulary. */
class SentencePieceTokenizerTest {

    @Test
    void storiesPromptMatchesLlamaCppReference() {
        int[] expected = TestVocabularies.ints(
                TestVocabularies.modelReference("stories260K").path("greedy").path("prompt_ids"));
        assertThat(expected).containsExactly(1, 403, 407, 261, 378);
        assertThat(TestVocabularies.stories().encode("Once upon a time", true, false)).containsExactly(expected);
    }

    @Test
    void aiDreamsPromptMatchesLlamaCppReference() {
        int[] expected = TestVocabularies.ints(
                TestVocabularies.modelReference("aidreams260K").path("greedy").path("prompt_ids"));
        assertThat(expected).containsExactly(1, 429, 491, 433, 295, 429, 444, 445, 265, 262, 263, 342, 430);
        Tokenizer t = TestVocabularies.gguf("aidreams260K.gguf");
        assertThat(t.encode("Once upon a time", true, false)).containsExactly(expected);
    }

    @Test
    void llama2EncodesWellKnownPrompts() {
        Tokenizer t = TestVocabularies.llama2();
        assertThat(t.vocabSize()).isEqualTo(32000);
        assertThat(t.encode("Hello world", false, false)).containsExactly(15043, 3186);
        assertThat(t.encode("Hello world", true, false)).containsExactly(1, 15043, 3186);
        assertThat(t.encode("Once upon a time", true, false)).containsExactly(1, 9038, 2501, 263, 931);
        assertThat(t.encode("[INST]", true, false)).containsExactly(1, 518, 25580, 29962);
        // No "▁\n" piece: the prefix space stands alone and the newline falls back to its byte token.
        assertThat(t.encode("\n", false, false)).containsExactly(29871, 13);
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToByteTokens() {
        Tokenizer t = TestVocabularies.llama2();
        assertThat(t.tokenId("\u2581🦙")).isEqualTo(-1);
        assertThat(t.tokenId("🦙")).isEqualTo(-1);
        // 🦙 is F0 9F A6 99; <0x00> is id 3.
        assertThat(t.encode("🦙", false, false)).containsExactly(29871, 3 + 0xF0, 3 + 0x9F, 3 + 0xA6, 3 + 0x99);
        assertThat(t.decode(t.encode("🦙 and é, ß, 中文", false, false))).isEqualTo("🦙 and é, ß, 中文");
    }

    @Test
    void emptyTextIsJustBosWhenSpecialTokensAreAdded() {
        Tokenizer t = TestVocabularies.llama2();
        assertThat(t.encode("", true, false)).containsExactly(1);
        assertThat(t.encode("", false, false)).isEmpty();
    }

    @Test
    void specialTokensInTextAreParsedOnlyWhenAsked() {
        Tokenizer t = TestVocabularies.llama2();
        // After a special token the text gets its space prefix again, as at the start.
        assertThat(t.encode("<s>Hello", false, true)).containsExactly(1, 15043);
        assertThat(t.encode("Hello</s>", false, true)).containsExactly(15043, 2);
        int[] asText = t.encode("<s>Hello", false, false);
        assertThat(asText).doesNotContain(1);
        assertThat(t.decode(asText)).isEqualTo("<s>Hello");
    }

    @Test
    void decodingStripsTheSpacePrefixOfTheFirstToken() {
        Tokenizer t = TestVocabularies.llama2();
        assertThat(t.decode(new int[] {15043, 3186})).isEqualTo("Hello world");
        assertThat(t.decode(t.encode("  two leading spaces", false, false))).isEqualTo("  two leading spaces");
        // As llama.cpp's detokenizer: a leading BOS, shown or not, uses up the strip.
        assertThat(t.decode(new int[] {1, 15043, 3186})).isEqualTo(" Hello world");
        assertThat(t.decode(new int[] {1, 15043, 3186}, true)).isEqualTo("<s> Hello world");
    }

    @Test
    void tokenBytesUndoTheSentencePieceEscapes() {
        Tokenizer t = TestVocabularies.llama2();
        assertThat(t.tokenBytes(15043)).isEqualTo(" Hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(t.tokenBytes(13)).containsExactly(0x0A);
        assertThat(t.tokenBytes(3 + 0xF0)).containsExactly((byte) 0xF0);
        assertThat(t.tokenBytes(1)).isEqualTo("<s>".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(t.tokenType(13)).isEqualTo(TokenType.BYTE);
        assertThat(t.tokenText(15043)).isEqualTo("\u2581Hello");
    }

    @Test
    void endOfGenerationIsEos() {
        Tokenizer t = TestVocabularies.stories();
        assertThat(t.bos()).isEqualTo(1);
        assertThat(t.eos()).isEqualTo(2);
        assertThat(t.endOfGenerationIds()).containsExactly(2);
        assertThat(t.isEndOfGeneration(2)).isTrue();
        assertThat(t.isEndOfGeneration(1)).isFalse();
    }

    @Test
    void vocabularyWithoutByteTokensOrUnknownTokenSaysWhatIsMissing() {
        Vocabulary v = new Vocabulary(Vocabulary.Model.SENTENCEPIECE, null,
                new String[] {"<s>", "</s>", "\u2581a", "\u2581"}, null, new int[] {3, 3, 1, 1}, null,
                Vocabulary.SpecialIds.of(0, 1, Vocabulary.NONE), true, false, true);
        Tokenizer t = Tokenizer.of(v);
        assertThat(t.encode("a", false, false)).containsExactly(2);
        assertThatThrownBy(() -> t.encode("b", false, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no token for byte 0x62");
    }

    @Test
    void unknownTokenStandsInWhenThereAreNoByteTokens() {
        Vocabulary v = new Vocabulary(Vocabulary.Model.SENTENCEPIECE, null,
                new String[] {"<unk>", "<s>", "</s>", "\u2581a"}, null, new int[] {2, 3, 3, 1}, null,
                Vocabulary.SpecialIds.of(1, 2, 0), true, false, true);
        // "▁a" is a token; the second "▁" (3 bytes) and "é" (2 bytes) are not, byte by byte.
        assertThat(Tokenizer.of(v).encode("a é", false, false)).containsExactly(3, 0, 0, 0, 0, 0);
    }
}
