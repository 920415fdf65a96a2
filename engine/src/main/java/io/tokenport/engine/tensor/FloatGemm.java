package io.tokenport.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The prefill kernel (more than {@link FloatTensor#DECODE_MAX} input rows, and float weights for any number):
 * weight rows decoded to floats once, then multiplied with the float input in a register tile of 3 weight rows x
 * 4 input rows (12 accumulators; each 8-float step loads 3 + 4 vectors for 12 FMAs, so the FMA units, not the
 * loads, set the pace; measured 12-25% faster than 2 x 4 and than 2 x 6, whose 15 live vectors spill). Leftover
 * rows take a 2-row or 1-row kernel.
 *
 * <p>Every tile computes each (row, input) pair the same way: one 8-lane FMA accumulator over the whole vectors,
 * {@link BlockDot#sum}, then the scalar tail ({@link BlockDot#withTail}), exactly as {@link BlockDot#dot} and the
 * float types' {@code dotRow}; so a result does not depend on the tile, the thread split or the number of inputs.
 * The tiles sum through {@code tmp} (scalar, same order): the vector form of twelve sums after the tile's loop
 * exceeds C2's inlining budget, and a call that is not inlined boxes its vector.
 *
 * <p>Why floats here and 8-bit integers for decoding: with few input rows every weight is used about once, and
 * the integer path decodes fewer bits per multiply; with many, decoding is paid once per row and the float FMA
 * does 8 multiply-adds per instruction where the 16-bit integer path needs about five instructions per 16.
 */
final class FloatGemm {
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;

    private FloatGemm() {
    }

    /**
     * Writes {@code s.q[i] * s.scale[i / blockSize] + s.bias[i / 32]} (bias only when {@code withBias}) to
     * {@code dst[off ..+cols]}: a quantized row decoded into {@code s} as integers, as floats.
     */
    static void toFloats(Scratch s, int cols, int blockSize, boolean withBias, float[] dst, int off) {
        short[] q = s.q;
        for (int i = 0; i < cols; i += blockSize) {
            FloatVector scale = FloatVector.broadcast(F256, s.scale[i / blockSize]);
            FloatVector bias = FloatVector.broadcast(F256, withBias ? s.bias[i / 32] : 0f);
            for (int j = i; j < i + blockSize; j += 8) {
                ((FloatVector) ShortVector.fromArray(S128, q, j).convertShape(VectorOperators.S2F, F256, 0))
                        .fma(scale, bias).intoArray(dst, off + j);
            }
        }
    }

    /**
     * {@code out[b * rows + r + j]} for {@code j < 3} and every input row b: weight row r + j is
     * {@code w[j * cols ..(j + 1) * cols)}. Quantized rows only: {@code cols} is a multiple of 8.
     */
    static void threeRows(float[] w, float[] x, int n, int cols, float[] out, int rows, int r, float[] tmp) {
        int w1o = cols;
        int w2o = 2 * cols;
        int b = 0;
        for (; b + 4 <= n; b += 4) {
            int x0 = b * cols;
            int x1 = x0 + cols;
            int x2 = x1 + cols;
            int x3 = x2 + cols;
            FloatVector a00 = FloatVector.zero(F256);
            FloatVector a01 = a00;
            FloatVector a02 = a00;
            FloatVector a03 = a00;
            FloatVector a10 = a00;
            FloatVector a11 = a00;
            FloatVector a12 = a00;
            FloatVector a13 = a00;
            FloatVector a20 = a00;
            FloatVector a21 = a00;
            FloatVector a22 = a00;
            FloatVector a23 = a00;
            for (int i = 0; i < cols; i += 8) {
                FloatVector w0 = FloatVector.fromArray(F256, w, i);
                FloatVector w1 = FloatVector.fromArray(F256, w, w1o + i);
                FloatVector w2 = FloatVector.fromArray(F256, w, w2o + i);
                FloatVector v = FloatVector.fromArray(F256, x, x0 + i);
                a00 = w0.fma(v, a00);
                a10 = w1.fma(v, a10);
                a20 = w2.fma(v, a20);
                v = FloatVector.fromArray(F256, x, x1 + i);
                a01 = w0.fma(v, a01);
                a11 = w1.fma(v, a11);
                a21 = w2.fma(v, a21);
                v = FloatVector.fromArray(F256, x, x2 + i);
                a02 = w0.fma(v, a02);
                a12 = w1.fma(v, a12);
                a22 = w2.fma(v, a22);
                v = FloatVector.fromArray(F256, x, x3 + i);
                a03 = w0.fma(v, a03);
                a13 = w1.fma(v, a13);
                a23 = w2.fma(v, a23);
            }
            int o = b * rows + r;
            out[o] = BlockDot.sum(a00, tmp);
            out[o + 1] = BlockDot.sum(a10, tmp);
            out[o + 2] = BlockDot.sum(a20, tmp);
            o += rows;
            out[o] = BlockDot.sum(a01, tmp);
            out[o + 1] = BlockDot.sum(a11, tmp);
            out[o + 2] = BlockDot.sum(a21, tmp);
            o += rows;
            out[o] = BlockDot.sum(a02, tmp);
            out[o + 1] = BlockDot.sum(a12, tmp);
            out[o + 2] = BlockDot.sum(a22, tmp);
            o += rows;
            out[o] = BlockDot.sum(a03, tmp);
            out[o + 1] = BlockDot.sum(a13, tmp);
            out[o + 2] = BlockDot.sum(a23, tmp);
        }
        for (; b < n; b++) {
            int x0 = b * cols;
            FloatVector a0 = FloatVector.zero(F256);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            for (int i = 0; i < cols; i += 8) {
                FloatVector v = FloatVector.fromArray(F256, x, x0 + i);
                a0 = FloatVector.fromArray(F256, w, i).fma(v, a0);
                a1 = FloatVector.fromArray(F256, w, w1o + i).fma(v, a1);
                a2 = FloatVector.fromArray(F256, w, w2o + i).fma(v, a2);
            }
            out[b * rows + r] = BlockDot.sum(a0, tmp);
            out[b * rows + r + 1] = BlockDot.sum(a1, tmp);
            out[b * rows + r + 2] = BlockDot.sum(a2, tmp);
        }
    }

    /**
     * {@code out[b * rows + r]} and {@code out[b * rows + r + 1]} for every input row b: weight rows r and r + 1
     * are {@code w[0 ..cols)} and {@code w[cols ..2 cols)}.
     */
    static void twoRows(float[] w, float[] x, int n, int cols, float[] out, int rows, int r, float[] tmp) {
        int vec = cols & ~7;
        int b = 0;
        for (; b + 4 <= n; b += 4) {
            int x0 = b * cols;
            int x1 = x0 + cols;
            int x2 = x1 + cols;
            int x3 = x2 + cols;
            FloatVector a00 = FloatVector.zero(F256);
            FloatVector a01 = FloatVector.zero(F256);
            FloatVector a02 = FloatVector.zero(F256);
            FloatVector a03 = FloatVector.zero(F256);
            FloatVector a10 = FloatVector.zero(F256);
            FloatVector a11 = FloatVector.zero(F256);
            FloatVector a12 = FloatVector.zero(F256);
            FloatVector a13 = FloatVector.zero(F256);
            for (int i = 0; i < vec; i += 8) {
                FloatVector w0 = FloatVector.fromArray(F256, w, i);
                FloatVector w1 = FloatVector.fromArray(F256, w, cols + i);
                FloatVector v = FloatVector.fromArray(F256, x, x0 + i);
                a00 = w0.fma(v, a00);
                a10 = w1.fma(v, a10);
                v = FloatVector.fromArray(F256, x, x1 + i);
                a01 = w0.fma(v, a01);
                a11 = w1.fma(v, a11);
                v = FloatVector.fromArray(F256, x, x2 + i);
                a02 = w0.fma(v, a02);
                a12 = w1.fma(v, a12);
                v = FloatVector.fromArray(F256, x, x3 + i);
                a03 = w0.fma(v, a03);
                a13 = w1.fma(v, a13);
            }
            out[b * rows + r] = BlockDot.withTail(BlockDot.sum(a00, tmp), w, 0, x, x0, vec, cols);
            out[(b + 1) * rows + r] = BlockDot.withTail(BlockDot.sum(a01, tmp), w, 0, x, x1, vec, cols);
            out[(b + 2) * rows + r] = BlockDot.withTail(BlockDot.sum(a02, tmp), w, 0, x, x2, vec, cols);
            out[(b + 3) * rows + r] = BlockDot.withTail(BlockDot.sum(a03, tmp), w, 0, x, x3, vec, cols);
            out[b * rows + r + 1] = BlockDot.withTail(BlockDot.sum(a10, tmp), w, cols, x, x0, vec, cols);
            out[(b + 1) * rows + r + 1] = BlockDot.withTail(BlockDot.sum(a11, tmp), w, cols, x, x1, vec, cols);
            out[(b + 2) * rows + r + 1] = BlockDot.withTail(BlockDot.sum(a12, tmp), w, cols, x, x2, vec, cols);
            out[(b + 3) * rows + r + 1] = BlockDot.withTail(BlockDot.sum(a13, tmp), w, cols, x, x3, vec, cols);
        }
        for (; b < n; b++) {
            int x0 = b * cols;
            FloatVector a0 = FloatVector.zero(F256);
            FloatVector a1 = FloatVector.zero(F256);
            for (int i = 0; i < vec; i += 8) {
                FloatVector v = FloatVector.fromArray(F256, x, x0 + i);
                a0 = FloatVector.fromArray(F256, w, i).fma(v, a0);
                a1 = FloatVector.fromArray(F256, w, cols + i).fma(v, a1);
            }
            out[b * rows + r] = BlockDot.withTail(BlockDot.sum(a0, tmp), w, 0, x, x0, vec, cols);
            out[b * rows + r + 1] = BlockDot.withTail(BlockDot.sum(a1, tmp), w, cols, x, x0, vec, cols);
        }
    }

    /** Like {@link #twoRows} for the single weight row {@code w[0 ..cols)}. */
    static void oneRow(float[] w, float[] x, int n, int cols, float[] out, int rows, int r) {
        for (int b = 0; b < n; b++) {
            out[b * rows + r] = BlockDot.dot(w, 0, x, b * cols, cols);
        }
    }
}
