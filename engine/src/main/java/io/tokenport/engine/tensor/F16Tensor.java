package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** IEEE half-precision floats. */
public final class F16Tensor extends FloatTensor {

    F16Tensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.F16;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        long base = (long) row * cols * 2;
        for (int i = 0; i < cols; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(data.get(SHORT_LE, base + 2L * i));
        }
    }

    /**
     * 8 halves at {@code offset} as floats. The magnitude bits shifted into a float's place and multiplied by
     * 2^112 (the difference of the exponent biases) are exact for normal and subnormal halves; infinities and
     * NaNs get an all-ones exponent instead.
     */
    static FloatVector halves(MemorySegment data, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data, offset,
                ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.S2I, IntVector.SPECIES_256, 0);
        IntVector magnitude = h.and(0x7fff);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7c00);
        IntVector bits = finite.blend(shifted.or(0x7f80_0000), special)
                .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16));
        return bits.reinterpretAsFloats();
    }

    @Override
    void decodeFloatRow(int row, Scratch scratch, float[] dst, int off) {
        long base = (long) row * cols * 2;
        int i = 0;
        for (; i + 8 <= cols; i += 8) {
            halves(data, base + 2L * i).intoArray(dst, off + i);
        }
        for (; i < cols; i++) {
            dst[off + i] = Float.float16ToFloat(data.get(SHORT_LE, base + 2L * i));
        }
    }

}
