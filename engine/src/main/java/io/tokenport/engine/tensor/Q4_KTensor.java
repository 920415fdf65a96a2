package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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

    /*
     * The kernels. Sub-block j of a super-block decodes as fma(q, d * scale j, -dmin * min j), one rounding per
     * element; its q are the low (j even) or high (j odd) nibbles of the 32 bytes at 16 + 32 * (j / 2).
     *
     * With 8 lanes (AVX2) both kernels convert each nibble to a float and scale it. With 16 lanes (AVX-512) they
     * look the weights up instead: a sub-block has only 16 possible weights, fma(0..15, d * scale, -dmin * min),
     * which fill one vector, and a permute (selectFrom, which wraps its indexes to 0..15: that is the masking of
     * the nibble) picks each element's from it. Same arithmetic, same bits, about half the instructions
     * (KernelBench on a Zen 5 core, 2048 x 2048: one input 0.36 -> 0.28 ms; 8 inputs, where decodeFloatRow
     * serves, 0.73-0.84x -> 0.78-0.97x of ggml). A super-block's 16 factors come as one vector (factors16).
     * dotRow takes the whole row's factors in one pass first, then walks the row in groups k of 64 elements, the
     * 32 bytes at 16 + 32 * (k % 4) of super-block k / 4: sub-blocks j = 2 * (k % 4) (low nibbles) and j + 1
     * (high); decodeFloatRow takes one super-block's factors, then its four groups.
     *
     * The loops are spelled out: a helper returning a vector may not be inlined there, and a call that is not
     * inlined boxes its vector. The one such helper, weights (one FMA), is inlined in both loops: KernelBench
     * counts 0 bytes allocated per matmul, which is how to check it after a change. dotRow and decodeFloatRow
     * give the same weights at either width (BatchInvarianceTest).
     */

    private static final VectorSpecies<Long> TWO_LONGS = LongVector.SPECIES_128;
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(Dot.F, 0xFF00L);
    /** 0, 1, .., 15: a sub-block's possible weights are {@code fma(NIBBLES, d * scale, -dmin * min)}. */
    private static final FloatVector NIBBLES = FloatVector.fromArray(Dot.F, new float[] {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 0);

    /**
     * {@link #dotRow} with 16 lanes: first the factors of every sub-block of the row, {@code t[p + 16 b + j] =
     * d * scale j} and {@code t[p + 16 b + 8 + j] = -dmin * min j} for super-block b and its sub-blocks j < 8
     * ({@code p} = {@link Scratch#PAD}), one vector per super-block (the products of {@link #factor}); then the
     * weights, looked up by nibble.
     */
    private float dotRowTable(int row, float[] x, Scratch scratch) {
        int blocks = cols / 256;
        float[] t = scratch.factors(16 * blocks);
        long o = rowOffset(row);
        for (int b = 0; b < blocks; b++, o += BLOCK_BYTES) {
            factors16(o, t, Scratch.PAD + 16 * b);
        }
        FloatVector a0 = FloatVector.zero(Dot.F);
        FloatVector a1 = a0;
        long q = rowOffset(row) + 16;
        for (int k = 0; k < 4 * blocks; k++) {
            int j = Scratch.PAD + 16 * (k >> 2) + 2 * (k & 3);
            int e = 64 * k;
            IntVector low = weights(t[j], t[j + 8]);
            IntVector high = weights(t[j + 1], t[j + 9]);
            IntVector n0 = Dot.ints(data, q);
            IntVector n1 = Dot.ints(data, q + L);
            a0 = n0.selectFrom(low).reinterpretAsFloats().fma(FloatVector.fromArray(Dot.F, x, e), a0);
            a1 = n1.selectFrom(low).reinterpretAsFloats().fma(FloatVector.fromArray(Dot.F, x, e + L), a1);
            a0 = n0.lanewise(VectorOperators.ASHR, 4).selectFrom(high).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Dot.F, x, e + 2 * L), a0);
            a1 = n1.lanewise(VectorOperators.ASHR, 4).selectFrom(high).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(Dot.F, x, e + 3 * L), a1);
            q += (k & 3) == 3 ? 48 : 32;
        }
        return Dot.sum(a0.add(a1));
    }

    /**
     * The 16 factors of the super-block at {@code o} as one vector, into {@code t[at ..+16)}: {@code d * scale j}
     * for the 8 sub-blocks, then {@code -dmin * min j} (the same products as {@link #factor}).
     */
    private void factors16(long o, float[] t, int at) {
        float d = Float.float16ToFloat(data.get(SHORT_LE, o));
        float mdmin = -Float.float16ToFloat(data.get(SHORT_LE, o + 2));
        long lo = data.get(LONG_LE, o + 4);
        int hi = data.get(INT_LE, o + 12);
        ByteVector packed = LongVector.zero(TWO_LONGS).withLane(0, scales(lo, hi)).withLane(1, mins(lo, hi))
                .reinterpretAsBytes();
        ((FloatVector) packed.convertShape(VectorOperators.B2F, Dot.F, 0))
                .mul(FloatVector.broadcast(Dot.F, d).blend(mdmin, UPPER_HALF))
                .intoArray(t, at);
    }

    /**
     * A sub-block's 16 possible weights, {@code fma(q, scale, bias)} for q = 0..15, as the int bits that
     * {@code selectFrom} picks from.
     */
    private static IntVector weights(float scale, float bias) {
        return NIBBLES.fma(FloatVector.broadcast(Dot.F, scale), FloatVector.broadcast(Dot.F, bias)).reinterpretAsInts();
    }

    /** {@link #decodeFloatRow} with 16 lanes: each weight looked up as in {@link #dotRowTable}. */
    private void decodeFloatRowTable(int row, Scratch s, float[] dst, int off) {
        float[] t = s.blockScales;
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            factors16(o, t, 0);
            for (int j = 0; j < 8; j += 2) {
                long q = o + 16 + 16 * j;
                int e = off + i + 32 * j;
                IntVector low = weights(t[j], t[j + 8]);
                IntVector high = weights(t[j + 1], t[j + 9]);
                IntVector n0 = Dot.ints(data, q);
                IntVector n1 = Dot.ints(data, q + L);
                n0.selectFrom(low).reinterpretAsFloats().intoArray(dst, e);
                n1.selectFrom(low).reinterpretAsFloats().intoArray(dst, e + L);
                n0.lanewise(VectorOperators.ASHR, 4).selectFrom(high).reinterpretAsFloats().intoArray(dst, e + 2 * L);
                n1.lanewise(VectorOperators.ASHR, 4).selectFrom(high).reinterpretAsFloats().intoArray(dst, e + 3 * L);
            }
        }
    }

    /**
     * {@code t[j] = d * scale j} and {@code t[8 + j] = -dmin * min j} for the 8 sub-blocks of the super-block at
     * {@code o} (for decodeFloatRow with 8 lanes).
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

    /**
     * Decodes in registers. With 8 lanes each factor is computed (the same {@link #factor}) where it is
     * broadcast: going through the array cost a tenth of this kernel's time, while decodeFloatRow, bound by its
     * stores, does not notice.
     */
    @Override
    float dotRow(int row, float[] x, Scratch scratch) {
        if (L == 16) {
            return dotRowTable(row, x, scratch);
        }
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
        if (L == 16) {
            decodeFloatRowTable(row, s, dst, off);
            return;
        }
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
