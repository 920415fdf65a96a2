package io.tokenport.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The integer arithmetic shared by the quantized types, on 256-bit vectors (AVX2).
 *
 * <p>Weights and inputs meet in 16-bit lanes: 16 weights times 16 inputs, two such products added per lane
 * (each sum fits: |w| <= 128, |x| <= 127), then adjacent lanes summed into 8 int lanes, converted to float and
 * scaled by the block's two scales with one FMA. The Vector API has no int8 multiply-add like x86's
 * {@code vpmaddubsw}; 16-bit lanes are the narrowest it multiplies without widening twice.
 */
final class BlockDot {
    static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;

    /** Lane i + 4 to lane i (mod 8), then i + 2 (mod 4), then i + 1 (mod 2): the steps of {@link #sum}. */
    private static final VectorShuffle<Float> HALVES = VectorShuffle.fromValues(F256, 4, 5, 6, 7, 0, 1, 2, 3);
    private static final VectorShuffle<Float> QUARTERS = VectorShuffle.fromValues(F256, 2, 3, 0, 1, 6, 7, 4, 5);
    private static final VectorShuffle<Float> PAIRS = VectorShuffle.fromValues(F256, 1, 0, 3, 2, 5, 4, 7, 6);

    private BlockDot() {
    }

    /**
     * The sum of the 8 lanes in a fixed order, {@code ((v0 + v4) + (v2 + v6)) + ((v1 + v5) + (v3 + v7))}: the
     * Vector API leaves the order of {@code reduceLanes(ADD)} unspecified (interpreted and compiled code may
     * differ), and every matmul result must be reproducible bit for bit.
     */
    static float sum(FloatVector v) {
        FloatVector s = v.add(v.rearrange(HALVES));
        s = s.add(s.rearrange(QUARTERS));
        return s.add(s.rearrange(PAIRS)).lane(0);
    }

    /**
     * {@link #sum} of {@code v}, bit for bit, through {@code tmp[0 ..8)}: scalar adds in the same order. For
     * kernels whose body leaves C2 no inlining budget for the vector form (a call that is not inlined boxes).
     */
    static float sum(FloatVector v, float[] tmp) {
        v.intoArray(tmp, 0);
        return ((tmp[0] + tmp[4]) + (tmp[2] + tmp[6])) + ((tmp[1] + tmp[5]) + (tmp[3] + tmp[7]));
    }

    /** 16 bytes at {@code offset} as 16 sign-extended short lanes. */
    static ShortVector bytes(MemorySegment data, long offset) {
        return (ShortVector) ByteVector.fromMemorySegment(B128, data, offset, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.B2S, S256, 0);
    }

    /** Sums lanes 2i and 2i+1 of 16 short products into 8 lanes, as floats. */
    static FloatVector pairSums(ShortVector products) {
        IntVector v = products.reinterpretAsInts();
        IntVector s = v.lanewise(VectorOperators.ASHR, 16)
                .add(v.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
        return (FloatVector) s.convert(VectorOperators.I2F, 0);
    }

    /** {@code w0 . x[i ..+16] + w1 . x[i+16 ..+16]} for one 32-element block, as 8 float partial sums. */
    static FloatVector block32(ShortVector w0, ShortVector w1, short[] x, int i) {
        ShortVector p = w0.mul(ShortVector.fromArray(S256, x, i))
                .add(w1.mul(ShortVector.fromArray(S256, x, i + 16)));
        return pairSums(p);
    }

    /** {@code acc + scale * (w0 . x[i ..+16] + w1 . x[i+16 ..+16])}, lane-wise. */
    static FloatVector block32(ShortVector w0, ShortVector w1, short[] x, int i, float scale, FloatVector acc) {
        return block32(w0, w1, x, i).fma(FloatVector.broadcast(F256, scale), acc);
    }

    /** {@code acc + scale * (w . x[i ..+16])}, lane-wise. */
    static FloatVector block16(ShortVector w, short[] x, int i, float scale, FloatVector acc) {
        return block16(w, x, i).fma(FloatVector.broadcast(F256, scale), acc);
    }

    /** {@code w . x[i ..+16]} for one 16-element half block, as 8 float partial sums. */
    static FloatVector block16(ShortVector w, short[] x, int i) {
        return pairSums(w.mul(ShortVector.fromArray(S256, x, i)));
    }

    /**
     * {@code sum a[ao + i] * b[bo + i]} for {@code i < len}, in the order every float kernel uses (so that a
     * result does not depend on the tile it was computed in): one 8-lane FMA accumulator over the whole vectors,
     * summed by {@link #sum}, plus the scalar tail (see {@link #withTail}).
     */
    static float dot(float[] a, int ao, float[] b, int bo, int len) {
        FloatVector acc = FloatVector.zero(F256);
        int vec = len & ~7;
        for (int i = 0; i < vec; i += 8) {
            acc = FloatVector.fromArray(F256, a, ao + i).fma(FloatVector.fromArray(F256, b, bo + i), acc);
        }
        return withTail(sum(acc), a, ao, b, bo, vec, len);
    }

    /** {@code head} plus the elements {@code from <= i < len} past the last whole vector, if there are any. */
    static float withTail(float head, float[] a, int ao, float[] b, int bo, int from, int len) {
        if (from == len) {
            return head;
        }
        float tail = 0;
        for (int i = from; i < len; i++) {
            tail += a[ao + i] * b[bo + i];
        }
        return head + tail;
    }
}
