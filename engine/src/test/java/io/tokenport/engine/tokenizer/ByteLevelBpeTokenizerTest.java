package io.tokenport.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Byte-level BPE behaviour beyond the reference corpus: special ids, token types, errors. */
class ByteLevelBpeTokenizerTest {

    @Test
    void specialIdsAndEndOfGenerationMatchLlamaCpp() {
        for (String name : new String[] {"qwen2-vocab", "llama3-vocab"}) {
            JsonNode ref = TestVocabularies.reference().get("vocabs").get(name);
            Tokenizer t = TestVocabularies.gguf(name + ".gguf");
            assertThat(t.vocabSize()).as(name).isEqualTo(ref.get("n_tokens").asInt());
            assertThat(t.bos()).as(name).isEqualTo(ref.get("bos").asInt());
            assertThat(t.eos()).as(name).isEqualTo(ref.get("eos").asInt());
            assertThat(t.eot()).as(name).isEqualTo(ref.get("eot").asInt());
            assertThat(t.addsBos()).as(name).isEqualTo(ref.get("add_bos").asBoolean());
            assertThat(t.addsEos()).as(name).isEqualTo(ref.get("add_eos").asBoolean());
            assertThat(t.endOfGenerationIds()).as(name).containsExactly(TestVocabularies.ints(ref.get("eog_ids")));
        }
        Tokenizer qwen = TestVocabularies.qwen();
        assertThat(qwen.isEndOfGeneration(qwen.tokenId("<|im_end|>"))).isTrue();
        assertThat(qwen.isEndOfGeneration(qwen.tokenId("<|file_sep|>"))).isTrue();
        assertThat(qwen.isEndOfGeneration(qwen.tokenId("<|im_start|>"))).isFalse();
        assertThat(qwen.isEndOfGeneration(qwen.tokenId("<think>"))).isFalse();
        assertThat(TestVocabularies.llama3().isEndOfGeneration(128009)).isTrue();
    }

    @Test
    void userDefinedTokensAreMatchedEvenWhenSpecialTokensAreNotParsed() {
        Tokenizer qwen = TestVocabularies.qwen();
        int think = qwen.tokenId("<think>");
        assertThat(qwen.tokenType(think)).isEqualTo(TokenType.USER_DEFINED);
        assertThat(qwen.encode("<think>", false, false)).containsExactly(think);
        assertThat(qwen.encode("<|im_end|>", false, false)).hasSizeGreaterThan(1);
        assertThat(qwen.encode("<|im_end|>", false, true)).containsExactly(qwen.tokenId("<|im_end|>"));
    }

    @Test
    void controlTokensDecodeToTheirTextOnlyWhenAsked() {
        Tokenizer qwen = TestVocabularies.qwen();
        int[] ids = qwen.encode("<|im_start|>user\nHi<think><|im_end|>", false, true);
        assertThat(qwen.decode(ids)).isEqualTo("user\nHi<think>");
        assertThat(qwen.decode(ids, true)).isEqualTo("<|im_start|>user\nHi<think><|im_end|>");
        assertThat(qwen.tokenBytes(qwen.tokenId("<|im_end|>"))).isEqualTo(utf8("<|im_end|>"));
    }

    @Test
    void tokenBytesReverseTheGpt2ByteAlphabet() {
        Tokenizer llama3 = TestVocabularies.llama3();
        assertThat(llama3.tokenText(22691)).isEqualTo("ĠHello");
        assertThat(llama3.tokenBytes(22691)).isEqualTo(utf8(" Hello"));
        assertThat(llama3.tokenBytes(llama3.tokenId("Ċ"))).containsExactly('\n');
        // A token may be a fragment of a UTF-8 character: bytes, not text.
        int[] emoji = llama3.encode("🦙", false, false);
        StringBuilder hex = new StringBuilder();
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int id : emoji) {
            all.writeBytes(llama3.tokenBytes(id));
            hex.append(id).append(' ');
        }
        assertThat(all.toByteArray()).as(hex.toString()).isEqualTo(utf8("🦙"));
    }

    @Test
    void llama3AddsBosAndQwenDoesNot() {
        assertThat(TestVocabularies.llama3().encode("Hello world", true, false)).containsExactly(128000, 9906, 1917);
        assertThat(TestVocabularies.qwen().encode("Hello world", true, false)).containsExactly(9707, 1879);
    }

    @Test
    void unpairedSurrogatesAreEncodedAsReplacementCharacters() {
        Tokenizer qwen = TestVocabularies.qwen();
        assertThat(qwen.encode("a\uD800b\uDC00", false, false))
                .containsExactly(qwen.encode("a\uFFFDb\uFFFD", false, false));
    }

    @Test
    void unknownPreTokenizerIsAClearError() {
        Vocabulary v = new Vocabulary(Vocabulary.Model.BYTE_LEVEL_BPE, "mystery-bpe", new String[] {"a", "b"}, null,
                null, new String[0], Vocabulary.SpecialIds.of(0, 1, Vocabulary.NONE), false, false, false);
        assertThatThrownBy(() -> Tokenizer.of(v))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("'mystery-bpe'")
                .hasMessageContaining("tokenizer.ggml.pre")
                .hasMessageContaining("qwen2")
                .hasMessageContaining("llama-bpe");
    }

    @Test
    void inconsistentVocabulariesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> Vocabulary.sentencePiece(new String[] {"a", "b"}, new float[1], null))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("2 tokens but 1 scores");
        assertThatThrownBy(() -> new Vocabulary(Vocabulary.Model.BYTE_LEVEL_BPE, "qwen2", new String[] {"a"}, null,
                null, null, Vocabulary.SpecialIds.of(0, 0, Vocabulary.NONE), false, false, false))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("no merges");
        assertThatThrownBy(() -> Tokenizer.of(Vocabulary.sentencePiece(new String[] {"a", "b"}, null, null)))
                .isInstanceOf(TokenizerException.class).hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> TestVocabularies.qwen().decode(new int[] {1, 151936}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("151936");
    }

    @Test
    void mergesBuildTokensByRank() {
        // A toy vocabulary: "a b" outranks "b c", so "abc" becomes "ab" + "c".
        String[] tokens = {"a", "b", "c", "ab", "bc", "abc"};
        Vocabulary v = new Vocabulary(Vocabulary.Model.BYTE_LEVEL_BPE, "qwen2", tokens, null, null,
                new String[] {"a b", "b c", "ab c"}, Vocabulary.SpecialIds.of(Vocabulary.NONE, Vocabulary.NONE,
                Vocabulary.NONE), false, false, false);
        Tokenizer t = Tokenizer.of(v);
        assertThat(t.encode("abc", false, false)).containsExactly(5);
        assertThat(t.encode("bca", false, false)).containsExactly(4, 0);
        assertThat(t.encode("abab", false, false)).containsExactly(3, 3);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
