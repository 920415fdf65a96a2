package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.gguf.TensorInfo;
import io.tokenport.engine.tensor.ComputePool;
import io.tokenport.engine.tensor.FloatTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The big-vocabulary models (quantized, tied embeddings; no greedy reference exists for them) load, produce finite
 * logits, and decode the same in a batch as alone.
 */
class VocabModelsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "qwen2-vocab.gguf, 151936, QWEN2",
            "llama3-vocab.gguf, 128256, LLAMA",
    })
    void bigVocabularyModelRunsWithTiedQuantizedEmbedding(String file, int vocab, Architecture arch)
            throws Exception {
        try (GGUFFile gguf = GGUFFile.open(TestModels.path(file)); ComputePool pool = new ComputePool(2)) {
            TensorInfo embedding = gguf.requireTensor("token_embd.weight");
            assumeTrue(FloatTensor.supportedTypes().contains(embedding.type().name()),
                    "tensor type " + embedding.type() + " not supported yet");
            Model model = Model.load(gguf, pool, 4);
            assertThat(model.config().architecture()).isEqualTo(arch);
            assertThat(model.config().vocabularySize()).isEqualTo(vocab);

            Random random = new Random(3);
            int[] promptA = BatchedDecodeTest.randomTokens(random, 9, vocab);
            int[] promptB = BatchedDecodeTest.randomTokens(random, 5, vocab);
            Sequence a = model.newSequence(64);
            Sequence b = model.newSequence(64);
            float[] soloA = model.prefill(a, promptA).clone();
            assertFinite(soloA);
            model.prefill(b, promptB);

            // One more token each, alone and then together, from the same cache state.
            float[][] alone = new float[2][vocab];
            model.decode(List.of(a), new int[]{7}, new float[][]{alone[0]});
            model.decode(List.of(b), new int[]{11}, new float[][]{alone[1]});
            a.rewind(promptA.length);
            b.rewind(promptB.length);
            float[][] together = new float[2][vocab];
            model.decode(List.of(a, b), new int[]{7, 11}, together);
            // A decode batch runs the same kernels for each sequence as a decode alone: identical logits, bit for bit.
            assertThat(together[0]).as("sequence a").isEqualTo(alone[0]);
            assertThat(together[1]).as("sequence b").isEqualTo(alone[1]);
            assertFinite(together[1]);
        }
    }

    private static void assertFinite(float[] logits) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float f : logits) {
            assertThat(f).isFinite();
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        assertThat(max).isGreaterThan(min);
    }
}
