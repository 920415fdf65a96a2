package io.tokenport.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * llama.cpp through its C API ({@link LlamaCpp}): prefill is one {@code llama_decode} of the whole prompt
 * ({@code llama_batch_get_one}), decode is one {@code llama_decode} per token with a greedy argmax on the
 * logits. The KV cache is cleared between repetitions. Times are wall-clock around those calls, as for
 * TokenPort, so both include the same argmax work.
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
            return new Timing(Timing.median(pp), Timing.median(tg), Double.NaN, Double.NaN, null);
        } catch (RuntimeException e) {
            return Timing.failed(e.getMessage());
        }
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
