package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K: super-blocks of 256 elements, {@code f16 d; f16 dmin; u8 scales[12]; u8 qs[128]} (144 bytes), as 8
 * sub-blocks of 32 with a 6-bit scale and a 6-bit min each (packed in {@code scales}, see {@link #scale}).
 * Each 32 bytes of {@code qs} hold sub-block 2g in their low nibbles and sub-block 2g + 1 in their high nibbles;
 * element = {@code d * scale * q - dmin * min}.
 */
public final class Q4_KTensor extends FloatTensor {
    private static final int BLOCK_BYTES = 144;

    Q4_KTensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q4_K;
    }

    private long rowOffset(int row) {
        return (long) row * (cols / 256) * BLOCK_BYTES;
    }

    /** Byte k of the 12 scale bytes, given as their first 8 ({@code lo}) and last 4 ({@code hi}). */
    private static int scaleByte(long lo, int hi, int k) {
        return k < 8 ? (int) (lo >>> (8 * k)) & 0xFF : (hi >>> (8 * (k - 8))) & 0xFF;
    }

    /**
     * The 6-bit scale of sub-block j (0..7). Bytes 0-3 hold scales 0-3 in their low 6 bits, bytes 4-7 mins 0-3;
     * scales and mins 4-7 take their low 4 bits from the nibbles of bytes 8-11 and their top 2 bits from the
     * spare top bits of bytes 0-3 (scales) and 4-7 (mins).
     */
    static int scale(long lo, int hi, int j) {
        return j < 4 ? scaleByte(lo, hi, j) & 63
                : (scaleByte(lo, hi, j + 4) & 0xF) | (scaleByte(lo, hi, j - 4) >>> 6) << 4;
    }

    /**
     * All 8 scales of a super-block as the bytes of a long (scale j in byte j), unpacked with word-wide masks
     * (see {@link #scale} for the layout): the hot loop then takes each with a shift.
     */
    static long scales(long lo, int hi) {
        int u0 = (int) lo;
        int u2 = hi;
        int first = u0 & 0x3f3f3f3f;
        int second = (u2 & 0x0f0f0f0f) | ((u0 >>> 6) & 0x03030303) << 4;
        return (first & 0xffffffffL) | (long) second << 32;
    }

    /** All 8 mins of a super-block as the bytes of a long, like {@link #scales}. */
    static long mins(long lo, int hi) {
        int u1 = (int) (lo >>> 32);
        int u2 = hi;
        int first = u1 & 0x3f3f3f3f;
        int second = ((u2 >>> 4) & 0x0f0f0f0f) | ((u1 >>> 6) & 0x03030303) << 4;
        return (first & 0xffffffffL) | (long) second << 32;
    }

    /** The 6-bit min of sub-block j (0..7), see {@link #scale}. */
    static int min(long lo, int hi, int j) {
        return j < 4 ? scaleByte(lo, hi, j + 4) & 63
                : (scaleByte(lo, hi, j + 4) >>> 4) | (scaleByte(lo, hi, j) >>> 6) << 4;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o));
            float dmin = Float.float16ToFloat(data.get(SHORT_LE, o + 2));
            long lo = data.get(LONG_LE, o + 4);
            int hi = data.get(INT_LE, o + 12);
            for (int g = 0; g < 4; g++) {
                float d0 = d * scale(lo, hi, 2 * g);
                float m0 = dmin * min(lo, hi, 2 * g);
                float d1 = d * scale(lo, hi, 2 * g + 1);
                float m1 = dmin * min(lo, hi, 2 * g + 1);
                for (int l = 0; l < 32; l++) {
                    int b = data.get(BYTE, o + 16 + 32 * g + l) & 0xFF;
                    dst[dstOffset + i + 64 * g + l] = d0 * (b & 0xF) - m0;
                    dst[dstOffset + i + 64 * g + 32 + l] = d1 * (b >>> 4) - m1;
                }
            }
        }
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
        float[] xsum = in.sum;
        long o = rowOffset(row);
        FloatVector acc = FloatVector.zero(BlockDot.F256);
        float minTerm = 0;
        // One sub-block per iteration, shifts in variables: an unrolled body outgrows C2's inlining budget, and
        // a Vector API call that is not inlined allocates its vectors.
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o));
            float dmin = Float.float16ToFloat(data.get(SHORT_LE, o + 2));
            long lo = data.get(LONG_LE, o + 4);
            int hi = data.get(INT_LE, o + 12);
            long scales = scales(lo, hi);
            long mins = mins(lo, hi);
            int k = ko + i / 32;
            float minSum = 0;
            for (int j = 0; j < 8; j++) {
                long q = o + 16 + 32 * (j >> 1);
                int shift = 4 * (j & 1);
                ShortVector w0 = BlockDot.bytes(data, q).lanewise(VectorOperators.ASHR, shift).and((short) 0xF);
                ShortVector w1 = BlockDot.bytes(data, q + 16).lanewise(VectorOperators.ASHR, shift).and((short) 0xF);
                float scale = d * (int) (scales >>> (8 * j) & 0xFF) * xs[k + j];
                acc = BlockDot.block32(w0, w1, xq, xo + i + 32 * j, scale, acc);
                minSum += (int) (mins >>> (8 * j) & 0xFF) * xsum[k + j];
            }
            minTerm += dmin * minSum;
        }
        return BlockDot.sum(acc) - minTerm;
    }

    /** {@link #dotRow} for inputs b and b+1, each weight sub-block decoded once (see {@link FloatTensor#dotRow2}). */
    @Override
    void dotRow2(int row, Activations in, int b, float[] out, Scratch scratch) {
        int x0 = b * cols;
        int x1 = x0 + cols;
        int k0 = b * (cols / 32);
        int k1 = k0 + cols / 32;
        short[] xq = in.q;
        float[] xs = in.scale;
        float[] xsum = in.sum;
        long o = rowOffset(row);
        FloatVector a0 = FloatVector.zero(BlockDot.F256);
        FloatVector a1 = a0;
        float m0 = 0;
        float m1 = 0;
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o));
            float dmin = Float.float16ToFloat(data.get(SHORT_LE, o + 2));
            long lo = data.get(LONG_LE, o + 4);
            int hi = data.get(INT_LE, o + 12);
            long scales = scales(lo, hi);
            long mins = mins(lo, hi);
            int k = i / 32;
            float s0 = 0;
            float s1 = 0;
            for (int j = 0; j < 8; j++) {
                long q = o + 16 + 32 * (j >> 1);
                int shift = 4 * (j & 1);
                ShortVector w0 = BlockDot.bytes(data, q).lanewise(VectorOperators.ASHR, shift).and((short) 0xF);
                ShortVector w1 = BlockDot.bytes(data, q + 16).lanewise(VectorOperators.ASHR, shift).and((short) 0xF);
                int sc = (int) (scales >>> (8 * j) & 0xFF);
                int mn = (int) (mins >>> (8 * j) & 0xFF);
                int e = i + 32 * j;
                a0 = BlockDot.block32(w0, w1, xq, x0 + e, d * sc * xs[k0 + k + j], a0);
                a1 = BlockDot.block32(w0, w1, xq, x1 + e, d * sc * xs[k1 + k + j], a1);
                s0 += mn * xsum[k0 + k + j];
                s1 += mn * xsum[k1 + k + j];
            }
            m0 += dmin * s0;
            m1 += dmin * s1;
        }
        out[b * rows + row] = BlockDot.sum(a0, scratch.lanes) - m0;
        out[(b + 1) * rows + row] = BlockDot.sum(a1, scratch.lanes) - m1;
    }

    /** Row {@code row} as integers and block scales in {@code s} (see {@link Scratch}). */
    private void decodeRow(int row, Scratch s) {
        s.ensureQuantized(cols, 32);
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o));
            float dmin = Float.float16ToFloat(data.get(SHORT_LE, o + 2));
            long lo = data.get(LONG_LE, o + 4);
            int hi = data.get(INT_LE, o + 12);
            int k = i / 32;
            for (int j = 0; j < 8; j++) {
                s.scale[k + j] = d * scale(lo, hi, j);
                s.bias[k + j] = -dmin * min(lo, hi, j);
                long q = o + 16 + 32 * (j >> 1);
                int shift = 4 * (j & 1);
                BlockDot.bytes(data, q).lanewise(VectorOperators.ASHR, shift).and((short) 0xF)
                        .intoArray(s.q, i + 32 * j);
                BlockDot.bytes(data, q + 16).lanewise(VectorOperators.ASHR, shift).and((short) 0xF)
                        .intoArray(s.q, i + 32 * j + 16);
            }
        }
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        decodeRow(row, s);
        FloatGemm.toFloats(s, cols, 32, true, dst, off);
    }

}
