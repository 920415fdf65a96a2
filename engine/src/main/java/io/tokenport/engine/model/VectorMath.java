package io.tokenport.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float kernels of the forward pass outside the weight matmuls: attention scores and weighted value sums
 * over KV cache pages, softmax pieces, RMSNorm, SwiGLU, residual adds. Plain loops over arrays with the Vector
 * API; none allocates. The launchers keep {@link #scores} and {@link #addWeightedRows} out of their caller's
 * compilation (scripts/jvm.args), as they do the matmul kernels: a compilation that runs out of inlining budget
 * can leave a loop's vectors boxed for the rest of the JVM's life.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorMath() {
    }

    /**
     * Attention scores against one transposed key page: {@code s[so + j] = scale * sum_d q[qo + d] * kt[ko + d *
     * stride + j]} for positions {@code j < count}. Four vectors of positions are accumulated at once, so four
     * independent multiply-add chains hide the instruction latency.
     */
    static void scores(float[] q, int qo, int dims, float[] kt, int ko, int stride, int count, float scale,
                       float[] s, int so) {
        int step = S.length();
        int j = 0;
        for (; j + 4 * step <= count; j += 4 * step) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int d = 0; d < dims; d++) {
                FloatVector qd = FloatVector.broadcast(S, q[qo + d]);
                int base = ko + d * stride + j;
                a0 = FloatVector.fromArray(S, kt, base).fma(qd, a0);
                a1 = FloatVector.fromArray(S, kt, base + step).fma(qd, a1);
                a2 = FloatVector.fromArray(S, kt, base + 2 * step).fma(qd, a2);
                a3 = FloatVector.fromArray(S, kt, base + 3 * step).fma(qd, a3);
            }
            a0.mul(scale).intoArray(s, so + j);
            a1.mul(scale).intoArray(s, so + j + step);
            a2.mul(scale).intoArray(s, so + j + 2 * step);
            a3.mul(scale).intoArray(s, so + j + 3 * step);
        }
        for (; j + step <= count; j += step) {
            FloatVector a = FloatVector.zero(S);
            for (int d = 0; d < dims; d++) {
                a = FloatVector.fromArray(S, kt, ko + d * stride + j).fma(FloatVector.broadcast(S, q[qo + d]), a);
            }
            a.mul(scale).intoArray(s, so + j);
        }
        for (; j < count; j++) {
            float a = 0;
            for (int d = 0; d < dims; d++) {
                a += q[qo + d] * kt[ko + d * stride + j];
            }
            s[so + j] = a * scale;
        }
    }

    /**
     * Adds one value page's share of the softmax-weighted sum: {@code out[oo + i] += sum_{t < count} w[wo + t] *
     * v[vo + t * stride + i]} for {@code i < len}. Blocks of up to eight vectors of the output stay in registers
     * across all rows of the page.
     */
    static void addWeightedRows(float[] w, int wo, int count, float[] v, int vo, int stride, float[] out, int oo,
                                int len) {
        int step = S.length();
        int i = 0;
        for (; i + 8 * step <= len; i += 8 * step) {
            int o = oo + i;
            FloatVector a0 = FloatVector.fromArray(S, out, o);
            FloatVector a1 = FloatVector.fromArray(S, out, o + step);
            FloatVector a2 = FloatVector.fromArray(S, out, o + 2 * step);
            FloatVector a3 = FloatVector.fromArray(S, out, o + 3 * step);
            FloatVector a4 = FloatVector.fromArray(S, out, o + 4 * step);
            FloatVector a5 = FloatVector.fromArray(S, out, o + 5 * step);
            FloatVector a6 = FloatVector.fromArray(S, out, o + 6 * step);
            FloatVector a7 = FloatVector.fromArray(S, out, o + 7 * step);
            for (int t = 0; t < count; t++) {
                FloatVector wt = FloatVector.broadcast(S, w[wo + t]);
                int base = vo + t * stride + i;
                a0 = FloatVector.fromArray(S, v, base).fma(wt, a0);
                a1 = FloatVector.fromArray(S, v, base + step).fma(wt, a1);
                a2 = FloatVector.fromArray(S, v, base + 2 * step).fma(wt, a2);
                a3 = FloatVector.fromArray(S, v, base + 3 * step).fma(wt, a3);
                a4 = FloatVector.fromArray(S, v, base + 4 * step).fma(wt, a4);
                a5 = FloatVector.fromArray(S, v, base + 5 * step).fma(wt, a5);
                a6 = FloatVector.fromArray(S, v, base + 6 * step).fma(wt, a6);
                a7 = FloatVector.fromArray(S, v, base + 7 * step).fma(wt, a7);
            }
            a0.intoArray(out, o);
            a1.intoArray(out, o + step);
            a2.intoArray(out, o + 2 * step);
            a3.intoArray(out, o + 3 * step);
            a4.intoArray(out, o + 4 * step);
            a5.intoArray(out, o + 5 * step);
            a6.intoArray(out, o + 6 * step);
            a7.intoArray(out, o + 7 * step);
        }
        for (; i + 4 * step <= len; i += 4 * step) {
            int o = oo + i;
            FloatVector a0 = FloatVector.fromArray(S, out, o);
            FloatVector a1 = FloatVector.fromArray(S, out, o + step);
            FloatVector a2 = FloatVector.fromArray(S, out, o + 2 * step);
            FloatVector a3 = FloatVector.fromArray(S, out, o + 3 * step);
            for (int t = 0; t < count; t++) {
                FloatVector wt = FloatVector.broadcast(S, w[wo + t]);
                int base = vo + t * stride + i;
                a0 = FloatVector.fromArray(S, v, base).fma(wt, a0);
                a1 = FloatVector.fromArray(S, v, base + step).fma(wt, a1);
                a2 = FloatVector.fromArray(S, v, base + 2 * step).fma(wt, a2);
                a3 = FloatVector.fromArray(S, v, base + 3 * step).fma(wt, a3);
            }
            a0.intoArray(out, o);
            a1.intoArray(out, o + step);
            a2.intoArray(out, o + 2 * step);
            a3.intoArray(out, o + 3 * step);
        }
        for (; i + step <= len; i += step) {
            FloatVector a = FloatVector.fromArray(S, out, oo + i);
            for (int t = 0; t < count; t++) {
                a = FloatVector.fromArray(S, v, vo + t * stride + i).fma(FloatVector.broadcast(S, w[wo + t]), a);
            }
            a.intoArray(out, oo + i);
        }
        for (; i < len; i++) {
            float a = out[oo + i];
            for (int t = 0; t < count; t++) {
                a += w[wo + t] * v[vo + t * stride + i];
            }
            out[oo + i] = a;
        }
    }

    /**
     * RMSNorm: {@code out[oo + i] = x[xo + i] * w[i] / sqrt(mean(x^2) + eps)} for {@code i < len}; {@code out}
     * may be {@code x}.
     */
    static void rmsNorm(float[] x, int xo, float[] w, float eps, float[] out, int oo, int len) {
        double ss = 0;
        for (int i = 0; i < len; i++) {
            float v = x[xo + i];
            ss += v * v;
        }
        float scale = (float) (1.0 / Math.sqrt(ss / len + eps));
        for (int i = 0; i < len; i++) {
            out[oo + i] = x[xo + i] * scale * w[i];
        }
    }

    /** {@code y[yo + i] += x[xo + i]} for {@code i < len}. */
    static void add(float[] x, int xo, float[] y, int yo, int len) {
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += S.length()) {
            FloatVector.fromArray(S, y, yo + i).add(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
        for (; i < len; i++) {
            y[yo + i] += x[xo + i];
        }
    }

    /**
     * SwiGLU's gate: {@code gate[i] = silu(gate[i]) * up[i]} for {@code from <= i < to}.
     *
     * <p>Scalar {@link Math#exp} on purpose: the Vector API's {@code EXP} may round differently in interpreted and
     * compiled code, and a token's logits must not depend on how warm the JIT is.
     */
    static void swiglu(float[] gate, float[] up, int from, int to) {
        for (int i = from; i < to; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    /** The largest of {@code a[off .. off + len)}. */
    static float max(float[] a, int off, int len) {
        int i = 0;
        float max = Float.NEGATIVE_INFINITY;
        int upper = S.loopBound(len);
        if (upper > 0) {
            // Started from the first chunk, not from a broadcast: in some C2 compilations of a caller that inlines
            // this (Model.attentionTask, after other code shared the Vector API's profiles) the broadcast's
            // intrinsic failed, the vector's exact type was lost, max() became a virtual call and every step boxed
            // vectors (SequenceMemoryTest saw 13.6 KB per decode step in one full-suite run in four).
            FloatVector m = FloatVector.fromArray(S, a, off);
            for (i = S.length(); i < upper; i += S.length()) {
                m = m.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, a, off + i));
            }
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < len; i++) {
            max = Math.max(max, a[off + i]);
        }
        return max;
    }

    /**
     * {@code a[i] = exp(a[i] - shift)} over {@code a[off .. off + len)}; returns their sum, added in index order.
     * Scalar for the same reason as {@link #swiglu}: results must not depend on the JIT's state.
     */
    static float expAndSum(float[] a, int off, int len, float shift) {
        float sum = 0;
        for (int i = off; i < off + len; i++) {
            float e = (float) Math.exp(a[i] - shift);
            a[i] = e;
            sum += e;
        }
        return sum;
    }
}
