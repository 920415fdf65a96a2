package io.tokenport.engine.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The input of one matmul, prepared once per call and shared by all threads: {@code n} rows of {@code cols}
 * floats, and for quantized weights the same rows rounded to 8-bit integers in blocks of 32 (the Q8_0 scheme:
 * {@code x ~ scale * q}, {@code |q| <= 127}).
 *
 * <p>The integers are stored widened to {@code short} so kernels load them straight into 16-bit lanes. Each
 * block also keeps {@code scale * sum(q)}, which the kernels need for weight formats with an offset per block
 * (the mins of Q4_K and Q5_K). Arrays only grow; a pool reuses one instance for every call.
 */
final class Activations {
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;

    int n;
    int cols;
    /** Whether {@link #q}, {@link #scale} and {@link #sum} hold this input (the integer path). */
    boolean quantized;
    /** The float input, as passed (not copied). */
    float[] x;
    /** {@code q[b * cols + i]}: the input rounded to integers in [-127, 127]. */
    short[] q = new short[0];
    /** {@code scale[b * cols / 32 + k]}: the scale of block k of row b. */
    float[] scale = new float[0];
    /** {@code sum[b * cols / 32 + k] = scale * sum of the block's q}. */
    float[] sum = new float[0];

    /** Makes this the input {@code x} (n rows) of a matmul with {@code w}, on the path chosen by n. */
    void prepare(FloatTensor w, float[] x, int n) {
        prepare(w, x, n, n <= FloatTensor.DECODE_MAX);
    }

    /**
     * Makes this the input {@code x} (n rows) of a matmul with {@code w}: on the integer path if
     * {@code integerPath} and {@code w}'s type has one, else on the float path.
     */
    void prepare(FloatTensor w, float[] x, int n, boolean integerPath) {
        this.n = n;
        this.cols = w.cols();
        this.x = x;
        this.quantized = integerPath && w.quantizesInput();
        if (quantized) {
            quantize(x, n, w.cols());
        }
    }

    private void quantize(float[] x, int n, int cols) {
        int total = n * cols;
        int blocks = total / 32;
        if (q.length < total) {
            q = new short[total];
        }
        if (scale.length < blocks) {
            scale = new float[blocks];
            sum = new float[blocks];
        }
        for (int k = 0; k < blocks; k++) {
            int i = k * 32;
            FloatVector v0 = FloatVector.fromArray(F256, x, i);
            FloatVector v1 = FloatVector.fromArray(F256, x, i + 8);
            FloatVector v2 = FloatVector.fromArray(F256, x, i + 16);
            FloatVector v3 = FloatVector.fromArray(F256, x, i + 24);
            float amax = v0.abs().max(v1.abs()).max(v2.abs().max(v3.abs())).reduceLanes(VectorOperators.MAX);
            float d = amax / 127f;
            float id = amax == 0f ? 0f : 127f / amax;
            IntVector q0 = round(v0, id);
            IntVector q1 = round(v1, id);
            IntVector q2 = round(v2, id);
            IntVector q3 = round(v3, id);
            q0.convertShape(VectorOperators.I2S, S128, 0).reinterpretAsShorts().intoArray(q, i);
            q1.convertShape(VectorOperators.I2S, S128, 0).reinterpretAsShorts().intoArray(q, i + 8);
            q2.convertShape(VectorOperators.I2S, S128, 0).reinterpretAsShorts().intoArray(q, i + 16);
            q3.convertShape(VectorOperators.I2S, S128, 0).reinterpretAsShorts().intoArray(q, i + 24);
            scale[k] = d;
            sum[k] = d * q0.add(q1).add(q2.add(q3)).reduceLanes(VectorOperators.ADD);
        }
    }

    /** {@code round(v * id)} half away from zero: add +-0.5, then truncate as the conversion does. */
    private static IntVector round(FloatVector v, float id) {
        FloatVector s = v.mul(id);
        FloatVector half = s.reinterpretAsInts().and(0x8000_0000).or(0x3f00_0000).reinterpretAsFloats();
        return (IntVector) s.add(half).convert(VectorOperators.F2I, 0);
    }
}
