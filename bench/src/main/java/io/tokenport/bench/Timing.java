package io.tokenport.bench;

import java.util.Arrays;

/**
 * Throughput of one engine on one model, in tokens per second, as the median over repetitions; or why it could
 * not run.
 *
 * @param prefill      prompt tokens per second
 * @param decode       generated tokens per second, one sequence after the prompt
 * @param batchedOne   generated tokens per second of one sequence from a short prompt (NaN: not measured)
 * @param batchedMany  generated tokens per second summed over the batch's sequences, from the same start
 * @param failure      why the engine could not run this model, or {@code null}
 */
record Timing(double prefill, double decode, double batchedOne, double batchedMany, String failure) {

    static Timing failed(String why) {
        return new Timing(Double.NaN, Double.NaN, Double.NaN, Double.NaN, why == null ? "failed" : why);
    }

    boolean ok() {
        return failure == null;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
