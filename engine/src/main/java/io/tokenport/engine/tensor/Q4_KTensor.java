package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

/**
 * Q4_K: super-blocks of 256 elements, {@code f16 d; f16 dmin; u8 scales[12]; u8 qs[128]} (144 bytes), as 8
 * sub-blocks of 32 with a 6-bit scale and a 6-bit min each (packed in {@code scales}, see {@link #scale}).
 * Each 32 bytes of {@code qs} hold sub-block 2g in their low nibbles and sub-block 2g + 1 in their high nibbles;
 * element = {@code d * scale * q - dmin * min}.
 */
public final class Q4_KTensor extends FloatTensor {
    private static final int BLOCK_BYTES = 144;
    private static final int L = Dot.LANES;

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

    /**
     * {@code t[j] = d * scale j} and {@code t[8 + j] = -dmin * min j} for the 8 sub-blocks of the super-block at
     * {@code o}: the factors of {@code fma(q, d * scale, -dmin * min)}, one rounding per element.
     */
    private void factors(long o, float[] t) {
        float d = Float.float16ToFloat(data.get(SHORT_LE, o));
        float dmin = Float.float16ToFloat(data.get(SHORT_LE, o + 2));
        long lo = data.get(LONG_LE, o + 4);
        int hi = data.get(INT_LE, o + 12);
        long scales = scales(lo, hi);
        long mins = mins(lo, hi);
        for (int j = 0; j < 8; j++) {
            t[j] = factor(d, scales, j);
            t[8 + j] = factor(-dmin, mins, j);
        }
    }

    /** {@code m} times byte {@code j} of {@code packed} (a word of {@link #scales} or {@link #mins}). */
    private static float factor(float m, long packed, int j) {
        return m * (int) (packed >>> (8 * j) & 0xFF);
    }

    /*
     * Sub-block j's elements decode as fma(q, t[j], t[8 + j]) (see factors); its q are the low (j even) or high
     * (j odd) nibbles of the 32 bytes at 16 + 32 * (j / 2). dotRow and decodeFloatRow spell this out in their
     * loops (a helper returning a vector may not be inlined there, and a call that is not inlined boxes its
     * vector); BatchInvarianceTest holds them to the same result. dotRow computes each factor (the same
     * {@link #factor}) where it broadcasts it: going through the array cost a tenth of its time, while
     * decodeFloatRow, bound by its stores, does not notice.
     */

    @Override
    float dotRow(int row, float[] x, Scratch scratch) {
        long o = rowOffset(row);
        FloatVector a0 = FloatVector.zero(Dot.F);
        FloatVector a1 = a0;
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o));
            float mdmin = -Float.float16ToFloat(data.get(SHORT_LE, o + 2));
            long lo = data.get(LONG_LE, o + 4);
            int hi = data.get(INT_LE, o + 12);
            long scales = scales(lo, hi);
            long mins = mins(lo, hi);
            for (int j = 0; j < 8; j++) {
                long q = o + 16 + 32 * (j >> 1);
                int shift = 4 * (j & 1);
                FloatVector scale = FloatVector.broadcast(Dot.F, factor(d, scales, j));
                FloatVector bias = FloatVector.broadcast(Dot.F, factor(mdmin, mins, j));
                int e = i + 32 * j;
                for (int c = 0; c < 32; c += 2 * L) {
                    FloatVector w0 = Dot.floats(Dot.bits(Dot.ints(data, q + c), shift, 0xF)).fma(scale, bias);
                    FloatVector w1 = Dot.floats(Dot.bits(Dot.ints(data, q + c + L), shift, 0xF)).fma(scale, bias);
                    a0 = w0.fma(FloatVector.fromArray(Dot.F, x, e + c), a0);
                    a1 = w1.fma(FloatVector.fromArray(Dot.F, x, e + c + L), a1);
                }
            }
        }
        return Dot.sum(a0.add(a1));
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        long o = rowOffset(row);
        float[] t = s.blockScales;
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            factors(o, t);
            for (int j = 0; j < 8; j++) {
                long q = o + 16 + 32 * (j >> 1);
                int shift = 4 * (j & 1);
                FloatVector scale = FloatVector.broadcast(Dot.F, t[j]);
                FloatVector bias = FloatVector.broadcast(Dot.F, t[8 + j]);
                for (int c = 0; c < 32; c += L) {
                    Dot.floats(Dot.bits(Dot.ints(data, q + c), shift, 0xF)).fma(scale, bias)
                            .intoArray(dst, off + i + 32 * j + c);
                }
            }
        }
    }
}
