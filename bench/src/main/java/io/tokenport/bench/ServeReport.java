package io.tokenport.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The serving benchmark's results as Markdown: one row per concurrency level with vLLM's {@code bench serve}
 * metrics (throughput; TTFT, TPOT, ITL and end-to-end latency percentiles), then the batching targets: aggregate
 * output tokens/s at the highest concurrency against the lowest (target: at least 3x), and the highest level's
 * TPOT p99 against the lowest level's TPOT p50 and p99 (target: under 2x).
 */
final class ServeReport {
    static final double THROUGHPUT_TARGET = 3.0;
    static final double TPOT_TARGET = 2.0;

    /** One level's summary, in milliseconds and tokens per second. */
    record Level(int concurrency, int requests, int failed, double seconds, double outputTokensPerSecond,
                 double meanPromptTokens, double meanOutputTokens, double[] ttft, double[] tpot, double[] itl,
                 double[] e2e, long steps, double[] zoneTpot, String firstFailure) {
    }

    private final List<Level> levels = new ArrayList<>();

    /**
     * Summarises one load level.
     *
     * @param steps    the scheduler's forward passes during the level
     * @param zoneTpot time per output token as the zone measured it (its usage records), in ms: without HTTP
     */
    Level add(ServeLoad.Result r, long steps, double[] zoneTpot) {
        List<StreamTiming> ok = new ArrayList<>();
        String firstFailure = null;
        for (StreamTiming t : r.requests()) {
            if (t.ok()) {
                ok.add(t);
            } else if (firstFailure == null) {
                firstFailure = t.failure();
            }
        }
        double[] ttft = new double[ok.size()];
        double[] e2e = new double[ok.size()];
        List<Double> tpot = new ArrayList<>();
        List<Double> itl = new ArrayList<>();
        long outputTokens = 0;
        long promptTokens = 0;
        for (int i = 0; i < ok.size(); i++) {
            StreamTiming t = ok.get(i);
            ttft[i] = t.firstTokenNanos() / 1e6;
            e2e[i] = t.endNanos() / 1e6;
            if (t.completionTokens() > 1) {
                tpot.add(t.timePerOutputTokenNanos() / 1e6);
            }
            for (long gap : t.chunkGapsNanos()) {
                itl.add(gap / 1e6);
            }
            outputTokens += t.completionTokens();
            promptTokens += t.promptTokens();
        }
        double seconds = r.durationNanos() / 1e9;
        Level level = new Level(r.concurrency(), r.requests().size(), r.requests().size() - ok.size(), seconds,
                outputTokens / seconds, ok.isEmpty() ? Double.NaN : (double) promptTokens / ok.size(),
                ok.isEmpty() ? Double.NaN : (double) outputTokens / ok.size(),
                ttft, unbox(tpot), unbox(itl), e2e, steps, zoneTpot, firstFailure);
        levels.add(level);
        return level;
    }

    boolean anyFailure() {
        for (Level l : levels) {
            if (l.failed() > 0) {
                return true;
            }
        }
        return false;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| concurrency | requests | prompt tok | output tok | duration s | output tok/s | TTFT p50 | TTFT p90 "
                + "| TTFT p99 | TPOT p50 | TPOT p99 | ITL p50 | ITL p99 | E2E p50 | E2E p99 | out tok/step | zone TPOT p50 |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Level l : levels) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %s "
                            + "| %s | %s | %s | %s |%n",
                    l.concurrency(), l.failed() == 0 ? Integer.toString(l.requests())
                            : (l.requests() - l.failed()) + " of " + l.requests(),
                    num(l.meanPromptTokens()), num(l.meanOutputTokens()), l.seconds(), num(l.outputTokensPerSecond()),
                    num(percentile(l.ttft(), 50)), num(percentile(l.ttft(), 90)), num(percentile(l.ttft(), 99)),
                    num(percentile(l.tpot(), 50)), num(percentile(l.tpot(), 99)),
                    num(percentile(l.itl(), 50)), num(percentile(l.itl(), 99)),
                    num(percentile(l.e2e(), 50)), num(percentile(l.e2e(), 99)),
                    l.steps() == 0 ? "-" : String.format(Locale.ROOT, "%.2f",
                            l.meanOutputTokens() * (l.requests() - l.failed()) / l.steps()),
                    num(percentile(l.zoneTpot(), 50))));
        }
        sb.append("\nLatencies in ms, from the client's send. TTFT: until the first chunk with text; TPOT: "
                + "(E2E - TTFT) / (output tokens - 1) per request; ITL: gaps between chunks with text (a chunk may "
                + "carry several tokens); prompt and output tokens: means, as the zone's usage counted them. out tok/step: output tokens per "
                + "forward pass of the zone's scheduler (how full its batches were); zone TPOT: the same per-token time "
                + "as the zone measured it, without HTTP and SSE.\n");
        if (levels.size() >= 2) {
            Level low = levels.getFirst();
            Level high = levels.getLast();
            double ratio = high.outputTokensPerSecond() / low.outputTokensPerSecond();
            double tpotHigh = percentile(high.tpot(), 99);
            double vsP50 = tpotHigh / percentile(low.tpot(), 50);
            double vsP99 = tpotHigh / percentile(low.tpot(), 99);
            sb.append(String.format(Locale.ROOT, "%nBatching: output tok/s at concurrency %d / at %d = **%.2fx** "
                            + "(target >= %.0fx: %s). TPOT p99 at %d / TPOT p50 at %d = **%.2fx**, / TPOT p99 at "
                            + "%d = **%.2fx** (target < %.0fx: %s).%n",
                    high.concurrency(), low.concurrency(), ratio, THROUGHPUT_TARGET,
                    ratio >= THROUGHPUT_TARGET ? "met" : "missed",
                    high.concurrency(), low.concurrency(), vsP50, low.concurrency(), vsP99, TPOT_TARGET,
                    vsP50 < TPOT_TARGET ? "met" : vsP99 < TPOT_TARGET ? "met against p99 only" : "missed"));
        }
        for (Level l : levels) {
            if (l.firstFailure() != null) {
                sb.append(String.format(Locale.ROOT, "%n- concurrency %d: %d failed, first: %s", l.concurrency(),
                        l.failed(), l.firstFailure().replace('\n', ' ')));
            }
        }
        return sb.toString();
    }

    /** The p-th percentile with linear interpolation between closest ranks (NumPy's default); NaN when empty. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        double rank = p / 100 * (v.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return v[lo] + (v[hi] - v[lo]) * (rank - lo);
    }

    private static double[] unbox(List<Double> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }
}
