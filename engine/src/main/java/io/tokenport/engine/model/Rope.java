package io.tokenport.engine.model;

/**
 * Rotary position embedding (Su et al. 2021): pair {@code i} of each head is rotated by the angle
 * {@code pos * f_i} with {@code f_i = base^(-2i/d)}, {@code d} being the number of rotated dimensions.
 *
 * <p>Context-extension variants only change the per-pair frequency and, for YaRN, scale the rotation:
 * <ul>
 *   <li>linear: {@code f_i / factor};</li>
 *   <li>Llama 3.1 {@code rope_freqs.weight}: {@code f_i / freqFactor_i};</li>
 *   <li>YaRN: {@code f_i} blended between the original and the interpolated value by a ramp over the pair index
 *       that keeps dimensions turning more than 32 times in the original context and interpolates those
 *       turning less than once; cos and sin are multiplied by {@code 1 + 0.1 ln factor}, which scales every
 *       q·k product by its square, as the paper prescribes.</li>
 * </ul>
 * A step computes the cos/sin of each of its positions once ({@link #angles}) and every layer reuses them.
 */
final class Rope {
    private final Architecture.RopeStyle style;
    private final int pairs;
    private final double[] frequencies;
    private final float magnitude;

    Rope(ModelConfig c, float[] freqFactors) {
        this.style = c.architecture().ropeStyle();
        int d = c.ropeDimensions();
        this.pairs = d / 2;
        this.frequencies = new double[pairs];
        RopeScaling s = c.ropeScaling();
        double low = 0;
        double high = 0;
        if (s.type() == RopeScaling.Type.YARN) {
            low = Math.max(0, Math.floor(yarnCorrectionDim(d, c.ropeFreqBase(), s.originalContextLength(), 32)));
            high = Math.min(d - 1, Math.ceil(yarnCorrectionDim(d, c.ropeFreqBase(), s.originalContextLength(), 1)));
        }
        for (int i = 0; i < pairs; i++) {
            double f = Math.pow(c.ropeFreqBase(), -2.0 * i / d);
            if (freqFactors != null) {
                f /= freqFactors[i];
            }
            f = switch (s.type()) {
                case NONE -> f;
                case LINEAR -> f / s.factor();
                case YARN -> {
                    double ramp = 1 - Math.clamp((i - low) / Math.max(0.001, high - low), 0.0, 1.0);
                    yield f / s.factor() * (1 - ramp) + f * ramp;
                }
            };
            frequencies[i] = f;
        }
        this.magnitude = s.type() == RopeScaling.Type.YARN ? (float) (1 + 0.1 * Math.log(s.factor())) : 1f;
    }

    /** The (fractional) pair index whose wavelength fits {@code rotations} times into the original context. */
    private static double yarnCorrectionDim(int d, double base, int originalContext, double rotations) {
        return d * Math.log(originalContext / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
    }

    /** Rotated pairs per head. */
    int pairs() {
        return pairs;
    }

    /** Writes cos and sin of position {@code pos}'s angles to {@code cos/sin[off .. off + pairs)}. */
    void angles(int pos, float[] cos, float[] sin, int off) {
        for (int i = 0; i < pairs; i++) {
            double a = pos * frequencies[i];
            cos[off + i] = (float) Math.cos(a) * magnitude;
            sin[off + i] = (float) Math.sin(a) * magnitude;
        }
    }

    /**
     * Rotates {@code heads} consecutive heads of {@code headDim} floats starting at {@code x[off]}, with the
     * angles at {@code cos/sin[csOff ..]}.
     */
    void rotate(float[] x, int off, int heads, int headDim, float[] cos, float[] sin, int csOff) {
        int stride = style == Architecture.RopeStyle.INTERLEAVED ? 2 : 1;
        int partner = style == Architecture.RopeStyle.INTERLEAVED ? 1 : pairs;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < pairs; i++) {
                int a = base + i * stride;
                int b = a + partner;
                float c = cos[csOff + i];
                float s = sin[csOff + i];
                float x0 = x[a];
                float x1 = x[b];
                x[a] = x0 * c - x1 * s;
                x[b] = x0 * s + x1 * c;
            }
        }
    }
}
