package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

import java.lang.foreign.MemorySegment;

/** Q8_0: blocks of 32 elements, {@code f16 d; i8 q[32]} (34 bytes); element = {@code d * q}. */
public final class Q8_0Tensor extends FloatTensor {
    private static final int BLOCK_BYTES = 34;

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

    @Override
    boolean quantizesInput() {
        return true;
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
            ShortVector w0 = BlockDot.bytes(data, o + 2);
            ShortVector w1 = BlockDot.bytes(data, o + 18);
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
            ShortVector w0 = BlockDot.bytes(data, o + 2);
            ShortVector w1 = BlockDot.bytes(data, o + 18);
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
            BlockDot.bytes(data, o + 2).intoArray(s.q, 32 * k);
            BlockDot.bytes(data, o + 18).intoArray(s.q, 32 * k + 16);
        }
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        decodeRow(row, s);
        FloatGemm.toFloats(s, cols, 32, false, dst, off);
    }

}
