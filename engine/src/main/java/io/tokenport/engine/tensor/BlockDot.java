package io.tokenport.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
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

    private BlockDot() {
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

    /** {@code sum a[ao + i] * b[bo + i]} for {@code i < len}. */
    static float dot(float[] a, int ao, float[] b, int bo, int len) {
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        int i = 0;
        for (; i + 16 <= len; i += 16) {
            acc0 = FloatVector.fromArray(F256, a, ao + i).fma(FloatVector.fromArray(F256, b, bo + i), acc0);
            acc1 = FloatVector.fromArray(F256, a, ao + i + 8).fma(FloatVector.fromArray(F256, b, bo + i + 8), acc1);
        }
        float r = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            r += a[ao + i] * b[bo + i];
        }
        return r;
    }
}
