package io.tokenport.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The benchmark's results as a Markdown table, with TokenPort/llama.cpp ratios. */
final class ResultTable {
    private record Row(BenchModel model, long fileBytes, Timing ours, Timing theirs, List<String> repacks) {
    }

    private final int prompt;
    private final int generate;
    private final int batch;
    private final List<Row> rows = new ArrayList<>();

    ResultTable(int prompt, int generate, int batch) {
        this.prompt = prompt;
        this.generate = generate;
        this.batch = batch;
    }

    /**
     * One model's results; {@code repacks} are the layouts llama.cpp converted the model's weights into at load
     * (empty when it computed on the file's own layout).
     */
    void add(BenchModel model, long fileBytes, Timing ours, Timing theirs, List<String> repacks) {
        rows.add(new Row(model, fileBytes, ours, theirs, List.copyOf(repacks)));
    }

    boolean anyFailure() {
        for (Row r : rows) {
            if ((r.ours() != null && !r.ours().ok()) || (r.theirs() != null && !r.theirs().ok())) {
                return true;
            }
        }
        return false;
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        String pp = "pp" + prompt;
        String tg = "tg" + generate;
        boolean batched = batch > 1;
        sb.append(String.format(Locale.ROOT, "| model | params | type | size MiB | %1$s tokenport | %1$s llama.cpp "
                + "| %1$s ratio | %2$s tokenport | %2$s llama.cpp | %2$s ratio |", pp, tg));
        if (batched) {
            sb.append(String.format(Locale.ROOT, " x1 tokenport | x%1$d tokenport | x%1$d/x1 tokenport | x1 llama.cpp "
                    + "| x%1$d llama.cpp | x%1$d/x1 llama.cpp | x%1$d ratio |", batch));
        }
        sb.append("\n|---|---:|---|---:|---:|---:|---:|---:|---:|---:|").append(batched ? "---:|".repeat(7) : "")
                .append('\n');
        List<String> failures = new ArrayList<>();
        for (Row r : rows) {
            Timing o = r.ours() == null ? Timing.failed("not run") : r.ours();
            Timing t = r.theirs() == null ? Timing.failed("not run") : r.theirs();
            sb.append(String.format(Locale.ROOT, "| llama-%s | %.0fM | %s | %d | %s | %s | %s | %s | %s | %s |",
                    r.model().preset(), r.model().shape().parameterCount() / 1e6, r.model().type(),
                    r.fileBytes() >> 20,
                    num(o.prefill()), num(t.prefill()), ratio(o.prefill(), t.prefill()),
                    num(o.decode()), num(t.decode()), ratio(o.decode(), t.decode())));
            if (batched) {
                sb.append(String.format(Locale.ROOT, " %s | %s | %s | %s | %s | %s | %s |",
                        num(o.batchedOne()), num(o.batchedMany()), ratio(o.batchedMany(), o.batchedOne()),
                        num(t.batchedOne()), num(t.batchedMany()), ratio(t.batchedMany(), t.batchedOne()),
                        ratio(o.batchedMany(), t.batchedMany())));
            }
            sb.append('\n');
            if (r.ours() != null && !o.ok()) {
                failures.add("tokenport on " + r.model().id() + ": " + o.failure());
            }
            if (r.theirs() != null && !t.ok()) {
                failures.add("llama.cpp on " + r.model().id() + ": " + t.failure());
            }
        }
        sb.append("\nTokens per second; ratio = tokenport / llama.cpp (above 1: TokenPort is faster).");
        if (batched) {
            sb.append(String.format(Locale.ROOT, " x1 and x%d: each engine decoding %d steps for 1 and %d "
                    + "sequences together from %d-token prompts (tokens per second summed over the sequences); "
                    + "x%d/x1 is the aggregate speed-up of batching; x%d ratio = tokenport / llama.cpp.",
                    batch, generate, batch, Workload.BATCH_PROMPT, batch, batch));
        }
        sb.append('\n');
        String repacked = repackNote();
        if (!repacked.isEmpty()) {
            sb.append('\n').append(repacked).append('\n');
        }
        for (String f : failures) {
            sb.append("\n- ").append(f.replace('\n', ' '));
        }
        return sb.toString();
    }

    /**
     * Which models llama.cpp ran on weights it had converted at load rather than on the file's layout: its
     * kernels for those differ from the ones it uses for the same type elsewhere (and from what {@code KernelBench}
     * calls), so the table says so.
     */
    private String repackNote() {
        Map<String, List<String>> byLayout = new TreeMap<>();
        for (Row r : rows) {
            for (String layout : r.repacks()) {
                byLayout.computeIfAbsent(layout, k -> new ArrayList<>()).add(r.model().id());
            }
        }
        if (byLayout.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        byLayout.forEach((layout, ids) -> parts.add(String.join(", ", ids) + " into " + layout));
        return "llama.cpp repacked weights at load (its interleaved layouts for its 8-bit integer kernels; "
                + "TokenPort computes on the file's layout): " + String.join("; ", parts) + ".";
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }
}
