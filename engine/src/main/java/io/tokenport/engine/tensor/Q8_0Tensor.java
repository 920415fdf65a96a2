package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

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
            acc0 = BlockDot.block32(BlockDot.bytes(data, o + 2), BlockDot.bytes(data, o + 18), xq, 32 * k,
                    half(o) * xs[k], acc0);
            acc1 = BlockDot.block32(BlockDot.bytes(data, o1 + 2), BlockDot.bytes(data, o1 + 18), xq, 32 * k + 32,
                    half(o1) * xs[k + 1], acc1);
        }
        if (k < nb) {
            acc0 = BlockDot.block32(BlockDot.bytes(data, o + 2), BlockDot.bytes(data, o + 18), xq, 32 * k,
                    half(o) * xs[k], acc0);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
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
