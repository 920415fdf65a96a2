package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q4_0: blocks of 32 elements, {@code f16 d; u8 qs[16]} (18 bytes). Byte j holds element j in its low nibble
 * and element j + 16 in its high nibble; element = {@code d * (q - 8)}.
 */
public final class Q4_0Tensor extends FloatTensor {
    private static final int BLOCK_BYTES = 18;

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

    @Override
    boolean quantizesInput() {
        return true;
    }

    private static ShortVector low(ShortVector packed) {
        return packed.and((short) 0xF).sub((short) 8);
    }

    private static ShortVector high(ShortVector packed) {
        return packed.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).sub((short) 8);
    }

    @Override
    float dotRow(int row, Activations in) {
        short[] xq = in.q;
        float[] xs = in.scale;
        int nb = cols / 32;
        long o = rowOffset(row);
        FloatVector acc0 = FloatVector.zero(BlockDot.F256);
        FloatVector acc1 = FloatVector.zero(BlockDot.F256);
        int k = 0;
        for (; k + 1 < nb; k += 2, o += 2 * BLOCK_BYTES) {
            long o1 = o + BLOCK_BYTES;
            ShortVector p0 = BlockDot.bytes(data, o + 2);
            ShortVector p1 = BlockDot.bytes(data, o1 + 2);
            acc0 = BlockDot.block32(low(p0), high(p0), xq, 32 * k, half(o) * xs[k], acc0);
            acc1 = BlockDot.block32(low(p1), high(p1), xq, 32 * k + 32, half(o1) * xs[k + 1], acc1);
        }
        if (k < nb) {
            ShortVector p0 = BlockDot.bytes(data, o + 2);
            acc0 = BlockDot.block32(low(p0), high(p0), xq, 32 * k, half(o) * xs[k], acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Row {@code row} as integers and block scales in {@code s} (see {@link Scratch}). */
    private void decodeRow(int row, Scratch s) {
        s.ensureQuantized(cols, 32);
        long o = rowOffset(row);
        for (int k = 0; k < cols / 32; k++, o += BLOCK_BYTES) {
            s.scale[k] = Float.float16ToFloat(data.get(SHORT_LE, o));
            ShortVector p = BlockDot.bytes(data, o + 2);
            low(p).intoArray(s.q, 32 * k);
            high(p).intoArray(s.q, 32 * k + 16);
        }
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        decodeRow(row, s);
        FloatGemm.toFloats(s, cols, 32, false, dst, off);
    }

}
