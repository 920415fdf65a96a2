package io.tokenport.engine.tensor;

/**
 * One thread's working memory for a matmul: weight rows decoded once (for some types through integers and
 * block scales) to floats, then multiplied with every input row. Owned by one {@link ComputePool}
 * worker and grown on demand, so steady-state matmuls allocate nothing.
 */
final class Scratch {
    /** Decoded integer weights of one row (quantized types). */
    short[] q = new short[0];
    /** Float scale per block of {@link #q} (per 32 elements, or per 16 for Q6_K). */
    float[] scale = new float[0];
    /** Per 32-element block, the weight that multiplies the input block's sum (the "min" of Q4_K and Q5_K). */
    float[] bias = new float[0];
    /** The lanes of one accumulator, for {@link Dot#finish}. */
    final float[] lanes = new float[Dot.LANES];
    /** The float scales (and offsets) of one super-block of a k-quant format, for broadcasting one at a time. */
    final float[] blockScales = new float[32];

    /** Decoded float weights of up to two rows. */
    float[] row = new float[0];

    void ensureQuantized(int cols, int blockSize) {
        if (q.length < cols) {
            q = new short[cols];
        }
        if (scale.length < cols / blockSize) {
            scale = new float[cols / blockSize];
        }
        if (bias.length < cols / 32) {
            bias = new float[cols / 32];
        }
    }

    void ensureFloat(int cols) {
        if (row.length < cols) {
            row = new float[cols];
        }
    }
}
