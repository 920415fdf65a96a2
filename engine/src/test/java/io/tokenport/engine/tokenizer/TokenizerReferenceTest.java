package io.tokenport.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * llama.cpp's token ids for the 69 strings of {@code tokenizer-reference.json}, for the real Qwen3 and Llama 3
 * vocabularies, with special tokens parsed and not: every id must match, and decoding must give back the
 * text (or llama.cpp's detokenization where it differs).
 */
class TokenizerReferenceTest {

    static Stream<Arguments> cases() {
        JsonNode ref = TestVocabularies.reference();
        JsonNode corpus = ref.get("corpus");
        List<Arguments> cases = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ref.get("vocabs").properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> vocab = it.next();
            for (int i = 0; i < corpus.size(); i++) {
                for (boolean parseSpecial : new boolean[] {false, true}) {
                    cases.add(Arguments.of(vocab.getKey(), i, parseSpecial, corpus.get(i).asText()));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} #{1} parseSpecial={2}: {3}")
    @MethodSource("cases")
    void encodesAndDecodesAsLlamaCpp(String vocabName, int index, boolean parseSpecial, String text) {
        JsonNode vocab = TestVocabularies.reference().get("vocabs").get(vocabName);
        Tokenizer tokenizer = TestVocabularies.gguf(fileName(vocab));
        int[] expected = TestVocabularies.ints(vocab.get(parseSpecial ? "ids_special" : "ids").get(index));

        assertThat(tokenizer.encode(text, false, parseSpecial)).containsExactly(expected);

        int[] withSpecial = tokenizer.encode(text, true, parseSpecial);
        if (vocab.get("add_bos").asBoolean()) {
            assertThat(withSpecial[0]).isEqualTo(vocab.get("bos").asInt());
            assertThat(withSpecial).hasSize(expected.length + 1);
        } else {
            assertThat(withSpecial).containsExactly(expected);
        }

        JsonNode detok = vocab.get("detok").get(String.valueOf(index));
        String expectedText = detok == null ? text : detok.get(parseSpecial ? "detok_special" : "detok").asText();
        assertThat(tokenizer.decode(expected, parseSpecial)).isEqualTo(expectedText);
    }

    private static String fileName(JsonNode vocab) {
        String model = vocab.get("model").asText(); // "shared/models/<file>", relative to /work
        return model.substring(model.lastIndexOf('/') + 1);
    }
}
