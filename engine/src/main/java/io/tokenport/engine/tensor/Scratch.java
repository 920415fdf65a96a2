package io.tokenport.engine.tensor;

/**
 * One thread's working memory for a matmul: weight rows decoded once (for some types through integers and
 * block scales) to floats, then multiplied with every input row. Owned by one {@link ComputePool}
 * worker and grown on demand, so steady-state matmuls allocate nothing.
 *
 * <p>Every array has a cache line (64 bytes, {@link #PAD} floats) unused after its last element, and {@link #factors}
 * one before its first too: the scratch of different threads (allocated one after the other, and moved side by side
 * by the collector) must not share a cache line, or each thread's writes evict the other's. Without the padding a
 * Q4_K matmul on two threads ran at the speed of one in some runs, the worker taking twice as long as the caller
 * over the same number of rows (KernelBench, 2048 x 2048, one input: 0.19-0.29 ms; padded 0.15 ms).
 */
final class Scratch {
    /** Floats of padding: 64 bytes, a cache line. */
    static final int PAD = 16;

    /** Decoded integer weights of one row (the types decoded through integers: Q5_0, Q5_K). */
    short[] q = new short[2 * PAD];
    /** Float scale per 32-element block of {@link #q}. */
    float[] scale = new float[PAD];
    /** Per 32-element block, the offset added to each decoded weight (the "min" of Q5_K, negated and scaled). */
    float[] bias = new float[PAD];
    /** The lanes of one accumulator, for {@link Dot#finish}. */
    final float[] lanes = new float[Dot.LANES + PAD];
    /** The float scales (and offsets) of one super-block of a k-quant format, for broadcasting one at a time. */
    final float[] blockScales = new float[32 + PAD];
    /** Scales and offsets of every block of one row, from index {@link #PAD}: see {@link #factors}. */
    private float[] rowFactors = new float[2 * PAD];
    /** Decoded float weights of a block of rows (see {@link FloatTensor}: as many as fit half an L2). */
    float[] row = new float[PAD];

    void ensureQuantized(int cols, int blockSize) {
        if (q.length < cols + 2 * PAD) {
            q = new short[cols + 2 * PAD];
        }
        if (scale.length < cols / blockSize + PAD) {
            scale = new float[cols / blockSize + PAD];
        }
        if (bias.length < cols / 32 + PAD) {
            bias = new float[cols / 32 + PAD];
        }
    }

    /**
     * Room for {@code n} floats of per-block factors of a whole row (k-quant formats), at indexes
     * {@code PAD ..PAD + n}.
     */
    float[] factors(int n) {
        if (rowFactors.length < n + 2 * PAD) {
            rowFactors = new float[n + 2 * PAD];
        }
        return rowFactors;
    }

    void ensureFloat(int cols) {
        if (row.length < cols + PAD) {
            row = new float[cols + PAD];
        }
    }
}
