package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.tensor.ComputePool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sequences decoded together in one forward pass get the same logits as each decoded alone, while sequences join
 * and leave the batch between steps and a prompt is prefilled in the same pass as other sequences' decode tokens.
 */
class BatchedDecodeTest {
    private static final int STEPS = 10;

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "aidreams260K.gguf", "qwen2-small.gguf", "qwen3-small.gguf"})
    void batchedDecodeEqualsSoloDecode(String file) throws Exception {
        try (GGUFFile gguf = GGUFFile.open(TestModels.path(file)); ComputePool pool = new ComputePool(2)) {
            Model model = Model.load(gguf, pool, 8);
            int vocab = model.config().vocabularySize();
            Random random = new Random(42);
            int[][] prompts = new int[4][];
            int[][] streams = new int[4][];
            for (int i = 0; i < 4; i++) {
                prompts[i] = randomTokens(random, 3 + 7 * i, vocab);
                streams[i] = randomTokens(random, STEPS, vocab);
            }

            // Alone: prefill, then one token per step.
            float[][][] solo = new float[4][STEPS][];
            for (int i = 0; i < 4; i++) {
                Sequence seq = model.newSequence(64);
                model.prefill(seq, prompts[i]);
                for (int step = 0; step < STEPS; step++) {
                    solo[i][step] = new float[vocab];
                    model.decode(List.of(seq), new int[]{streams[i][step]}, new float[][]{solo[i][step]});
                }
            }

            // Together: 0 and 1 from the start; 2 joins at step 3 (prefilled on its own); 1 leaves after step 5;
            // 3 joins at step 6, its whole prompt in the same pass as the others' decode tokens.
            Sequence[] seqs = new Sequence[4];
            int[] next = new int[4];
            seqs[0] = model.newSequence(64);
            seqs[1] = model.newSequence(64);
            model.prefill(seqs[0], prompts[0]);
            model.prefill(seqs[1], prompts[1]);
            Batch batch = new Batch(64);
            for (int step = 0; step < STEPS + 6; step++) {
                if (step == 3) {
                    seqs[2] = model.newSequence(64);
                    model.prefill(seqs[2], prompts[2]);
                }
                List<Integer> active = new ArrayList<>();
                List<float[]> outs = new ArrayList<>();
                batch.clear();
                if (step == 6) {
                    seqs[3] = model.newSequence(64);
                    for (int t : prompts[3]) {
                        batch.add(seqs[3], t, null);
                    }
                    float[] out = new float[vocab];
                    batch.add(seqs[3], streams[3][next[3]], out);
                    active.add(3);
                    outs.add(out);
                }
                for (int i = 0; i < 3; i++) {
                    boolean left = i == 1 && step > 5;
                    if (seqs[i] != null && !left && next[i] < STEPS) {
                        float[] out = new float[vocab];
                        batch.add(seqs[i], streams[i][next[i]], out);
                        active.add(i);
                        outs.add(out);
                    }
                }
                if (step > 6 && next[3] < STEPS) {
                    float[] out = new float[vocab];
                    batch.add(seqs[3], streams[3][next[3]], out);
                    active.add(3);
                    outs.add(out);
                }
                if (batch.size() == 0) {
                    continue;
                }
                model.forward(batch);
                for (int j = 0; j < active.size(); j++) {
                    int i = active.get(j);
                    assertClose(outs.get(j), solo[i][next[i]], "sequence " + i + " step " + next[i]);
                    next[i]++;
                }
            }
            assertThat(next).containsExactly(STEPS, 6, STEPS, STEPS);
            assertThat(seqs[0].position()).isEqualTo(prompts[0].length + STEPS);
            assertThat(seqs[3].position()).isEqualTo(prompts[3].length + STEPS);
        }
    }

    static int[] randomTokens(Random random, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = random.nextInt(vocab);
        }
        return t;
    }

    /** Equal within 1e-4 of the largest logit's magnitude. */
    static void assertClose(float[] actual, float[] expected, String what) {
        assertClose(actual, expected, what, 1e-4f);
    }

    /** Equal within {@code relative} of the largest logit's magnitude. */
    static void assertClose(float[] actual, float[] expected, String what, float relative) {
        float scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        float tolerance = relative * Math.max(1f, scale);
        for (int i = 0; i < expected.length; i++) {
            if (Math.abs(actual[i] - expected[i]) > tolerance) {
                throw new AssertionError(what + ": logit " + i + " is " + actual[i] + ", expected " + expected[i]
                        + " (tolerance " + tolerance + ")");
            }
        }
    }
}
