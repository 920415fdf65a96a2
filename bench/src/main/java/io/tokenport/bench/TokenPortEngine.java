package io.tokenport.bench;

import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.model.Model;
import io.tokenport.engine.model.Sequence;
import io.tokenport.engine.tensor.ComputePool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TokenPort's engine: prefill through {@link Model#prefill}, decode through {@link Model#decode} with one
 * sequence, and batched decode with {@code batch} sequences in each step, against one sequence from the same
 * start (the ratio of the two is what batching buys).
 */
final class TokenPortEngine implements BenchEngine {
    private final int prefillChunk;

    TokenPortEngine(int prefillChunk) {
        this.prefillChunk = prefillChunk;
    }

    @Override
    public String name() {
        return "tokenport";
    }

    @Override
    public Timing run(Path file, Workload work) {
        try (GGUFFile gguf = GGUFFile.open(file); ComputePool pool = new ComputePool(work.threads())) {
            Model model = Model.load(gguf, pool, prefillChunk);
            Sequence seq = model.newSequence(work.contextLength());
            float[][] out = {new float[model.config().vocabularySize()]};
            single(model, seq, work, out, new long[2]); // warm-up
            double[] pp = new double[work.reps()];
            double[] tg = new double[work.reps()];
            double[] b1 = new double[work.reps()];
            double[] bn = new double[work.reps()];
            long[] ns = new long[2];
            for (int r = 0; r < work.reps(); r++) {
                single(model, seq, work, out, ns);
                pp[r] = work.prompt().length * 1e9 / ns[0];
                tg[r] = work.generate() * 1e9 / ns[1];
            }
            double batched = Double.NaN;
            double single = Double.NaN;
            if (work.batch() > 1) {
                List<Sequence> seqs = new ArrayList<>();
                for (int i = 0; i < work.batch(); i++) {
                    seqs.add(model.newSequence(work.contextLength()));
                }
                batched(model, seqs, work, 1); // warm-up
                for (int r = 0; r < work.reps(); r++) {
                    b1[r] = batched(model, seqs, work, 1);
                    bn[r] = batched(model, seqs, work, work.batch());
                }
                batched = Timing.median(bn);
                single = Timing.median(b1);
            }
            return new Timing(Timing.median(pp), Timing.median(tg), single, batched, null);
        } catch (IOException | RuntimeException e) {
            return Timing.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void single(Model model, Sequence seq, Workload work, float[][] out, long[] ns) {
        seq.reset();
        long t0 = System.nanoTime();
        int[] token = {BenchEngine.argmax(model.prefill(seq, work.prompt()))};
        long t1 = System.nanoTime();
        List<Sequence> one = List.of(seq);
        for (int i = 0; i < work.generate(); i++) {
            model.decode(one, token, out);
            token[0] = BenchEngine.argmax(out[0]);
        }
        ns[0] = t1 - t0;
        ns[1] = System.nanoTime() - t1;
    }

    /** Aggregate tokens per second of {@code n} sequences decoding together from their own short prompts. */
    private static double batched(Model model, List<Sequence> all, Workload work, int n) {
        List<Sequence> seqs = all.subList(0, n);
        int[] tokens = new int[n];
        float[][] out = new float[n][model.config().vocabularySize()];
        for (int i = 0; i < n; i++) {
            Sequence s = seqs.get(i);
            s.reset();
            tokens[i] = BenchEngine.argmax(model.prefill(s, work.batchPrompt(i)));
        }
        long t0 = System.nanoTime();
        for (int step = 0; step < work.generate(); step++) {
            model.decode(seqs, tokens, out);
            for (int i = 0; i < n; i++) {
                tokens[i] = BenchEngine.argmax(out[i]);
            }
        }
        return (double) n * work.generate() * 1e9 / (System.nanoTime() - t0);
    }
}
