package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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
    boolean quantizesInput() {
        return false;
    }

    @Override
    float dotRow(int row, Activations in) {
        float[] x = in.x;
        long base = (long) row * cols * 4;
        FloatVector acc0 = FloatVector.zero(BlockDot.F256);
        FloatVector acc1 = FloatVector.zero(BlockDot.F256);
        int i = 0;
        for (; i + 16 <= cols; i += 16) {
            acc0 = FloatVector.fromMemorySegment(BlockDot.F256, data, base + 4L * i, ByteOrder.LITTLE_ENDIAN)
                    .fma(FloatVector.fromArray(BlockDot.F256, x, i), acc0);
            acc1 = FloatVector.fromMemorySegment(BlockDot.F256, data, base + 4L * i + 32, ByteOrder.LITTLE_ENDIAN)
                    .fma(FloatVector.fromArray(BlockDot.F256, x, i + 8), acc1);
        }
        float r = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) {
            r += data.get(FLOAT_LE, base + 4L * i) * x[i];
        }
        return r;
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        dequantizeRow(row, dst, off);
    }

}
