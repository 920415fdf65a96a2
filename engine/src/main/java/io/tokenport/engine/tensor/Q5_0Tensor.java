package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * Q5_0: blocks of 32 elements, {@code f16 d; u8 qh[4]; u8 qs[16]} (22 bytes). Low four bits as in Q4_0 (byte j:
 * element j low nibble, element j + 16 high nibble); the fifth bit of element j is bit j of {@code qh} read as
 * a little-endian 32-bit integer. Element = {@code d * (q - 16)}.
 */
public final class Q5_0Tensor extends FloatTensor {
    private static final int BLOCK_BYTES = 22;
    /** Lane i holds bit i, to spread 16 bits of {@code qh} over 16 lanes. */
    private static final ShortVector LANE_BITS;

    static {
        short[] bits = new short[16];
        for (int i = 0; i < 16; i++) {
            bits[i] = (short) (1 << i);
        }
        LANE_BITS = ShortVector.fromArray(FloatGemm.S256, bits, 0);
    }

    Q5_0Tensor(MemorySegment data, int rows, int cols) {
        super(data, rows, cols);
    }

    @Override
    public GGMLType type() {
        return GGMLType.Q5_0;
    }

    private long rowOffset(int row) {
        return (long) row * (cols / 32) * BLOCK_BYTES;
    }

    @Override
    public void dequantizeRow(int row, float[] dst, int dstOffset) {
        long o = rowOffset(row);
        for (int i = 0; i < cols; i += 32, o += BLOCK_BYTES) {
            float d = Float.float16ToFloat(data.get(SHORT_LE, o));
            int qh = data.get(INT_LE, o + 2);
            for (int j = 0; j < 16; j++) {
                int b = data.get(BYTE, o + 6 + j) & 0xFF;
                int lo = (b & 0xF) | ((qh >>> j) & 1) << 4;
                int hi = (b >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
                dst[dstOffset + i + j] = d * (lo - 16);
                dst[dstOffset + i + j + 16] = d * (hi - 16);
            }
        }
    }

    /** 16 nibbles with their fifth bits (16 bits of {@code qh}), minus 16. */
    private static ShortVector withHighBits(ShortVector nibbles, int qh16) {
        VectorMask<Short> set = ShortVector.broadcast(FloatGemm.S256, (short) qh16).and(LANE_BITS)
                .compare(VectorOperators.NE, (short) 0);
        return nibbles.lanewise(VectorOperators.OR, (short) 16, set).sub((short) 16);
    }

    private static ShortVector low(ShortVector packed, int qh) {
        return withHighBits(packed.and((short) 0xF), qh);
    }

    private static ShortVector high(ShortVector packed, int qh) {
        return withHighBits(packed.lanewise(VectorOperators.ASHR, 4).and((short) 0xF), qh >>> 16);
    }

    /** Row {@code row} as integers and block scales in {@code s} (see {@link Scratch}). */
    private void decodeRow(int row, Scratch s) {
        s.ensureQuantized(cols, 32);
        long o = rowOffset(row);
        for (int k = 0; k < cols / 32; k++, o += BLOCK_BYTES) {
            s.scale[k] = Float.float16ToFloat(data.get(SHORT_LE, o));
            int qh = data.get(INT_LE, o + 2);
            ShortVector p = FloatGemm.widen(data, o + 6);
            low(p, qh).intoArray(s.q, 32 * k);
            high(p, qh).intoArray(s.q, 32 * k + 16);
        }
    }

    @Override
    void decodeFloatRow(int row, Scratch s, float[] dst, int off) {
        decodeRow(row, s);
        FloatGemm.toFloats(s, cols, 32, false, dst, off);
    }

}
