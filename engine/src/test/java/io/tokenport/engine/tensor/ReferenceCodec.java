package io.tokenport.engine.tensor;

import io.tokenport.engine.gguf.GGMLType;

/**
 * Test-only encoders and decoders for the GGML block formats, written from the format description and apart from
 * the production classes: encoders turn floats into valid blocks (any valid encoding will do, these aim to be
 * accurate), decoders find every element's bits one element at a time, the plainest way to read the spec.
 */
final class ReferenceCodec {
    private ReferenceCodec() {
    }

    // ---------------------------------------------------------------- decoding, one element at a time

    /** Decodes {@code count} elements of {@code type} stored in {@code bytes} from offset 0. */
    static float[] decode(GGMLType type, byte[] bytes, int count) {
        float[] out = new float[count];
        int bs = type.blockSize();
        for (int e = 0; e < count; e++) {
            int block = e / bs;
            out[e] = element(type, bytes, block * type.blockBytes(), e % bs);
        }
        return out;
    }

    private static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    /** {@code width} bits of byte {@code i} starting at bit {@code shift} (bit 0 is the least significant). */
    private static int bits(byte[] b, int i, int shift, int width) {
        return (u8(b, i) >> shift) & ((1 << width) - 1);
    }

    private static float half(byte[] b, int i) {
        return Float.float16ToFloat((short) (u8(b, i) | u8(b, i + 1) << 8));
    }

    /** Element {@code e} of the block starting at byte {@code o}. */
    private static float element(GGMLType type, byte[] b, int o, int e) {
        return switch (type) {
            case F32 -> Float.intBitsToFloat(u8(b, o) | u8(b, o + 1) << 8 | u8(b, o + 2) << 16 | u8(b, o + 3) << 24);
            case F16 -> half(b, o);
            case BF16 -> Float.intBitsToFloat((u8(b, o) | u8(b, o + 1) << 8) << 16);
            case Q8_0 -> half(b, o) * b[o + 2 + e];
            case Q4_0 -> {
                // byte e % 16 of qs; low nibble for the first 16 elements, high for the last 16
                int q = bits(b, o + 2 + e % 16, e < 16 ? 0 : 4, 4);
                yield half(b, o) * (q - 8);
            }
            case Q5_0 -> {
                int low = bits(b, o + 6 + e % 16, e < 16 ? 0 : 4, 4);
                int high = bits(b, o + 2 + e / 8, e % 8, 1); // bit e of the 32-bit little-endian qh
                yield half(b, o) * ((low | high << 4) - 16);
            }
            case Q4_K -> {
                int sub = e / 32;
                int q = bits(b, o + 16 + 32 * (sub / 2) + e % 32, sub % 2 == 0 ? 0 : 4, 4);
                yield half(b, o) * kScale(b, o + 4, sub) * q - half(b, o + 2) * kMin(b, o + 4, sub);
            }
            case Q5_K -> {
                int sub = e / 32;
                int low = bits(b, o + 48 + 32 * (sub / 2) + e % 32, sub % 2 == 0 ? 0 : 4, 4);
                int high = bits(b, o + 16 + e % 32, sub, 1);
                yield half(b, o) * kScale(b, o + 4, sub) * (low | high << 4) - half(b, o + 2) * kMin(b, o + 4, sub);
            }
            case Q6_K -> {
                int halfIndex = e / 128;     // which 128-element half
                int r = e % 128;
                int quarter = r / 32;        // 0..3: which of the four interleaved groups
                int l = r % 32;
                int qlByte = o + 64 * halfIndex + l + (quarter % 2 == 1 ? 32 : 0);
                int low = bits(b, qlByte, quarter < 2 ? 0 : 4, 4);
                int high = bits(b, o + 128 + 32 * halfIndex + l, 2 * quarter, 2);
                int scale = b[o + 192 + e / 16];
                yield half(b, o + 208) * scale * ((low | high << 4) - 32);
            }
            default -> throw new IllegalArgumentException(type.toString());
        };
    }

    /** The 6-bit scale j of a K-quant's 12 scale bytes at {@code s}. */
    private static int kScale(byte[] b, int s, int j) {
        if (j < 4) {
            return bits(b, s + j, 0, 6);
        }
        return bits(b, s + 8 + (j - 4), 0, 4) | bits(b, s + (j - 4), 6, 2) << 4;
    }

    /** The 6-bit min j of a K-quant's 12 scale bytes at {@code s}. */
    private static int kMin(byte[] b, int s, int j) {
        if (j < 4) {
            return bits(b, s + 4 + j, 0, 6);
        }
        return bits(b, s + 8 + (j - 4), 4, 4) | bits(b, s + 4 + (j - 4), 6, 2) << 4;
    }

    // ---------------------------------------------------------------- encoding

    /** Encodes {@code values} (a whole number of blocks) as {@code type}. */
    static byte[] encode(GGMLType type, float[] values) {
        int bs = type.blockSize();
        if (values.length % bs != 0) {
            throw new IllegalArgumentException(values.length + " values for blocks of " + bs);
        }
        byte[] out = new byte[values.length / bs * type.blockBytes()];
        for (int blk = 0; blk < values.length / bs; blk++) {
            float[] x = java.util.Arrays.copyOfRange(values, blk * bs, blk * bs + bs);
            int o = blk * type.blockBytes();
            switch (type) {
                case F32 -> putInt(out, o, Float.floatToRawIntBits(x[0]));
                case F16 -> putShort(out, o, Float.floatToFloat16(x[0]));
                case BF16 -> putShort(out, o, toBf16(x[0]));
                case Q8_0 -> encodeQ8_0(x, out, o);
                case Q4_0 -> encodeQ4_0(x, out, o);
                case Q5_0 -> encodeQ5_0(x, out, o);
                case Q4_K -> encodeQ4_K(x, out, o);
                case Q5_K -> encodeQ5_K(x, out, o);
                case Q6_K -> encodeQ6_K(x, out, o);
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return out;
    }

    static void putShort(byte[] b, int o, short v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >> 8);
    }

    private static void putInt(byte[] b, int o, int v) {
        for (int i = 0; i < 4; i++) {
            b[o + i] = (byte) (v >> (8 * i));
        }
    }

    private static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int rounded = bits + 0x7FFF + ((bits >> 16) & 1); // round to nearest even
        return (short) (rounded >>> 16);
    }

    /** The f16 value actually stored for {@code f}. */
    private static float f16(float f) {
        return Float.float16ToFloat(Float.floatToFloat16(f));
    }

    private static void encodeQ8_0(float[] x, byte[] out, int o) {
        float amax = 0;
        for (float v : x) {
            amax = Math.max(amax, Math.abs(v));
        }
        float d = f16(amax / 127);
        putShort(out, o, Float.floatToFloat16(d));
        for (int i = 0; i < 32; i++) {
            out[o + 2 + i] = (byte) (d == 0 ? 0 : Math.max(-127, Math.min(127, Math.round(x[i] / d))));
        }
    }

    /** The signed value of largest magnitude (the sign matters: it is mapped to the end of the range). */
    private static float signedMax(float[] x, int from, int to) {
        float m = 0;
        for (int i = from; i < to; i++) {
            if (Math.abs(x[i]) > Math.abs(m)) {
                m = x[i];
            }
        }
        return m;
    }

    private static void encodeQ4_0(float[] x, byte[] out, int o) {
        float d = f16(signedMax(x, 0, 32) / -8);
        putShort(out, o, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = quant(x[j], d, 8, 15);
            int hi = quant(x[j + 16], d, 8, 15);
            out[o + 2 + j] = (byte) (lo | hi << 4);
        }
    }

    private static void encodeQ5_0(float[] x, byte[] out, int o) {
        float d = f16(signedMax(x, 0, 32) / -16);
        putShort(out, o, Float.floatToFloat16(d));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int lo = quant(x[j], d, 16, 31);
            int hi = quant(x[j + 16], d, 16, 31);
            out[o + 6 + j] = (byte) ((lo & 0xF) | (hi & 0xF) << 4);
            qh |= (lo >> 4) << j | (hi >> 4) << (j + 16);
        }
        putInt(out, o + 2, qh);
    }

    /** {@code round(v / d) + offset}, clamped to {@code [0, max]}. */
    private static int quant(float v, float d, int offset, int max) {
        int q = d == 0 ? offset : Math.round(v / d) + offset;
        return Math.max(0, Math.min(max, q));
    }

    /**
     * Q4_K and Q5_K: per sub-block of 32 a scale and a min (the block's minimum, at most 0, stored negated), both
     * quantized to 6 bits against the super-block's d and dmin; then the elements against those.
     */
    private static int[] encodeKScalesAndQuants(float[] x, byte[] out, int o, int levels) {
        float[] scale = new float[8];
        float[] min = new float[8];
        for (int j = 0; j < 8; j++) {
            float lo = 0;
            float hi = 0;
            for (int l = 0; l < 32; l++) {
                lo = Math.min(lo, x[32 * j + l]);
                hi = Math.max(hi, x[32 * j + l]);
            }
            scale[j] = (hi - lo) / levels;
            min[j] = -lo;
        }
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            maxScale = Math.max(maxScale, scale[j]);
            maxMin = Math.max(maxMin, min[j]);
        }
        float d = f16(maxScale / 63);
        float dmin = f16(maxMin / 63);
        putShort(out, o, Float.floatToFloat16(d));
        putShort(out, o + 2, Float.floatToFloat16(dmin));
        int[] sc = new int[8];
        int[] m = new int[8];
        for (int j = 0; j < 8; j++) {
            sc[j] = d == 0 ? 0 : Math.min(63, Math.round(scale[j] / d));
            m[j] = dmin == 0 ? 0 : Math.min(63, Math.round(min[j] / dmin));
        }
        byte[] s = new byte[12];
        for (int j = 0; j < 4; j++) {
            s[j] = (byte) (sc[j] | (sc[j + 4] >> 4) << 6);
            s[j + 4] = (byte) (m[j] | (m[j + 4] >> 4) << 6);
            s[j + 8] = (byte) ((sc[j + 4] & 0xF) | (m[j + 4] & 0xF) << 4);
        }
        System.arraycopy(s, 0, out, o + 4, 12);
        int[] q = new int[256];
        for (int e = 0; e < 256; e++) {
            int j = e / 32;
            float step = d * sc[j];
            q[e] = step == 0 ? 0 : Math.max(0, Math.min(levels, Math.round((x[e] + dmin * m[j]) / step)));
        }
        return q;
    }

    private static void encodeQ4_K(float[] x, byte[] out, int o) {
        int[] q = encodeKScalesAndQuants(x, out, o, 15);
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < 32; l++) {
                out[o + 16 + 32 * g + l] = (byte) (q[64 * g + l] | q[64 * g + 32 + l] << 4);
            }
        }
    }

    private static void encodeQ5_K(float[] x, byte[] out, int o) {
        int[] q = encodeKScalesAndQuants(x, out, o, 31);
        for (int e = 0; e < 256; e++) {
            int j = e / 32;
            int l = e % 32;
            out[o + 48 + 32 * (j / 2) + l] |= (byte) ((q[e] & 0xF) << (j % 2 == 0 ? 0 : 4));
            out[o + 16 + l] |= (byte) ((q[e] >> 4) << j);
        }
    }

    private static void encodeQ6_K(float[] x, byte[] out, int o) {
        float[] scale = new float[16];
        float maxAbs = 0;
        for (int s = 0; s < 16; s++) {
            float m = signedMax(x, 16 * s, 16 * s + 16);
            scale[s] = m / -32; // the largest magnitude lands on q = 0, i.e. -32
            maxAbs = Math.max(maxAbs, Math.abs(scale[s]));
        }
        float d = f16(maxAbs / 127);
        putShort(out, o + 208, Float.floatToFloat16(d));
        int[] q = new int[256];
        for (int s = 0; s < 16; s++) {
            int sc = d == 0 ? 0 : Math.round(scale[s] / d);
            out[o + 192 + s] = (byte) sc;
            for (int l = 0; l < 16; l++) {
                q[16 * s + l] = quant(x[16 * s + l], d * sc, 32, 63);
            }
        }
        for (int e = 0; e < 256; e++) {
            int half = e / 128;
            int quarter = e % 128 / 32;
            int l = e % 32;
            out[o + 64 * half + l + (quarter % 2 == 1 ? 32 : 0)] |= (byte) ((q[e] & 0xF) << (quarter < 2 ? 0 : 4));
            out[o + 128 + 32 * half + l] |= (byte) ((q[e] >> 4) << (2 * quarter));
        }
    }
}
