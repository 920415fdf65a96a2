package io.tokenport.engine.model;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.tensor.ComputePool;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A sequence's KV cache costs memory for the tokens it holds, and a steady decode loop allocates nothing. */
class SequenceMemoryTest {

    @Test
    void cacheGrowsByPagesAsTokensArriveNotByTheWindow() throws Exception {
        try (GGUFFile gguf = GGUFFile.open(TestModels.path("stories260K.gguf"));
             ComputePool pool = new ComputePool(1)) {
            Model model = Model.load(gguf, pool);
            ModelConfig c = model.config();
            long perPage = 4L * KVCache.PAGE * (c.keyDim() + c.valueDim()) * c.blockCount();
            Sequence seq = model.newSequence(512);
            assertThat(seq.cacheBytes()).isZero();
            model.prefill(seq, new int[]{1, 403, 407, 261, 378});
            assertThat(seq.cacheBytes()).isEqualTo(perPage);
            model.prefill(seq, new int[KVCache.PAGE]);
            assertThat(seq.cacheBytes()).isEqualTo(2 * perPage);
            seq.reset();
            assertThat(seq.cacheBytes()).isZero();
            assertThat(seq.position()).isZero();
        }
    }

    @Test
    void steadyDecodingAllocatesNothingPerToken() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (GGUFFile gguf = GGUFFile.open(TestModels.path("stories260K.gguf"));
             ComputePool pool = new ComputePool(1)) {
            Model model = Model.load(gguf, pool);
            Sequence seq = model.newSequence(KVCache.PAGE);
            List<Sequence> batch = List.of(seq);
            int[] token = {1};
            float[][] logits = {new float[model.config().vocabularySize()]};
            model.prefill(seq, new int[]{1, 429, 491, 433});
            // Warm up until the JIT has compiled the Vector API code (interpreted, it boxes every vector).
            for (int i = 0; i < 3000; i++) {
                if (seq.remaining() == 0) {
                    seq.rewind(4);
                }
                model.decode(batch, token, logits);
            }
            // Windows of 50 steps until one allocates (almost) nothing. A buffer made per step would show in every
            // window, and so would vector code that C2 compiled without its intrinsics (boxing every vector: this
            // test caught VectorMath.max doing so in one full-suite run in four); a passing JIT event, such as a
            // deoptimisation and recompilation, only in the windows it falls in.
            long fewest = Long.MAX_VALUE;
            for (int window = 0; window < 20 && fewest >= 8192; window++) {
                seq.rewind(4);
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 50; i++) {
                    model.decode(batch, token, logits);
                }
                fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
            }
            assertThat(fewest).as("bytes allocated by 50 decode steps, in the quietest of up to 20 windows")
                    .isLessThan(8192);
        }
    }
}
