package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

/** Q8_0: blocks of 32 elements, {@code f16 d; i8 q[32]} (34 bytes); element = {@code d * q}. */
public final class Q8_0Tensor extends FloatTensor {
    private static final int BLOCK_BYTES = 34;
    private static final int L = Dot.LANES;

    Q8_0Tensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q8_0;
    }

    private long rowOffset(int row) {
        return (long) row * (cols / 32) * BLOCK_BYTES;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 32, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o));
            for (int j = 0; j < 32; j++) {
                dst[dstOffset + i + j] = d * data.get(BYTE, o + 2 + j);
            }
        }
    }

    /** Decodes in registers: {@code d * q}, exact in a float. */
    @Override
    float dotRow(int row, float[] x, Scratch scratch) {
        long o = rowOffset(row);
        FloatVector a0 = FloatVector.zero(Dot.F);
        FloatVector a1 = a0;
        for (int i = 0; i < cols; i += 32, o += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Dot.F, half(o));
            for (int j = 0; j < 32; j += 2 * L) {
                a0 = Dot.bytes(data, o + 2 + j).mul(d).fma(FloatVector.fromArray(Dot.F, x, i + j), a0);
                a1 = Dot.bytes(data, o + 2 + j + L).mul(d).fma(FloatVector.fromArray(Dot.F, x, i + j + L), a1);
            }
        }
        return Dot.sum(a0.add(a1));
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 32, o += BLOCK_BYTES) {
            FloatVector d = FloatVector.broadcast(Dot.F, half(o));
            for (int j = 0; j < 32; j += L) {
                Dot.bytes(data, o + 2 + j).mul(d).intoArray(dst, off + i + j);
            }
        }
    }
}
