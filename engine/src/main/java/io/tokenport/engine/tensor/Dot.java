package io.tokenport.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The one way every matmul kernel computes a dot product of a weight row with an input row, so that a result
 * never depends on the kernel, the tile, the thread split or how many input rows share the matmul.
 *
 * <p>Weights are decoded to floats, each element by the same operations in every kernel of its type (a small
 * integer times the block's scale, or one fused multiply-add), and multiplied with the float input in vectors of
 * {@link #LANES} lanes, the widest the CPU has (16 with AVX-512, 8 with AVX2; see {@link #F}). Whole vectors
 * ("chunks") alternate between two accumulators, chunk {@code c} into accumulator {@code c % 2}, so that two FMA
 * chains run side by side. Then:
 * <ol>
 * <li>{@code s = acc0 + acc1}, lane-wise;</li>
 * <li>if a last whole chunk is left over (only rows whose length is an odd number of chunks), {@code s += w * x}
 *     for it with one FMA per lane;</li>
 * <li>the lanes of {@code s} are summed as a tree, lane {@code j} plus lane {@code j + LANES/2}, then
 *     {@code j + LANES/4}, down to a single lane ({@link #sum});</li>
 * <li>the elements past the last whole chunk are added one by one ({@code tail += w * x}), and the result is
 *     {@code head + tail}.</li>
 * </ol>
 * Quantized rows are whole blocks of 32 (or 256), an even number of chunks: for them only steps 1 and 3 occur.
 */
final class Dot {
    /**
     * The CPU's widest float vectors, kept to 256 or 512 bits: narrower hardware (128-bit NEON) runs the 256-bit
     * kernels in the Vector API's portable form, slowly but with the same results as everywhere else.
     */
    static final VectorSpecies<Float> F = switch (FloatVector.SPECIES_PREFERRED.vectorBitSize()) {
        case 256, 512 -> FloatVector.SPECIES_PREFERRED;
        default -> FloatVector.SPECIES_PREFERRED.vectorBitSize() > 512 ? FloatVector.SPECIES_512
                : FloatVector.SPECIES_256;
    };
    /** Floats per vector. */
    static final int LANES = F.length();
    /** {@link #LANES} bytes: a chunk of 8-bit weights, widened to floats by {@link #bytes}. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * LANES));
    static final VectorSpecies<Integer> I = F.withLanes(int.class);

    private static final VectorShuffle<Float> BY_8 = VectorShuffle.iota(F, 8, 1, true);
    private static final VectorShuffle<Float> BY_4 = VectorShuffle.iota(F, 4, 1, true);
    private static final VectorShuffle<Float> BY_2 = VectorShuffle.iota(F, 2, 1, true);
    private static final VectorShuffle<Float> BY_1 = VectorShuffle.iota(F, 1, 1, true);

    private Dot() {
    }

    /** Step 3: the tree sum of the lanes of {@code s}. */
    static float sum(FloatVector s) {
        if (LANES == 16) {
            s = s.add(s.rearrange(BY_8));
        }
        s = s.add(s.rearrange(BY_4));
        s = s.add(s.rearrange(BY_2));
        return s.add(s.rearrange(BY_1)).lane(0);
    }

    /**
     * {@link #sum} of lanes {@code t[0 ..LANES)}, bit for bit, in scalar code (overwrites {@code t}): for kernels
     * whose body leaves C2 no inlining budget for the vector form (a call that is not inlined boxes its vector).
     */
    static float sum(float[] t) {
        for (int h = LANES / 2; h > 0; h >>= 1) {
            for (int j = 0; j < h; j++) {
                t[j] += t[j + h];
            }
        }
        return t[0];
    }

    /** {@code LANES} signed bytes at {@code offset}, as floats. */
    static FloatVector bytes(MemorySegment data, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B, data, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2F, F, 0);
    }

    /**
     * {@code LANES} signed bytes at {@code offset} as int lanes, for formats that pack small integers into bits
     * of bytes: shifts and masks are single instructions on int lanes (x86 has no byte shifts).
     */
    static IntVector ints(MemorySegment data, long offset) {
        return (IntVector) ByteVector.fromMemorySegment(B, data, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2I, I, 0);
    }

    /** Bits {@code shift ..shift + width} of each int lane (of bytes from {@link #ints}), as non-negative ints. */
    static IntVector bits(IntVector v, int shift, int mask) {
        return v.lanewise(VectorOperators.ASHR, shift).and(mask);
    }

    /** Int lanes as floats. */
    static FloatVector floats(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    /** The dot product of {@code w[wo ..+len)} and {@code x[xo ..+len)}, computed as the class comment says. */
    static float dot(float[] w, int wo, float[] x, int xo, int len) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        int i = 0;
        for (; i + 2 * LANES <= len; i += 2 * LANES) {
            a0 = FloatVector.fromArray(F, w, wo + i).fma(FloatVector.fromArray(F, x, xo + i), a0);
            a1 = FloatVector.fromArray(F, w, wo + i + LANES).fma(FloatVector.fromArray(F, x, xo + i + LANES), a1);
        }
        FloatVector s = a0.add(a1);
        if (i + LANES <= len) {
            s = FloatVector.fromArray(F, w, wo + i).fma(FloatVector.fromArray(F, x, xo + i), s);
            i += LANES;
        }
        return withTail(sum(s), w, wo, x, xo, i, len);
    }

    /**
     * Steps 2 to 4 for accumulators whose lane-wise sum (step 1) a tile stored in {@code t}, the whole chunks of
     * {@code w} and {@code x} before {@code from} done: the same result as {@link #dot}.
     */
    static float finish(float[] t, float[] w, int wo, float[] x, int xo, int from, int len) {
        if (from + LANES <= len) {
            for (int j = 0; j < LANES; j++) {
                t[j] = Math.fma(w[wo + from + j], x[xo + from + j], t[j]);
            }
            from += LANES;
        }
        return withTail(sum(t), w, wo, x, xo, from, len);
    }

    /** Step 4: {@code head} plus the elements {@code from <= i < len}, if there are any. */
    static float withTail(float head, float[] w, int wo, float[] x, int xo, int from, int len) {
        if (from == len) {
            return head;
        }
        float tail = 0;
        for (int i = from; i < len; i++) {
            tail += w[wo + i] * x[xo + i];
        }
        return head + tail;
    }
}
