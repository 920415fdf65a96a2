package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.tensor.ComputePool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;

import static io.tokenport.engine.model.BatchedDecodeTest.assertClose;
import static io.tokenport.engine.model.BatchedDecodeTest.randomTokens;

/**
 * A prompt processed in chunks (many tokens per pass, causal attention inside the chunk) gives the same logits at
 * every position as feeding it one token at a time; the prompt is long enough to cross KV cache pages.
 */
class ChunkedPrefillTest {

    @ParameterizedTest(name = "{0}, chunks of {1}")
    @CsvSource({
            "stories260K.gguf, 7",
            "stories260K.gguf, 64",
            "aidreams260K.gguf, 13",
            "qwen2-small.gguf, 32",
            "qwen3-small.gguf, 5",
    })
    void chunkedPrefillEqualsTokenByToken(String file, int chunk) throws Exception {
        try (GGUFFile gguf = GGUFFile.open(TestModels.path(file)); ComputePool pool = new ComputePool(2)) {
            Model model = Model.load(gguf, pool, chunk);
            int vocab = model.config().vocabularySize();
            int n = Math.min(100, model.config().contextLength());
            int[] tokens = randomTokens(new Random(7), n, vocab);

            float[][] single = new float[n][vocab];
            Sequence one = model.newSequence(n);
            for (int i = 0; i < n; i++) {
                model.decode(List.of(one), new int[]{tokens[i]}, new float[][]{single[i]});
            }

            // Every position's logits, in passes of `chunk` tokens.
            Sequence chunked = model.newSequence(n);
            Batch batch = new Batch(chunk);
            float[][] all = new float[n][vocab];
            for (int start = 0; start < n; start += chunk) {
                batch.clear();
                for (int i = start; i < Math.min(n, start + chunk); i++) {
                    batch.add(chunked, tokens[i], all[i]);
                }
                model.forward(batch);
            }
            for (int i = 0; i < n; i++) {
                assertClose(all[i], single[i], "position " + i);
            }

            // prefill() returns the last position's logits.
            Sequence viaPrefill = model.newSequence(n);
            assertClose(model.prefill(viaPrefill, tokens), single[n - 1], "prefill");
        }
    }
}
