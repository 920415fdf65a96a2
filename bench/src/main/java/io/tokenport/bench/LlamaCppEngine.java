package io.tokenport.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * llama.cpp through its C API ({@link LlamaCpp}): prefill is one {@code llama_decode} of the whole prompt
 * ({@code llama_batch_get_one}), decode is one {@code llama_decode} per token with a greedy argmax on the
 * logits. The KV cache is cleared between repetitions. Times are wall-clock around those calls, as for
 * TokenPort, so both include the same argmax work. Batched decode, as for TokenPort: each sequence is prefilled
 * from its own short prompt, then every step is one {@code llama_decode} of one token per sequence (each with its
 * own sequence id and position in the shared KV cache) and an argmax per sequence.
 */
final class LlamaCppEngine implements BenchEngine {
    private final LlamaCpp lib;

    LlamaCppEngine(boolean verbose) throws IOException {
        this.lib = new LlamaCpp(verbose);
    }

    @Override
    public String name() {
        return "llama.cpp";
    }

    String systemInfo() {
        return lib.systemInfo();
    }

    /** The layouts llama.cpp repacked weights into during the runs since the last call (see {@link LlamaCpp}). */
    List<String> takeRepacks() {
        return lib.takeRepacks();
    }

    @Override
    public Timing run(Path model, Workload work) {
        int batch = Math.max(512, work.prompt().length);
        try (LlamaCpp.Session s = lib.open(model, work.threads(), Math.max(512, work.contextLength()), batch)) {
            once(s, work, new long[2]); // warm-up
            double[] pp = new double[work.reps()];
            double[] tg = new double[work.reps()];
            long[] ns = new long[2];
            for (int r = 0; r < work.reps(); r++) {
                once(s, work, ns);
                pp[r] = work.prompt().length * 1e9 / ns[0];
                tg[r] = work.generate() * 1e9 / ns[1];
            }
            double single = Double.NaN;
            double batched = Double.NaN;
            if (work.batch() > 1) {
                double[] b1 = new double[work.reps()];
                double[] bn = new double[work.reps()];
                try (LlamaCpp.Session many = lib.open(model, work.threads(), work.batch() * work.contextLength(),
                        Math.max(work.batch(), Workload.BATCH_PROMPT), work.batch())) {
                    batched(many, work, 1); // warm-up
                    for (int r = 0; r < work.reps(); r++) {
                        b1[r] = batched(many, work, 1);
                        bn[r] = batched(many, work, work.batch());
                    }
                }
                single = Timing.median(b1);
                batched = Timing.median(bn);
            }
            return new Timing(Timing.median(pp), Timing.median(tg), single, batched, null);
        } catch (RuntimeException e) {
            return Timing.failed(e.getMessage());
        }
    }

    /** Aggregate tokens per second of {@code n} sequences decoding together from their own short prompts. */
    private static double batched(LlamaCpp.Session s, Workload work, int n) {
        s.clear();
        int[] tokens = new int[n];
        int[] pos = new int[Math.max(n, Workload.BATCH_PROMPT)];
        int[] seq = new int[pos.length];
        for (int i = 0; i < n; i++) {
            int[] prompt = work.batchPrompt(i);
            for (int p = 0; p < prompt.length; p++) {
                pos[p] = p;
                seq[p] = i;
            }
            s.decode(prompt, pos, seq, prompt.length, false);
            tokens[i] = s.argmax(prompt.length - 1);
        }
        long t0 = System.nanoTime();
        for (int step = 0; step < work.generate(); step++) {
            for (int i = 0; i < n; i++) {
                pos[i] = Workload.BATCH_PROMPT + step;
                seq[i] = i;
            }
            s.decode(tokens, pos, seq, n, true);
            for (int i = 0; i < n; i++) {
                tokens[i] = s.argmax(i);
            }
        }
        return (double) n * work.generate() * 1e9 / (System.nanoTime() - t0);
    }

    private static void once(LlamaCpp.Session s, Workload work, long[] ns) {
        s.clear();
        int[] prompt = work.prompt();
        long t0 = System.nanoTime();
        s.decode(prompt, 0, prompt.length);
        int[] token = {s.argmax()};
        long t1 = System.nanoTime();
        for (int i = 0; i < work.generate(); i++) {
            s.decode(token, 0, 1);
            token[0] = s.argmax();
        }
        long t2 = System.nanoTime();
        ns[0] = t1 - t0;
        ns[1] = t2 - t1;
    }

    @Override
    public void close() {
        lib.close();
    }
}
