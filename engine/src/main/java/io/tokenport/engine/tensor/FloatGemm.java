package io.tokenport.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The kernel for several input rows (batched decoding and prefill): a block of weight rows decoded to floats
 * once ({@link FloatTensor} sizes it to stay in L2), then multiplied with the input rows in a register tile of 2
 * weight rows x 4 input rows, each pair with its two accumulators (16 live vectors, 4 weight and 8 input loads per
 * 16 FMAs: the FMA units set the pace, and AVX-512's 32 registers hold it all). The tile's eight lane sums are
 * combined by shuffles, three stages for all eight at once. Leftover input rows take a 2 x 1 tile, a leftover
 * weight row {@link Dot#dot}.
 *
 * <p>Every tile computes each (row, input) pair exactly as {@link Dot} defines; so a result does not depend on
 * the tile, the thread split or the number of inputs.
 */
final class FloatGemm {
    private static final VectorSpecies<Float> F = Dot.F;
    private static final int L = Dot.LANES;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;

    private FloatGemm() {
    }

    /** 16 bytes at {@code offset} as 16 sign-extended short lanes (formats decoded through {@link #toFloats}). */
    static ShortVector widen(MemorySegment data, long offset) {
        return (ShortVector) ByteVector.fromMemorySegment(B128, data, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2S, S256, 0);
    }

    /**
     * Writes {@code s.q[i] * s.scale[i / blockSize] + s.bias[i / 32]} (bias only when {@code withBias}) to
     * {@code dst[off ..+cols]}, each element with one fused multiply-add: a quantized row decoded into {@code s}
     * as integers, as floats.
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
     * {@code out[b * rows + r0 + j]} for every input row {@code b < n} and the {@code count} weight rows
     * {@code w[j * cols ..(j + 1) * cols)}: inputs four at a time over every pair of rows (then a leftover input
     * over every pair, then a leftover row over every input); {@code t} holds {@link Dot#LANES} floats.
     */
    static void rows(float[] w, int count, float[] x, int n, int cols, float[] out, int rows, int r0, float[] t) {
        int pairs = count & ~1;
        int b = 0;
        for (; b + 4 <= n; b += 4) {
            for (int j = 0; j < pairs; j += 2) {
                fourInputs(w, j * cols, x, b * cols, cols, out, b * rows + r0 + j, rows, t);
            }
        }
        for (; b < n; b++) {
            for (int j = 0; j < pairs; j += 2) {
                oneInput(w, j * cols, x, b * cols, cols, out, b * rows + r0 + j, t);
            }
        }
        if (pairs < count) {
            for (b = 0; b < n; b++) {
                out[b * rows + r0 + pairs] = Dot.dot(w, pairs * cols, x, b * cols, cols);
            }
        }
    }

    // Summing the lanes of the 8 accumulators of a 2 x 4 tile at once, in the order of Dot.sum: each stage
    // combines two vectors X and Y into one, adding lanes j and j + h of each of their segments of 2h lanes
    // (segments of X to the even h-lane segments of the result, those of Y to the odd ones), h = L/2, L/4, L/8;
    // with 16 lanes a last step adds neighbouring lanes. SUM_LANE[k] is the lane that then holds vector k's sum.
    private static final VectorShuffle<Float> LO_1 = combine(L / 2, false);
    private static final VectorShuffle<Float> HI_1 = combine(L / 2, true);
    private static final VectorShuffle<Float> LO_2 = combine(L / 4, false);
    private static final VectorShuffle<Float> HI_2 = combine(L / 4, true);
    private static final VectorShuffle<Float> LO_3 = combine(L / 8, false);
    private static final VectorShuffle<Float> HI_3 = combine(L / 8, true);
    private static final VectorShuffle<Float> NEXT = VectorShuffle.iota(F, 1, 1, true);
    private static final int[] SUM_LANE = sumLanes();

    /** The lanes of X (indexes 0 ..L) or Y (-L ..0) that a stage of half-width h adds as first or second operand. */
    private static VectorShuffle<Float> combine(int h, boolean second) {
        int[] index = new int[L];
        for (int i = 0; i < L; i++) {
            int q = i / h;
            int lane = (q / 2) * 2 * h + (second ? h : 0) + i % h;
            index[i] = q % 2 == 0 ? lane : lane - L;
        }
        return VectorShuffle.fromValues(F, index);
    }

    private static int[] sumLanes() {
        int[][] owner = new int[8][L];
        for (int k = 0; k < 8; k++) {
            java.util.Arrays.fill(owner[k], k);
        }
        int[][] stage1 = {stage(owner[0], owner[1], L / 2), stage(owner[2], owner[3], L / 2),
            stage(owner[4], owner[5], L / 2), stage(owner[6], owner[7], L / 2)};
        int[][] stage2 = {stage(stage1[0], stage1[1], L / 4), stage(stage1[2], stage1[3], L / 4)};
        int[] last = stage(stage2[0], stage2[1], L / 8);
        int width = L / 8;
        int[] lane = new int[8];
        for (int i = 0; i < L; i += width) {
            lane[last[i]] = i;
        }
        return lane;
    }

    private static int[] stage(int[] x, int[] y, int h) {
        int[] out = new int[L];
        for (int i = 0; i < L; i++) {
            int q = i / h;
            out[i] = (q % 2 == 0 ? x : y)[(q / 2) * 2 * h + i % h];
        }
        return out;
    }

    /**
     * A 2 x 4 tile: weight rows {@code w[wo ..wo + cols)} and the next {@code cols} times input rows
     * {@code x[x0 + j * cols ..]}, {@code j < 4}, into {@code out[o + j * rows]} and {@code out[o + j * rows + 1]}.
     */
    private static void fourInputs(float[] w, int wo, float[] x, int x0, int cols, float[] out, int o, int rows,
            float[] t) {
        int vec = cols / (2 * L) * (2 * L);
        int u = wo + cols;
        int x1 = x0 + cols;
        int x2 = x1 + cols;
        int x3 = x2 + cols;
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = a00;
        FloatVector a02 = a00;
        FloatVector a03 = a00;
        FloatVector a10 = a00;
        FloatVector a11 = a00;
        FloatVector a12 = a00;
        FloatVector a13 = a00;
        FloatVector c00 = a00;
        FloatVector c01 = a00;
        FloatVector c02 = a00;
        FloatVector c03 = a00;
        FloatVector c10 = a00;
        FloatVector c11 = a00;
        FloatVector c12 = a00;
        FloatVector c13 = a00;
        for (int i = 0; i < vec; i += 2 * L) {
            FloatVector w0 = FloatVector.fromArray(F, w, wo + i);
            FloatVector w1 = FloatVector.fromArray(F, w, u + i);
            FloatVector v0 = FloatVector.fromArray(F, w, wo + i + L);
            FloatVector v1 = FloatVector.fromArray(F, w, u + i + L);
            FloatVector in = FloatVector.fromArray(F, x, x0 + i);
            a00 = w0.fma(in, a00);
            a10 = w1.fma(in, a10);
            in = FloatVector.fromArray(F, x, x0 + i + L);
            c00 = v0.fma(in, c00);
            c10 = v1.fma(in, c10);
            in = FloatVector.fromArray(F, x, x1 + i);
            a01 = w0.fma(in, a01);
            a11 = w1.fma(in, a11);
            in = FloatVector.fromArray(F, x, x1 + i + L);
            c01 = v0.fma(in, c01);
            c11 = v1.fma(in, c11);
            in = FloatVector.fromArray(F, x, x2 + i);
            a02 = w0.fma(in, a02);
            a12 = w1.fma(in, a12);
            in = FloatVector.fromArray(F, x, x2 + i + L);
            c02 = v0.fma(in, c02);
            c12 = v1.fma(in, c12);
            in = FloatVector.fromArray(F, x, x3 + i);
            a03 = w0.fma(in, a03);
            a13 = w1.fma(in, a13);
            in = FloatVector.fromArray(F, x, x3 + i + L);
            c03 = v0.fma(in, c03);
            c13 = v1.fma(in, c13);
        }
        a00 = a00.add(c00);
        a10 = a10.add(c10);
        a01 = a01.add(c01);
        a11 = a11.add(c11);
        a02 = a02.add(c02);
        a12 = a12.add(c12);
        a03 = a03.add(c03);
        a13 = a13.add(c13);
        if (vec != cols) { // float types only: a leftover vector or a tail, summed one pair at a time
            a00.intoArray(t, 0);
            out[o] = Dot.finish(t, w, wo, x, x0, vec, cols);
            a10.intoArray(t, 0);
            out[o + 1] = Dot.finish(t, w, u, x, x0, vec, cols);
            a01.intoArray(t, 0);
            out[o + rows] = Dot.finish(t, w, wo, x, x1, vec, cols);
            a11.intoArray(t, 0);
            out[o + rows + 1] = Dot.finish(t, w, u, x, x1, vec, cols);
            a02.intoArray(t, 0);
            out[o + 2 * rows] = Dot.finish(t, w, wo, x, x2, vec, cols);
            a12.intoArray(t, 0);
            out[o + 2 * rows + 1] = Dot.finish(t, w, u, x, x2, vec, cols);
            a03.intoArray(t, 0);
            out[o + 3 * rows] = Dot.finish(t, w, wo, x, x3, vec, cols);
            a13.intoArray(t, 0);
            out[o + 3 * rows + 1] = Dot.finish(t, w, u, x, x3, vec, cols);
            return;
        }
        FloatVector s0 = a00.rearrange(LO_1, a10).add(a00.rearrange(HI_1, a10));
        FloatVector s1 = a01.rearrange(LO_1, a11).add(a01.rearrange(HI_1, a11));
        FloatVector s2 = a02.rearrange(LO_1, a12).add(a02.rearrange(HI_1, a12));
        FloatVector s3 = a03.rearrange(LO_1, a13).add(a03.rearrange(HI_1, a13));
        s0 = s0.rearrange(LO_2, s1).add(s0.rearrange(HI_2, s1));
        s2 = s2.rearrange(LO_2, s3).add(s2.rearrange(HI_2, s3));
        s0 = s0.rearrange(LO_3, s2).add(s0.rearrange(HI_3, s2));
        if (L == 16) {
            s0 = s0.add(s0.rearrange(NEXT));
        }
        s0.intoArray(t, 0);
        // vectors in stage order: a00, a10, a01, a11, a02, a12, a03, a13
        out[o] = t[SUM_LANE[0]];
        out[o + 1] = t[SUM_LANE[1]];
        out[o + rows] = t[SUM_LANE[2]];
        out[o + rows + 1] = t[SUM_LANE[3]];
        out[o + 2 * rows] = t[SUM_LANE[4]];
        out[o + 2 * rows + 1] = t[SUM_LANE[5]];
        out[o + 3 * rows] = t[SUM_LANE[6]];
        out[o + 3 * rows + 1] = t[SUM_LANE[7]];
    }

    /** A 2 x 1 tile: weight rows {@code w[wo ..wo + cols)} and the next {@code cols} times {@code x[x0 ..+cols)}. */
    private static void oneInput(float[] w, int wo, float[] x, int x0, int cols, float[] out, int o, float[] t) {
        int vec = cols / (2 * L) * (2 * L);
        int u = wo + cols;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        for (int i = 0; i < vec; i += 2 * L) {
            FloatVector in = FloatVector.fromArray(F, x, x0 + i);
            a0 = FloatVector.fromArray(F, w, wo + i).fma(in, a0);
            a1 = FloatVector.fromArray(F, w, u + i).fma(in, a1);
            in = FloatVector.fromArray(F, x, x0 + i + L);
            c0 = FloatVector.fromArray(F, w, wo + i + L).fma(in, c0);
            c1 = FloatVector.fromArray(F, w, u + i + L).fma(in, c1);
        }
        a0.add(c0).intoArray(t, 0);
        out[o] = Dot.finish(t, w, wo, x, x0, vec, cols);
        a1.add(c1).intoArray(t, 0);
        out[o + 1] = Dot.finish(t, w, u, x, x0, vec, cols);
    }

}
