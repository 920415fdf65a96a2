package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q5_K: super-blocks of 256 elements, {@code f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]} (176 bytes).
 * Scales, mins and low four bits as in {@link Q4_KTensor}; the fifth bit of element l of sub-block j is bit j of
 * {@code qh[l]}. Element = {@code d * scale * q - dmin * min}.
 */
public final class Q5_KTensor extends FloatTensor {
    private static final int BLOCK_BYTES = 176;

    Q5_KTensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q5_K;
    }

    private long rowOffset(int row) {
        return (long) row * (cols / 256) * BLOCK_BYTES;
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
                float d0 = d * Q4_KTensor.scale(lo, hi, 2 * g);
                float m0 = dmin * Q4_KTensor.min(lo, hi, 2 * g);
                float d1 = d * Q4_KTensor.scale(lo, hi, 2 * g + 1);
                float m1 = dmin * Q4_KTensor.min(lo, hi, 2 * g + 1);
                for (int l = 0; l < 32; l++) {
                    int b = data.get(BYTE, o + 48 + 32 * g + l) & 0xFF;
                    int h = data.get(BYTE, o + 16 + l) & 0xFF;
                    int q0 = (b & 0xF) | ((h >>> (2 * g)) & 1) << 4;
                    int q1 = (b >>> 4) | ((h >>> (2 * g + 1)) & 1) << 4;
                    dst[dstOffset + i + 64 * g + l] = d0 * q0 - m0;
                    dst[dstOffset + i + 64 * g + 32 + l] = d1 * q1 - m1;
                }
            }
        }
    }

    /** Elements {@code l .. l+15} of sub-block j of the super-block at {@code o}, as 5-bit integers. */
    private ShortVector subBlock(long o, int j, int l) {
        ShortVector low = FloatGemm.widen(data, o + 48 + 32 * (j >> 1) + l)
                .lanewise(VectorOperators.ASHR, 4 * (j & 1)).and((short) 0xF);
        ShortVector high = FloatGemm.widen(data, o + 16 + l).lanewise(VectorOperators.ASHR, j).and((short) 1);
        return low.or(high.lanewise(VectorOperators.LSHL, 4));
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
                s.scale[k + j] = d * Q4_KTensor.scale(lo, hi, j);
                s.bias[k + j] = -dmin * Q4_KTensor.min(lo, hi, j);
                subBlock(o, j, 0).intoArray(s.q, i + 32 * j);
                subBlock(o, j, 16).intoArray(s.q, i + 32 * j + 16);
            }
        }
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        decodeRow(row, s);
        FloatGemm.toFloats(s, cols, 32, true, dst, off);
    }

}
