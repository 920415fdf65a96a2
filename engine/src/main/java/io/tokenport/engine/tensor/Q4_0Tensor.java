package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0: blocks of 32 elements, {@code f16 d; u8 qs[16]} (18 bytes). Byte j holds element j in its low nibble
 * and element j + 16 in its high nibble; element = {@code d * (q - 8)}.
 */
public final class Q4_0Tensor extends FloatTensor {
    private static final int BLOCK_BYTES = 18;
    private static final int L = Dot.LANES;

    Q4_0Tensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q4_0;
    }

    private long rowOffset(int row) {
        return (long) row * (cols / 32) * BLOCK_BYTES;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 32, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o));
            for (int j = 0; j < 16; j++) {
                int b = data.get(BYTE, o + 2 + j) & 0xFF;
                dst[dstOffset + i + j] = d * ((b & 0xF) - 8);
                dst[dstOffset + i + j + 16] = d * ((b >>> 4) - 8);
            }
        }
    }

    /**
     * Chunk {@code c} (elements {@code c * L ..+L}) of the block at {@code o}, as {@code d * (q - 8)}, computed
     * as {@code q * d + (-8 d)} (exact: both products and their difference fit a float's 24 bits): the low
     * nibbles of the block's 16 bytes are elements 0-15, the high ones 16-31.
     */
    private FloatVector chunk(long o, int c, FloatVector d, FloatVector minus8d) {
        int e = c * L;
        return Dot.floats(Dot.bits(Dot.ints(data, o + 2 + (e & 15)), (e >> 4) << 2, 0xF)).fma(d, minus8d);
    }

    /** Decodes in registers (see {@link #chunk}). */
    @Override
    float dotRow(int row, float[] x, Scratch scratch) {
        long o = rowOffset(row);
        FloatVector a0 = FloatVector.zero(Dot.F);
        FloatVector a1 = a0;
        for (int i = 0; i < cols; i += 32, o += BLOCK_BYTES) {
            float h = half(o);
            FloatVector d = FloatVector.broadcast(Dot.F, h);
            FloatVector minus8d = FloatVector.broadcast(Dot.F, -8 * h);
            for (int c = 0; c < 32 / L; c += 2) {
                a0 = chunk(o, c, d, minus8d).fma(FloatVector.fromArray(Dot.F, x, i + c * L), a0);
                a1 = chunk(o, c + 1, d, minus8d).fma(FloatVector.fromArray(Dot.F, x, i + c * L + L), a1);
            }
        }
        return Dot.sum(a0.add(a1));
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 32, o += BLOCK_BYTES) {
            float h = half(o);
            FloatVector d = FloatVector.broadcast(Dot.F, h);
            FloatVector minus8d = FloatVector.broadcast(Dot.F, -8 * h);
            for (int c = 0; c < 32 / L; c++) {
                chunk(o, c, d, minus8d).intoArray(dst, off + i + c * L);
            }
        }
    }
}
