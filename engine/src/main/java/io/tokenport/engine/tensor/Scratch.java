package io.tokenport.engine.tensor;

/**
 * One thread's working memory for a matmul: weight rows decoded once (for some types through integers and
 * block scales) to floats, then multiplied with every input row. Owned by one {@link ComputePool}
 * worker and grown on demand, so steady-state matmuls allocate nothing.
 */
final class Scratch {
    /** Decoded integer weights of one row (the types decoded through integers: Q5_0, Q5_K). */
    short[] q = new short[0];
    /** Float scale per 32-element block of {@link #q}. */
    float[] scale = new float[0];
    /** Per 32-element block, the offset added to each decoded weight (the "min" of Q5_K, negated and scaled). */
    float[] bias = new float[0];
    /** The lanes of one accumulator, for {@link Dot#finish}. */
    final float[] lanes = new float[Dot.LANES];
    /** The float scales (and offsets) of one super-block of a k-quant format, for broadcasting one at a time. */
    final float[] blockScales = new float[32];
    /** Scales and offsets of every block of one row, see {@link #factors}. */
    private float[] rowFactors = new float[0];
    /** Decoded float weights of a block of rows (see {@link FloatTensor}: as many as fit half an L2). */
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

    /** At least {@code n} floats of per-block factors of a whole row (k-quant formats). */
    float[] factors(int n) {
        if (rowFactors.length < n) {
            rowFactors = new float[n];
        }
        return rowFactors;
    }

    void ensureFloat(int cols) {
        if (row.length < cols) {
            row = new float[cols];
        }
    }
}
