package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** bfloat16: the top 16 bits of a float. */
public final class BF16Tensor extends FloatTensor {

    BF16Tensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.BF16;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        long base = (long) row * cols * 2;
        for (int i = 0; i < cols; i++) {
            dst[dstOffset + i] = Float.intBitsToFloat(data.get(SHORT_LE, base + 2L * i) << 16);
        }
    }

    /** 8 bfloat16 values at {@code offset} as floats. */
    private static FloatVector bf16(MemorySegment data, long offset) {
        ShortVector bits =
                ShortVector.fromMemorySegment(ShortVector.SPECIES_128, data, offset, ByteOrder.LITTLE_ENDIAN);
        return ((IntVector) bits.convertShape(VectorOperators.S2I, IntVector.SPECIES_256, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    void decodeFloatRow(int row, Scratch scratch, float[] dst, int off) {
        long base = (long) row * cols * 2;
        int i = 0;
        for (; i + 8 <= cols; i += 8) {
            bf16(data, base + 2L * i).intoArray(dst, off + i);
        }
        for (; i < cols; i++) {
            dst[off + i] = Float.intBitsToFloat(data.get(SHORT_LE, base + 2L * i) << 16);
        }
    }

}
