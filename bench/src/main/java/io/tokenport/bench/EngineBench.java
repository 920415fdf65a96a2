package io.tokenport.bench;

import io.tokenport.engine.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bench engine}: prefill and decode speed of TokenPort against llama.cpp on random-weight llama models
 * (about 100M and 1B parameters, in Q8_0, Q4_0 and Q4_K), same process, same thread count; plus each engine's
 * batched decoding of {@code --batch} sequences against one sequence. Models are generated once into
 * {@code --dir} and reused.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Prefill (pp), decode (tg) and batched decode tokens/s of TokenPort vs llama.cpp on "
                + "random-weight models.")
final class EngineBench implements Callable<Integer> {
    @Option(names = "--threads", description = "compute threads for every engine (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--models", description = "comma-separated filters on model ids such as 100m-Q8_0, 1b, Q4_K "
            + "(default: ${DEFAULT-VALUE})")
    String models = "all";

    @Option(names = "--reps", description = "timed repetitions after a warm-up; the median is shown "
            + "(default: ${DEFAULT-VALUE})")
    int reps = 3;

    @Option(names = "--prompt", description = "prompt tokens for prefill (default: ${DEFAULT-VALUE})")
    int promptTokens = 128;

    @Option(names = "--generate", description = "decode steps (default: ${DEFAULT-VALUE})")
    int generate = 64;

    @Option(names = "--batch", description = "sequences in each engine's batched decode, 0 to skip "
            + "(default: ${DEFAULT-VALUE})")
    int batch = 8;

    @Option(names = "--engines", split = ",", description = "engines to run: tokenport, llama.cpp "
            + "(default: both)")
    List<String> engines = List.of("tokenport", "llama.cpp");

    @Option(names = "--prefill-chunk", description = "TokenPort's prompt tokens per forward pass "
            + "(default: the engine's default)")
    int prefillChunk = Model.DEFAULT_PREFILL_CHUNK;

    @Option(names = "--dir", description = "where generated models are cached (default: ${DEFAULT-VALUE})")
    Path dir = Path.of("bench-models");

    @Option(names = "--seed", description = "seed of the random weights and prompt (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", description = "also write the results as Markdown to this file")
    Path out;

    @Option(names = "--verbose", description = "show llama.cpp's log")
    boolean verbose;

    @Override
    public Integer call() throws IOException {
        List<BenchModel> selected = BenchModel.select(models);
        if (selected.isEmpty()) {
            System.err.println("no model matches --models " + models + "; ids: "
                    + BenchModel.STANDARD.stream().map(BenchModel::id).toList());
            return 2;
        }
        PrintStream log = System.err;
        List<Path> files = new ArrayList<>();
        for (BenchModel m : selected) {
            files.add(m.ensure(dir, seed, log));
        }

        List<BenchEngine> running = new ArrayList<>();
        String llamaInfo = null;
        for (String e : engines) {
            switch (e.strip().toLowerCase(Locale.ROOT)) {
                case "tokenport" -> running.add(new TokenPortEngine(prefillChunk));
                case "llama.cpp", "llamacpp" -> {
                    LlamaCppEngine l = new LlamaCppEngine(verbose);
                    llamaInfo = l.systemInfo();
                    running.add(l);
                }
                default -> {
                    System.err.println("unknown engine '" + e + "' (tokenport, llama.cpp)");
                    return 2;
                }
            }
        }

        String loadBefore = Machine.loadAverage();
        ResultTable table = new ResultTable(promptTokens, generate, batch);
        try {
            for (int i = 0; i < selected.size(); i++) {
                BenchModel m = selected.get(i);
                int[] prompt = Workload.randomPrompt(promptTokens, m.shape().vocab(), seed);
                Workload work = new Workload(prompt, generate, batch, threads, reps);
                Timing ours = null;
                Timing theirs = null;
                List<String> repacks = List.of();
                for (BenchEngine engine : running) {
                    log.printf(Locale.ROOT, "running %s on %s ...%n", engine.name(), m.id());
                    Timing t = engine.run(files.get(i), work);
                    log.println("  " + t);
                    if (engine instanceof LlamaCppEngine llama) {
                        theirs = t;
                        repacks = llama.takeRepacks();
                    } else {
                        ours = t;
                    }
                }
                table.add(m, Files.size(files.get(i)), ours, theirs, repacks);
            }
        } finally {
            for (BenchEngine engine : running) {
                engine.close();
            }
        }

        String loadAfter = Machine.loadAverage();
        String header = String.format(Locale.ROOT,
                "TokenPort vs llama.cpp (b4916 via FFM, libjllama.so of de.kherud:llama:4.2.0), %d threads, "
                        + "median of %d runs after a warm-up; %s; Java %s; load average %s before, %s after%n%s%s",
                threads, reps, Machine.cpuName(), Runtime.version(), loadBefore, loadAfter,
                llamaInfo == null ? "" : "llama.cpp system info: " + llamaInfo + "\n",
                Machine.busy(loadBefore) || Machine.busy(loadAfter)
                        ? "WARNING: other processes were using the CPUs; llama.cpp's spinning thread barriers slow "
                        + "down far more than TokenPort's under such load, so these ratios are not representative.\n"
                        : "");
        String md = header + "\n" + table.markdown();
        System.out.println(md);
        if (out != null) {
            Files.writeString(out, md);
        }
        return table.anyFailure() ? 1 : 0;
    }
}
