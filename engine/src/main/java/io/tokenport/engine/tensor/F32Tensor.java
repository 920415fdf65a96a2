package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** Plain 32-bit floats. */
public final class F32Tensor extends FloatTensor {

    F32Tensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.F32;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        MemorySegment.copy(data, FLOAT_LE, (long) row * cols * 4, dst, dstOffset, cols);
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        dequantizeRow(row, dst, off);
    }

}
