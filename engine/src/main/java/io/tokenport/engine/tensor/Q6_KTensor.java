package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
    private static final int L = Dot.LANES;

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

    /** {@code t[j] = d * scale j} for the 16 sub-blocks of the super-block at {@code o}. */
    private void scales(long o, float d, float[] t) {
        FloatVector dv = FloatVector.broadcast(Dot.F, d);
        for (int j = 0; j < 16; j += L) {
            Dot.bytes(data, o + 192 + j).mul(dv).intoArray(t, j);
        }
    }

    /*
     * Elements e .. e + L of a super-block decode as (q - 32) * (d * scale of sub-block e / 16). In half e / 128,
     * element 32 * quarter + l takes its low four bits from ql[32 * (quarter % 2) + l] (the low nibble in quarters
     * 0 and 1, the high one in 2 and 3) and its top two from bits 2 * quarter of qh[l]. dotRow and decodeFloatRow
     * spell this out in their loops (a helper returning a vector is too large for C2 to inline there, and a call
     * that is not inlined boxes its vector); BatchInvarianceTest holds them to the same result.
     */

    @Override
    float dotRow(int row, float[] x, Scratch scratch) {
        long o = rowOffset(row);
        float[] t = scratch.blockScales;
        FloatVector a0 = FloatVector.zero(Dot.F);
        FloatVector a1 = a0;
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            scales(o, Float.float16ToFloat(data.get(SHORT_LE, o + 208)), t);
            for (int e = 0; e < 256; e += 2 * L) {
                int half = e >> 7;
                int quarter = (e & 127) >> 5;
                int l = e & 31;
                long ql = o + 64 * half + 32 * (quarter & 1) + l;
                long qh = o + 128 + 32 * half + l;
                int lowShift = 4 * (quarter >> 1);
                int highShift = 2 * quarter;
                IntVector q0 = Dot.bits(Dot.ints(data, ql), lowShift, 0xF)
                        .or(Dot.bits(Dot.ints(data, qh), highShift, 3).lanewise(VectorOperators.LSHL, 4));
                IntVector q1 = Dot.bits(Dot.ints(data, ql + L), lowShift, 0xF)
                        .or(Dot.bits(Dot.ints(data, qh + L), highShift, 3).lanewise(VectorOperators.LSHL, 4));
                FloatVector w0 = Dot.floats(q0.sub(32)).mul(FloatVector.broadcast(Dot.F, t[e >> 4]));
                FloatVector w1 = Dot.floats(q1.sub(32)).mul(FloatVector.broadcast(Dot.F, t[(e + L) >> 4]));
                a0 = w0.fma(FloatVector.fromArray(Dot.F, x, i + e), a0);
                a1 = w1.fma(FloatVector.fromArray(Dot.F, x, i + e + L), a1);
            }
        }
        return Dot.sum(a0.add(a1));
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        long o = rowOffset(row);
        float[] t = s.blockScales;
        for (int i = 0; i < cols; i += 256, o += BLOCK_BYTES) {
            scales(o, Float.float16ToFloat(data.get(SHORT_LE, o + 208)), t);
            for (int e = 0; e < 256; e += L) {
                int half = e >> 7;
                int quarter = (e & 127) >> 5;
                int l = e & 31;
                IntVector low = Dot.bits(Dot.ints(data, o + 64 * half + 32 * (quarter & 1) + l), 4 * (quarter >> 1), 0xF);
                IntVector high = Dot.bits(Dot.ints(data, o + 128 + 32 * half + l), 2 * quarter, 3);
                Dot.floats(low.or(high.lanewise(VectorOperators.LSHL, 4)).sub(32))
                        .mul(FloatVector.broadcast(Dot.F, t[e >> 4])).intoArray(dst, off + i + e);
            }
        }
    }
}
