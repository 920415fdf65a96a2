package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.gguf.GGUFFormatException;
import io.tokenport.engine.tensor.ComputePool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configuration is read by architecture, and a file that does not describe a usable model is a clear error. */
class ModelLoadingTest {
    @TempDir
    Path dir;

    @Test
    void readsLlamaConfiguration() throws Exception {
        try (GGUFFile gguf = GGUFFile.open(TestModels.path("stories260K.gguf"))) {
            assertThat(ModelConfig.read(gguf)).isEqualTo(new ModelConfig(Architecture.LLAMA, 64, 5, 172, 8, 4, 8, 8,
                    512, 1e-5f, 10000f, 8, RopeScaling.NONE, 512));
        }
    }

    @Test
    void readsQwen3HeadDimensionFromKeyLength() throws Exception {
        try (GGUFFile gguf = GGUFFile.open(TestModels.path("qwen3-small.gguf"))) {
            ModelConfig c = ModelConfig.read(gguf);
            assertThat(c.architecture()).isEqualTo(Architecture.QWEN3);
            assertThat(c.keyLength()).isEqualTo(64);
            assertThat(c.keyDim()).isEqualTo(128);
            assertThat(c.ropeFreqBase()).isEqualTo(1e6f);
        }
    }

    @Test
    void unsupportedArchitectureIsNamed() throws Exception {
        Path file = modified(t -> t.put("general.architecture", "mamba"));
        assertLoadFails(file, "unsupported architecture 'mamba' (supported: llama, qwen2, qwen3)");
    }

    @Test
    void missingTensorIsNamed() throws Exception {
        Path file = modified(t -> t.removeTensor("blk.2.ffn_up.weight"));
        assertLoadFails(file, "tensor 'blk.2.ffn_up.weight' is missing");
    }

    @Test
    void wrongShapeNamesTensorExpectedAndActual() throws Exception {
        Path file = modified(t -> t.tensor("blk.0.attn_k.weight", new long[]{64, 64}, new float[64 * 64]));
        assertLoadFails(file, "tensor 'blk.0.attn_k.weight' has shape [64, 64], expected [64, 32]");
    }

    @Test
    void missingHyperParameterIsNamed() throws Exception {
        Path file = modified(t -> t.removeKey("llama.block_count"));
        assertLoadFails(file, "'llama.block_count' is missing");
    }

    @Test
    void kvHeadsThatDoNotDivideQueryHeadsAreRefused() throws Exception {
        Path file = modified(t -> t.put("llama.attention.head_count_kv", 3));
        assertLoadFails(file, "attention.head_count_kv (3) must divide attention.head_count (8)");
    }

    @Test
    void qwen3WithoutQkNormIsRefused() throws Exception {
        TestGgufFile t;
        try (GGUFFile gguf = GGUFFile.open(TestModels.path("qwen3-small.gguf"))) {
            t = TestGgufFile.copyOf(gguf);
        }
        Path file = t.removeTensor("blk.1.attn_k_norm.weight").write(dir.resolve("bad.gguf"));
        assertLoadFails(file, "tensor 'blk.1.attn_k_norm.weight' is missing");
    }

    @Test
    void explicitOutputWeightIsUsedInsteadOfTheTiedEmbedding() throws Exception {
        Path file = modified(t -> t.tensor("output.weight", new long[]{64, 512}, new float[64 * 512]));
        try (GGUFFile gguf = GGUFFile.open(file); ComputePool pool = new ComputePool(1)) {
            Model model = Model.load(gguf, pool);
            assertThat(model.prefill(model.newSequence(8), new int[]{1, 403})).containsOnly(0f);
        }
    }

    /** Llama 3.1's rope_freqs divides each frequency; all factors of 2 equal linear scaling by 2. */
    @Test
    void ropeFrequencyFactorsMatchLinearScaling() throws Exception {
        float[] twos = new float[4];
        Arrays.fill(twos, 2f);
        float[] ones = new float[4];
        Arrays.fill(ones, 1f);
        Path withFactors = modified(t -> t.tensor("rope_freqs.weight", new long[]{4}, twos));
        Path linear = modified(t -> t.put("llama.rope.scaling.type", "linear").put("llama.rope.scaling.factor", 2f));
        Path unitFactors = modified(t -> t.tensor("rope_freqs.weight", new long[]{4}, ones));
        int[] prompt = {1, 403, 407, 261, 378, 432, 383};
        float[] a = logits(withFactors, prompt);
        float[] b = logits(linear, prompt);
        float[] plain = logits(TestModels.path("stories260K.gguf"), prompt);
        BatchedDecodeTest.assertClose(a, b, "rope_freqs vs linear");
        assertThat(logits(unitFactors, prompt)).containsExactly(plain);
        assertThat(a).isNotEqualTo(plain);
    }

    @Test
    void yarnNeedsTheOriginalContextAndChangesOnlyLongRangeBehaviour() throws Exception {
        Path noOriginal = modified(t -> t.put("llama.rope.scaling.type", "yarn").put("llama.rope.scaling.factor", 4f));
        assertLoadFails(noOriginal, "rope.scaling.original_context_length");
        Path yarn = modified(t -> t.put("llama.rope.scaling.type", "yarn").put("llama.rope.scaling.factor", 4f)
                .put("llama.rope.scaling.original_context_length", 512));
        float[] logits = logits(yarn, new int[]{1, 403, 407, 261, 378});
        for (float f : logits) {
            assertThat(f).isFinite();
        }
        Path unknown = modified(t -> t.put("llama.rope.scaling.type", "longrope"));
        assertLoadFails(unknown, "unsupported rope scaling type 'longrope' (supported: none, linear, yarn)");
    }

    private float[] logits(Path file, int[] prompt) throws Exception {
        try (GGUFFile gguf = GGUFFile.open(file); ComputePool pool = new ComputePool(1)) {
            Model model = Model.load(gguf, pool);
            return model.prefill(model.newSequence(16), prompt).clone();
        }
    }

    private Path modified(java.util.function.Consumer<TestGgufFile> change) throws Exception {
        TestGgufFile t;
        try (GGUFFile gguf = GGUFFile.open(TestModels.path("stories260K.gguf"))) {
            t = TestGgufFile.copyOf(gguf);
        }
        change.accept(t);
        return t.write(dir.resolve("model-" + System.nanoTime() + ".gguf"));
    }

    private static void assertLoadFails(Path file, String message) throws Exception {
        try (GGUFFile gguf = GGUFFile.open(file); ComputePool pool = new ComputePool(1)) {
            assertThatThrownBy(() -> Model.load(gguf, pool))
                    .isInstanceOf(GGUFFormatException.class)
                    .hasMessageContaining(message)
                    .hasMessageContaining(file.getFileName().toString());
        }
    }

}
