package io.tokenport.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.tensor.ComputePool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Greedy generation agrees with llama.cpp (and, for qwen3, an independent float32 engine), as
 * {@code reference.json}'s {@code how_to_compare} prescribes: feed the prompt, teacher-force the reference ids, and
 * at every step the argmax must match unless the top two logits are closer than float rounding can explain, and
 * the reference's top-5 logits must match within a few times what an independent float32 engine got.
 */
class ReferenceAgreementTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "stories260K, stories260K.gguf, 1",
            "aidreams260K, aidreams260K.gguf, 2",
            "qwen2-small, qwen2-small.gguf, 2",
            "qwen3-small, qwen3-small.gguf, 1",
    })
    void greedyGenerationMatchesReference(String name, String file, int threads) throws Exception {
        JsonNode ref = TestModels.reference(name);
        JsonNode greedy = ref.path("greedy");
        int[] prompt = TestModels.ints(greedy.path("prompt_ids"));
        int[] ids = TestModels.ints(greedy.path("ids"));
        JsonNode top5 = greedy.path("top5");
        JsonNode margins = greedy.path("margin_top1_top2");
        // qwen3's reference is itself a float32 engine, so there is no independent check to scale from.
        double independent = ref.path("independent_float32_check").path("f32").path("max_abs_logit_diff_top5")
                .asDouble(5e-4);
        double tolerance = Math.max(4 * independent, 2e-3);

        try (GGUFFile gguf = GGUFFile.open(TestModels.path(file)); ComputePool pool = new ComputePool(threads)) {
            Model model = Model.load(gguf, pool, 4); // small chunks, so the prompt spans several passes
            Sequence seq = model.newSequence(prompt.length + ids.length);
            float[] logits = model.prefill(seq, prompt).clone();
            float[][] out = {logits};

            int agreed = 0;
            double maxDiff = 0;
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < ids.length; i++) {
                int argmax = TestModels.argmax(logits);
                if (argmax == ids[i]) {
                    agreed++;
                } else if (margins.get(i).asDouble() >= tolerance) {
                    failures.add("step " + i + ": argmax " + argmax + ", reference " + ids[i] + " (margin "
                            + margins.get(i).asDouble() + ")");
                }
                for (JsonNode pair : top5.get(i)) {
                    double diff = Math.abs(logits[pair.get(0).asInt()] - pair.get(1).asDouble());
                    maxDiff = Math.max(maxDiff, diff);
                    if (diff > tolerance) {
                        failures.add("step " + i + ": logit of " + pair.get(0).asInt() + " is "
                                + logits[pair.get(0).asInt()] + ", reference " + pair.get(1).asDouble());
                    }
                }
                if (i < ids.length - 1) {
                    model.decode(List.of(seq), new int[]{ids[i]}, out);
                }
            }
            System.out.printf("reference agreement %s: argmax %d/%d, max top-5 logit diff %.5f (tolerance %.4f)%n",
                    name, agreed, ids.length, maxDiff, tolerance);
            assertThat(failures).isEmpty();
            assertThat(seq.position()).isEqualTo(prompt.length + ids.length - 1);
        }
    }
}
