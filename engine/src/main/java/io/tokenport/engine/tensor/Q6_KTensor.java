package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q6_K: super-blocks of 256 elements, {@code u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d} (210 bytes), as 16
 * sub-blocks of 16 with a signed 8-bit scale each. Each half (128 elements) uses 64 bytes of {@code ql} and 32
 * of {@code qh}: for l < 32, elements l, l+32, l+64, l+96 take their low four bits from the low nibble of
 * {@code ql[l]}, the low nibble of {@code ql[l+32]}, the high nibble of {@code ql[l]}, the high nibble of
 * {@code ql[l+32]}, and their top two bits from bits 0-1, 2-3, 4-5, 6-7 of {@code qh[l]}. Element =
 * {@code d * scale * (q - 32)}, with the scale of sub-block {@code element / 16}.
 */
public final class Q6_KTensor extends FloatTensor {
    private static final int BLOCK_BYTES = 210;

    Q6_KTensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q6_K;
    }

    private long rowOffset(int row) {
        return (long) row * (cols / 256) * BLOCK_BYTES;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o + 208));
            for (int half = 0; half < 2; half++) {
                long ql = o + 64 * half;
                long qh = o + 128 + 32 * half;
                int e = i + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int a = data.get(BYTE, ql + l) & 0xFF;
                    int b = data.get(BYTE, ql + l + 32) & 0xFF;
                    int h = data.get(BYTE, qh + l) & 0xFF;
                    int q1 = ((a & 0xF) | (h & 3) << 4) - 32;
                    int q2 = ((b & 0xF) | (h >>> 2 & 3) << 4) - 32;
                    int q3 = ((a >>> 4) | (h >>> 4 & 3) << 4) - 32;
                    int q4 = ((b >>> 4) | (h >>> 6 & 3) << 4) - 32;
                    dst[dstOffset + e + l] = d * scale(o, (e - i + l) / 16) * q1;
                    dst[dstOffset + e + l + 32] = d * scale(o, (e - i + l + 32) / 16) * q2;
                    dst[dstOffset + e + l + 64] = d * scale(o, (e - i + l + 64) / 16) * q3;
                    dst[dstOffset + e + l + 96] = d * scale(o, (e - i + l + 96) / 16) * q4;
                }
            }
        }
    }

    private int scale(long block, int subBlock) {
        return data.get(BYTE, block + 192 + subBlock);
    }

    @Override
    boolean quantizesInput() {
        return true;
    }

    @Override
    float dotRow(int row, Activations in, int b) {
        int xo = b * cols;
        int ko = b * (cols / 32);
        short[] xq = in.q;
        float[] xs = in.scale;
        long o = rowOffset(row);
        FloatVector acc = FloatVector.zero(BlockDot.F256);
        // One sub-block of 16 per iteration (see Q4_KTensor.dotRow)
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o + 208));
            int k = ko + i / 32;
            for (int t = 0; t < 16; t++) {
                float scale = d * data.get(BYTE, o + 192 + t) * xs[k + (t >> 1)];
                acc = BlockDot.block16(subBlock(o, t), xq, xo + i + 16 * t, scale, acc);
            }
        }
        return BlockDot.sum(acc);
    }

    /**
     * Sub-block t (elements 16t .. 16t+15) of the super-block at {@code o}, as {@code q - 32}. In half
     * {@code t / 8}, it is quarter {@code (t % 8) / 2} (elements l, l+32, l+64 or l+96) with
     * {@code l = 16 * (t % 2) ..}.
     */
    private ShortVector subBlock(long o, int t) {
        int half = t >> 3;
        int quarter = (t & 7) >> 1;
        int l = 16 * (t & 1);
        ShortVector low = BlockDot.bytes(data, o + 64 * half + 32 * (quarter & 1) + l)
                .lanewise(VectorOperators.ASHR, 4 * (quarter >> 1)).and((short) 0xF);
        ShortVector high = BlockDot.bytes(data, o + 128 + 32 * half + l)
                .lanewise(VectorOperators.ASHR, 2 * quarter).and((short) 3);
        return low.or(high.lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
    }

    /** Row {@code row} as integers and block scales in {@code s} (see {@link Scratch}). */
    private void decodeRow(int row, Scratch s) {
        s.ensureQuantized(cols, 16);
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o + 208));
            for (int t = 0; t < 16; t++) {
                s.scale[i / 16 + t] = d * scale(o, t);
                subBlock(o, t).intoArray(s.q, i + 16 * t);
            }
        }
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        decodeRow(row, s);
        FloatGemm.toFloats(s, cols, 16, false, dst, off);
    }

}
