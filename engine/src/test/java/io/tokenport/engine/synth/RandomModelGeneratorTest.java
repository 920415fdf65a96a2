package io.tokenport.engine.synth;

import io.tokenport.engine.gguf.GGMLType;
import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.gguf.GGUFMetadata;
import io.tokenport.engine.gguf.TensorInfo;
import io.tokenport.engine.model.Model;
import io.tokenport.engine.model.Sequence;
import io.tokenport.engine.tensor.ComputePool;
import io.tokenport.engine.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RandomModelGeneratorTest {
    /** Small, but with rows of 256 so that the K types apply. */
    private static ModelShape shape(String arch) {
        return ModelShape.of(arch, 256, 2, 4, 2, 512, 300, 128);
    }

    @TempDir
    Path dir;

    static Stream<Arguments> architecturesAndFormats() {
        return Stream.of("llama", "qwen2", "qwen3").flatMap(a -> Stream.of("F32", "F16", "BF16", "Q8_0", "Q4_0",
                "Q5_0", "Q4_K", "Q5_K", "Q6_K", "Q4_K_M").map(f -> Arguments.of(a, f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("architecturesAndFormats")
    void generatedModelsLoadWithTheRequestedShapeAndTypes(String arch, String formatName) throws IOException {
        ModelShape shape = shape(arch);
        WeightFormat format = WeightFormat.parse(formatName);
        Path f = dir.resolve(arch + "-" + formatName + ".gguf");
        RandomModelGenerator.Result r = RandomModelGenerator.generate(
                new RandomModelGenerator.Request(shape, format, 5, null), f, null);
        assertThat(r.vocabularySource()).isEqualTo("synthetic");

        try (GGUFFile g = GGUFFile.open(f)) {
            GGUFMetadata m = g.metadata();
            assertThat(m.getString("general.architecture")).isEqualTo(arch);
            assertThat(m.getInt(arch + ".embedding_length")).isEqualTo(256);
            assertThat(m.getInt(arch + ".block_count")).isEqualTo(2);
            assertThat(m.getInt(arch + ".attention.head_count")).isEqualTo(4);
            assertThat(m.getInt(arch + ".attention.head_count_kv")).isEqualTo(2);
            assertThat(m.getInt(arch + ".feed_forward_length")).isEqualTo(512);
            assertThat(m.getInt(arch + ".context_length")).isEqualTo(128);
            assertThat(m.getInt("general.file_type")).isEqualTo(format.fileType());
            assertThat(m.getString("tokenizer.ggml.model")).isEqualTo("llama");
            assertThat(m.getStringArray("tokenizer.ggml.tokens")).hasSize(300);
            assertThat(m.getFloatArray("tokenizer.ggml.scores")).hasSize(300);
            assertThat(m.getIntArray("tokenizer.ggml.token_type")).hasSize(300);

            GGMLType base = format.base();
            for (TensorInfo t : g.tensorList()) {
                GGMLType expected;
                if (t.dims().length == 1) {
                    expected = GGMLType.F32;
                } else if (format.q4kMedium() && (t.name().endsWith("ffn_down.weight")
                        || t.name().endsWith("attn_v.weight") || t.name().equals("output.weight"))) {
                    expected = GGMLType.Q6_K;
                } else {
                    expected = base;
                }
                assertThat(t.type()).as(t.name()).isEqualTo(expected);
            }
            assertThat(g.requireTensor("token_embd.weight").dims()).containsExactly(256, 300);
            assertThat(g.requireTensor("output.weight").dims()).containsExactly(256, 300);
            assertThat(g.requireTensor("blk.1.attn_q.weight").dims()).containsExactly(256, 256);
            assertThat(g.requireTensor("blk.1.attn_k.weight").dims()).containsExactly(256, 128);
            assertThat(g.requireTensor("blk.1.ffn_down.weight").dims()).containsExactly(512, 256);
            assertThat(g.tensor("blk.0.attn_q.bias") != null).isEqualTo(arch.equals("qwen2"));
            assertThat(g.tensor("blk.0.attn_q_norm.weight") != null).isEqualTo(arch.equals("qwen3"));
            int perLayer = 9 + (arch.equals("qwen2") ? 3 : arch.equals("qwen3") ? 2 : 0);
            assertThat(g.tensors()).hasSize(3 + 2 * perLayer);
            long params = g.tensorList().stream().mapToLong(TensorInfo::elements).sum();
            assertThat(params).isEqualTo(shape.parameterCount());
        }
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws Exception {
        ModelShape s = shape("llama");
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        Path c = dir.resolve("c.gguf");
        WeightFormat q = WeightFormat.parse("Q4_K_M");
        RandomModelGenerator.generate(new RandomModelGenerator.Request(s, q, 9, null), a, null);
        RandomModelGenerator.generate(new RandomModelGenerator.Request(s, q, 9, null), b, null);
        RandomModelGenerator.generate(new RandomModelGenerator.Request(s, q, 10, null), c, null);
        assertThat(sha256(a)).isEqualTo(sha256(b));
        assertThat(sha256(a)).isNotEqualTo(sha256(c));
    }

    @Test
    void dequantizedWeightsAreFiniteAndOfTheIntendedScale() throws IOException {
        Path f = dir.resolve("scale.gguf");
        RandomModelGenerator.generate(new RandomModelGenerator.Request(shape("llama"),
                WeightFormat.parse("Q4_K"), 3, null), f, null);
        try (GGUFFile g = GGUFFile.open(f)) {
            for (String name : List.of("token_embd.weight", "blk.0.attn_q.weight", "blk.1.ffn_down.weight")) {
                TensorInfo info = g.requireTensor(name);
                float[] w = FloatTensor.of(info, g.tensorData(info)).toFloatArray();
                double sum = 0;
                double sq = 0;
                for (float v : w) {
                    assertThat(v).as(name).isFinite();
                    sum += v;
                    sq += v * v;
                }
                double mean = sum / w.length;
                double std = Math.sqrt(sq / w.length - mean * mean);
                assertThat(Math.abs(mean)).as(name + " mean").isLessThan(0.002);
                assertThat(std).as(name + " std").isBetween(0.017, 0.023);
            }
            TensorInfo norm = g.requireTensor("blk.0.attn_norm.weight");
            assertThat(FloatTensor.of(norm, g.tensorData(norm)).toFloatArray()).containsOnly(1f);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engineArchitectures")
    void theEngineRunsAGeneratedModelToFiniteLogits(String arch, String format) throws IOException {
        Path f = dir.resolve("run.gguf");
        RandomModelGenerator.generate(new RandomModelGenerator.Request(shape(arch), WeightFormat.parse(format), 1,
                null), f, null);
        try (GGUFFile g = GGUFFile.open(f); ComputePool pool = new ComputePool(2)) {
            Model model = Model.load(g, pool);
            Sequence seq = model.newSequence(32);
            float[] logits = model.prefill(seq, new int[] {1, 300 - 1, 17, 259});
            assertThat(logits).hasSize(300);
            for (float v : logits) {
                assertThat(v).isFinite();
            }
        }
    }

    static Stream<Arguments> engineArchitectures() {
        return Stream.of(Arguments.of("llama", "Q4_K_M"), Arguments.of("qwen2", "Q8_0"),
                Arguments.of("qwen3", "Q5_K"));
    }

    @Test
    void theLlama2VocabularyIsEmbeddedWithSentencePieceConventions() throws IOException {
        Path vocab = RandomModelGenerator.DEFAULT_VOCABULARY;
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(vocab), "needs " + vocab);
        Path f = dir.resolve("vocab.gguf");
        ModelShape s = ModelShape.of("llama", 64, 1, 4, 4, 128, 32000, 64).withTiedOutput(true);
        RandomModelGenerator.Result r = RandomModelGenerator.generate(
                new RandomModelGenerator.Request(s, WeightFormat.parse("Q8_0"), 1, null), f, null);
        assertThat(r.vocabularySource()).isEqualTo(vocab.toString());
        try (GGUFFile g = GGUFFile.open(f)) {
            GGUFMetadata m = g.metadata();
            String[] tokens = m.getStringArray("tokenizer.ggml.tokens");
            int[] types = m.getIntArray("tokenizer.ggml.token_type");
            assertThat(tokens).hasSize(32000);
            assertThat(tokens[0]).isEqualTo("<unk>");
            assertThat(tokens[1]).isEqualTo("<s>");
            assertThat(tokens[2]).isEqualTo("</s>");
            assertThat(tokens[3]).isEqualTo("<0x00>");
            assertThat(tokens[13]).isEqualTo("<0x0A>");
            assertThat(tokens).contains("▁the", "▁Once").noneMatch(t -> t.contains(" "));
            assertThat(types[0]).isEqualTo(2);
            assertThat(types[1]).isEqualTo(3);
            assertThat(types[2]).isEqualTo(3);
            assertThat(types[3]).isEqualTo(6);
            assertThat(types[258]).isEqualTo(6);
            assertThat(types[259]).isEqualTo(1);
            assertThat(m.getInt("tokenizer.ggml.bos_token_id")).isEqualTo(1);
            assertThat(m.getInt("tokenizer.ggml.eos_token_id")).isEqualTo(2);
            assertThat(m.getBoolean("tokenizer.ggml.add_bos_token")).isTrue();
            assertThat(g.tensor("output.weight")).isNull();
        }
    }

    @Test
    void presetsHaveTheAdvertisedSizes() {
        assertThat(ModelShape.preset("100m", "llama").parameterCount()).isBetween(95_000_000L, 140_000_000L);
        assertThat(ModelShape.preset("1b", "llama").parameterCount()).isBetween(950_000_000L, 1_200_000_000L);
        assertThatThrownBy(() -> ModelShape.preset("7b", "llama")).hasMessageContaining("7b");
        assertThatThrownBy(() -> WeightFormat.parse("Q2_K")).hasMessageContaining("Q2_K");
        assertThatThrownBy(() -> ModelShape.of("gpt2", 64, 1, 4, 4, 128, 300, 64)).hasMessageContaining("gpt2");
        assertThatThrownBy(() -> ModelShape.of("llama", 64, 1, 4, 3, 128, 300, 64)).hasMessageContaining("kv heads");
    }

    @Test
    void rowsThatDoNotFitAKBlockFallBackAsLlamaCppDoes() {
        WeightFormat q4k = WeightFormat.parse("Q4_K");
        assertThat(q4k.typeFor("blk.0.attn_q.weight", 256)).isEqualTo(GGMLType.Q4_K);
        assertThat(q4k.typeFor("blk.0.attn_q.weight", 64)).isEqualTo(GGMLType.Q4_0);
        assertThat(WeightFormat.parse("Q6_K").typeFor("x", 96)).isEqualTo(GGMLType.Q8_0);
        assertThat(WeightFormat.parse("Q8_0").typeFor("x", 48)).isEqualTo(GGMLType.F16);
    }

    private static String sha256(Path f) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
