package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.synth.ModelShape;
import io.tokenport.engine.synth.RandomModelGenerator;
import io.tokenport.engine.synth.WeightFormat;
import io.tokenport.engine.tensor.ComputePool;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On quantized weights, where one token alone takes the kernels that decode weights in registers and several
 * take the tiled ones, a sequence's logits must not depend on what shares its forward pass: a long prompt chunk,
 * a short one and decode tokens of other sequences, in any order, give each sequence bit for bit what it gets
 * alone.
 */
class MixedPassTest {
    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"Q8_0", "Q4_0", "Q4_K"})
    void eachSequenceGetsWhatItGetsAloneWhateverSharesThePass(String type) throws Exception {
        Path file = dir.resolve("mixed-" + type + ".gguf");
        ModelShape shape = ModelShape.of("llama", 256, 2, 4, 2, 512, 512, 256);
        RandomModelGenerator.generate(new RandomModelGenerator.Request(shape, WeightFormat.parse(type), 7, null), file, null);
        try (GGUFFile gguf = GGUFFile.open(file); ComputePool pool = new ComputePool(2)) {
            Model model = Model.load(gguf, pool, 64);
            int vocab = model.config().vocabularySize();
            Random random = new Random(3);
            int[] longPrompt = BatchedDecodeTest.randomTokens(random, 40, vocab);   // a long chunk
            int[] shortPrompt = BatchedDecodeTest.randomTokens(random, 5, vocab);   // a short one
            int[] decoded = BatchedDecodeTest.randomTokens(random, 9, vocab);       // prompt, then one decode token
            int[] decodedToo = BatchedDecodeTest.randomTokens(random, 30, vocab);   // a long one, then one decode token

            // Alone, each as its own passes.
            float[] aloneLong = model.prefill(model.newSequence(128), longPrompt).clone();
            float[] aloneShort = model.prefill(model.newSequence(128), shortPrompt).clone();
            float[] aloneDecode = new float[vocab];
            Sequence d1 = model.newSequence(128);
            model.prefill(d1, java.util.Arrays.copyOf(decoded, 8));
            model.decode(List.of(d1), new int[] {decoded[8]}, new float[][] {aloneDecode});
            float[] aloneDecodeToo = new float[vocab];
            Sequence d2 = model.newSequence(128);
            model.prefill(d2, java.util.Arrays.copyOf(decodedToo, 29));
            model.decode(List.of(d2), new int[] {decodedToo[29]}, new float[][] {aloneDecodeToo});

            // Together, in one pass of 47 tokens, interleaved.
            Sequence l = model.newSequence(128);
            Sequence s = model.newSequence(128);
            Sequence t1 = model.newSequence(128);
            Sequence t2 = model.newSequence(128);
            model.prefill(t1, java.util.Arrays.copyOf(decoded, 8));
            model.prefill(t2, java.util.Arrays.copyOf(decodedToo, 29));
            float[] togetherLong = new float[vocab];
            float[] togetherShort = new float[vocab];
            float[] togetherDecode = new float[vocab];
            float[] togetherDecodeToo = new float[vocab];
            Batch batch = new Batch(64);
            batch.add(t1, decoded[8], togetherDecode);
            for (int i = 0; i < longPrompt.length; i++) {
                batch.add(l, longPrompt[i], i == longPrompt.length - 1 ? togetherLong : null);
                if (i < shortPrompt.length) {
                    batch.add(s, shortPrompt[i], i == shortPrompt.length - 1 ? togetherShort : null);
                }
            }
            batch.add(t2, decodedToo[29], togetherDecodeToo);
            model.forward(batch);

            assertThat(togetherLong).as("long prompt chunk").isEqualTo(aloneLong);
            assertThat(togetherShort).as("short prompt chunk").isEqualTo(aloneShort);
            assertThat(togetherDecode).as("decode token").isEqualTo(aloneDecode);
            assertThat(togetherDecodeToo).as("decode token after a long prompt").isEqualTo(aloneDecodeToo);
            assertThat(l.position()).isEqualTo(40);
            assertThat(s.position()).isEqualTo(5);
            assertThat(t1.position()).isEqualTo(9);
        }
    }
}
