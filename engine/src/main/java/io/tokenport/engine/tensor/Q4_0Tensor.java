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

    /**
     * One accumulator, one block per step: {@link #dotRow2} repeats exactly these operations for two inputs
     * (a larger body, four inputs or two accumulators each, exceeds what C2 inlines, boxing the vectors).
     */
    @Override
    float dotRow(int row, Activations in, int b) {
        int xo = b * cols;
        int ko = b * (cols / 32);
        short[] xq = in.q;
        float[] xs = in.scale;
        int nb = cols / 32;
        long o = rowOffset(row);
        FloatVector acc = FloatVector.zero(BlockDot.F256);
        for (int k = 0; k < nb; k++, o += BLOCK_BYTES) {
            ShortVector p = BlockDot.bytes(data, o + 2);
            ShortVector w0 = low(p);
            ShortVector w1 = high(p);
            acc = BlockDot.block32(w0, w1, xq, xo + 32 * k, half(o) * xs[ko + k], acc);
        }
        return BlockDot.sum(acc);
    }

    /** {@link #dotRow} for inputs b and b+1, each weight block decoded once (see {@link FloatTensor#dotRow2}). */
    @Override
    void dotRow2(int row, Activations in, int b, float[] out, Scratch scratch) {
        int x0 = b * cols;
        int x1 = x0 + cols;
        int k0 = b * (cols / 32);
        int k1 = k0 + cols / 32;
        short[] xq = in.q;
        float[] xs = in.scale;
        int nb = cols / 32;
        long o = rowOffset(row);
        FloatVector a0 = FloatVector.zero(BlockDot.F256);
        FloatVector a1 = a0;
        for (int k = 0; k < nb; k++, o += BLOCK_BYTES) {
            ShortVector p = BlockDot.bytes(data, o + 2);
            ShortVector w0 = low(p);
            ShortVector w1 = high(p);
            float h = half(o);
            a0 = BlockDot.block32(w0, w1, xq, x0 + 32 * k, h * xs[k0 + k], a0);
            a1 = BlockDot.block32(w0, w1, xq, x1 + 32 * k, h * xs[k1 + k], a1);
        }
        out[b * rows + row] = BlockDot.sum(a0, scratch.lanes);
        out[(b + 1) * rows + row] = BlockDot.sum(a1, scratch.lanes);
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
