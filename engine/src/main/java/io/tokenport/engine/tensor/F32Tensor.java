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
    boolean quantizesInput() {
        return false;
    }

    /**
     * The same arithmetic as {@link FloatGemm} (one accumulator, {@link BlockDot#sum}, then the scalar tail), so
     * that a result does not depend on how many input rows the matmul has.
     */
    @Override
    float dotRow(int row, Activations in, int b) {
        float[] x = in.x;
        int xo = b * cols;
        long base = (long) row * cols * 4;
        int vec = cols & ~7;
        FloatVector acc = FloatVector.zero(BlockDot.F256);
        for (int i = 0; i < vec; i += 8) {
            acc = FloatVector.fromMemorySegment(BlockDot.F256, data, base + 4L * i, ByteOrder.LITTLE_ENDIAN)
                    .fma(FloatVector.fromArray(BlockDot.F256, x, xo + i), acc);
        }
        float head = BlockDot.sum(acc);
        if (vec == cols) {
            return head;
        }
        float tail = 0;
        for (int i = vec; i < cols; i++) {
            tail += data.get(FLOAT_LE, base + 4L * i) * x[xo + i];
        }
        return head + tail;
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        dequantizeRow(row, dst, off);
    }

}
