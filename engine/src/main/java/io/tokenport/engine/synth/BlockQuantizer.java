package io.tokenport.engine.synth;

import io.tokenport.engine.gguf.GGMLType;

/**
 * Encodes floats into GGML's block formats, simply and validly rather than optimally.
 *
 * <p>Written for random-weight test models: every block decodes, in llama.cpp and in this engine, to values close
 * to the input (within one quantization step), but no search for the best scales is made, unlike llama.cpp's
 * quantizers. Block layouts follow ggml's {@code block_q*} structs: little-endian, scales as IEEE half floats.
 */
public final class BlockQuantizer {
    private BlockQuantizer() {
    }

    /** Types {@link #encode} can write. */
    public static boolean supports(GGMLType type) {
        return switch (type) {
            case F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K, Q5_K, Q6_K -> true;
            default -> false;
        };
    }

    /**
     * Encodes {@code n} floats from {@code src[srcOff..]} into {@code dst[dstOff..]}; {@code n} must be a whole
     * number of blocks. Returns the number of bytes written.
     */
    public static int encode(GGMLType type, float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        if (n % type.blockSize() != 0) {
            throw new IllegalArgumentException(n + " values are not whole " + type + " blocks");
        }
        int blocks = n / type.blockSize();
        int bb = type.blockBytes();
        float[] scales = new float[16]; // per-sub-block scratch of the K types, reused across blocks
        float[] mins = new float[16];
        int[] codes = new int[16];
        int[] minCodes = new int[16];
        for (int b = 0; b < blocks; b++) {
            int s = srcOff + b * type.blockSize();
            int d = dstOff + b * bb;
            switch (type) {
                case F32 -> putInt(dst, d, Float.floatToRawIntBits(src[s]));
                case F16 -> putShort(dst, d, Float.floatToFloat16(src[s]));
                case BF16 -> putShort(dst, d, toBF16(src[s]));
                case Q8_0 -> q8_0(src, s, dst, d);
                case Q4_0 -> q4_0(src, s, dst, d);
                case Q5_0 -> q5_0(src, s, dst, d);
                case Q4_K -> qK(src, s, dst, d, 15, scales, mins, codes, minCodes);
                case Q5_K -> qK(src, s, dst, d, 31, scales, mins, codes, minCodes);
                case Q6_K -> q6_K(src, s, dst, d, scales, codes);
                default -> throw new IllegalArgumentException("cannot encode " + type);
            }
        }
        return blocks * bb;
    }

    /** Rounds to bfloat16, to nearest even. */
    static short toBF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** The scale as stored (half precision) and read back, so quantization uses what a decoder will see. */
    private static float half(float f) {
        return Float.float16ToFloat(Float.floatToFloat16(f));
    }

    // Q8_0: half scale d = absmax / 127, then 32 signed bytes q = round(x / d).
    private static void q8_0(float[] x, int s, byte[] out, int o) {
        float amax = 0;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[s + i]));
        }
        float d = half(amax / 127f);
        float id = d != 0 ? 1f / d : 0;
        putShort(out, o, Float.floatToFloat16(d));
        for (int i = 0; i < 32; i++) {
            out[o + 2 + i] = (byte) Math.clamp(Math.round(x[s + i] * id), -127, 127);
        }
    }

    /**
     * The value of largest magnitude, sign kept: Q4_0 and Q5_0 map it to the most negative code. An all-zero
     * block gives +0, so that its scale is not a negative zero.
     */
    private static float signedMax(float[] x, int s, int n) {
        float amax = 0;
        float max = 0;
        for (int i = 0; i < n; i++) {
            float v = x[s + i];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max == 0 ? 0f : max;
    }

    // Q4_0: d = max / -8, codes 0..15 (value = (q - 8) * d); element j in the low nibble of byte j, j + 16 high.
    private static void q4_0(float[] x, int s, byte[] out, int o) {
        float max = signedMax(x, s, 32);
        float d = max == 0 ? 0f : half(max / -8f);
        float id = d != 0 ? 1f / d : 0;
        putShort(out, o, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int q0 = Math.clamp((int) (x[s + j] * id + 8.5f), 0, 15);
            int q1 = Math.clamp((int) (x[s + j + 16] * id + 8.5f), 0, 15);
            out[o + 2 + j] = (byte) (q0 | (q1 << 4));
        }
    }

    // Q5_0: as Q4_0 with 5-bit codes (value = (q - 16) * d); the fifth bits go in a 32-bit mask after the scale.
    private static void q5_0(float[] x, int s, byte[] out, int o) {
        float max = signedMax(x, s, 32);
        float d = max == 0 ? 0f : half(max / -16f);
        float id = d != 0 ? 1f / d : 0;
        putShort(out, o, Float.floatToFloat16(d));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int q0 = Math.clamp((int) (x[s + j] * id + 16.5f), 0, 31);
            int q1 = Math.clamp((int) (x[s + j + 16] * id + 16.5f), 0, 31);
            out[o + 6 + j] = (byte) ((q0 & 0xF) | ((q1 & 0xF) << 4));
            qh |= ((q0 >> 4) & 1) << j;
            qh |= ((q1 >> 4) & 1) << (j + 16);
        }
        putInt(out, o + 2, qh);
    }

    /**
     * Q4_K ({@code qmax} 15) and Q5_K ({@code qmax} 31): 256 values in 8 sub-blocks of 32; value =
     * {@code d * sc * q - dmin * m} with 6-bit {@code sc}, {@code m} per sub-block, packed in 12 bytes.
     */
    private static void qK(float[] x, int s, byte[] out, int o, int qmax, float[] scale, float[] min, int[] ls,
                           int[] lm) {
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            float lo = 0;
            float hi = 0;
            for (int i = 0; i < 32; i++) {
                float v = x[s + 32 * j + i];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            scale[j] = (hi - lo) / qmax;
            min[j] = -lo;
            maxScale = Math.max(maxScale, scale[j]);
            maxMin = Math.max(maxMin, min[j]);
        }
        float d = half(maxScale / 63f);
        float dmin = half(maxMin / 63f);
        for (int j = 0; j < 8; j++) {
            // Round the scale up so that the sub-block's range still fits in qmax steps.
            ls[j] = d > 0 ? Math.clamp((int) Math.ceil(scale[j] / d), 0, 63) : 0;
            lm[j] = dmin > 0 ? Math.clamp(Math.round(min[j] / dmin), 0, 63) : 0;
        }
        putShort(out, o, Float.floatToFloat16(d));
        putShort(out, o + 2, Float.floatToFloat16(dmin));
        for (int j = 0; j < 4; j++) {
            out[o + 4 + j] = (byte) (ls[j] | ((ls[j + 4] >> 4) << 6));
            out[o + 8 + j] = (byte) (lm[j] | ((lm[j + 4] >> 4) << 6));
            out[o + 12 + j] = (byte) ((ls[j + 4] & 0xF) | ((lm[j + 4] & 0xF) << 4));
        }
        boolean five = qmax == 31;
        int qh = o + 16;
        int qs = five ? o + 48 : o + 16;
        if (five) {
            java.util.Arrays.fill(out, qh, qh + 32, (byte) 0);
        }
        for (int p = 0; p < 4; p++) {
            int a = 2 * p;
            int b = 2 * p + 1;
            for (int l = 0; l < 32; l++) {
                int q0 = code(x[s + 64 * p + l], d * ls[a], dmin * lm[a], qmax);
                int q1 = code(x[s + 64 * p + 32 + l], d * ls[b], dmin * lm[b], qmax);
                out[qs + 32 * p + l] = (byte) ((q0 & 0xF) | ((q1 & 0xF) << 4));
                if (five) {
                    out[qh + l] |= (byte) ((((q0 >> 4) & 1) << a) | (((q1 >> 4) & 1) << b));
                }
            }
        }
    }

    private static int code(float v, float scale, float min, int qmax) {
        return scale > 0 ? Math.clamp(Math.round((v + min) / scale), 0, qmax) : 0;
    }

    /** Q6_K: 256 values in 16 sub-blocks of 16, signed 8-bit scales times one half d, 6-bit codes offset by 32. */
    private static void q6_K(float[] x, int s, byte[] out, int o, float[] scale, int[] sc) {
        float maxScale = 0;
        for (int j = 0; j < 16; j++) {
            float amax = 0;
            for (int i = 0; i < 16; i++) {
                amax = Math.max(amax, Math.abs(x[s + 16 * j + i]));
            }
            scale[j] = amax / 31f;
            maxScale = Math.max(maxScale, scale[j]);
        }
        float d = half(maxScale / 127f);
        for (int j = 0; j < 16; j++) {
            sc[j] = d > 0 ? Math.clamp((int) Math.ceil(scale[j] / d), 0, 127) : 0;
            out[o + 192 + j] = (byte) sc[j];
        }
        putShort(out, o + 208, Float.floatToFloat16(d));
        for (int n = 0; n < 2; n++) {
            int ql = o + 64 * n;
            int qh = o + 128 + 32 * n;
            for (int l = 0; l < 32; l++) {
                int base = s + 128 * n + l;
                int g = 8 * n + l / 16;
                int q1 = code6(x[base], d * sc[g]);
                int q2 = code6(x[base + 32], d * sc[g + 2]);
                int q3 = code6(x[base + 64], d * sc[g + 4]);
                int q4 = code6(x[base + 96], d * sc[g + 6]);
                out[ql + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                out[ql + 32 + l] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                out[qh + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
    }

    private static int code6(float v, float scale) {
        return (scale > 0 ? Math.clamp(Math.round(v / scale), -32, 31) : 0) + 32;
    }

    private static void putShort(byte[] b, int o, short v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >> 8);
    }

    private static void putInt(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >> 8);
        b[o + 2] = (byte) (v >> 16);
        b[o + 3] = (byte) (v >> 24);
    }
}
