package io.tokenport.bench;

import io.tokenport.zone.ZoneConfig;
import io.tokenport.zone.ZoneServer;
import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.metering.UsageRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * {@code bench serve}: the zone as a serving system, measured like vLLM's {@code bench serve}. Starts a real
 * {@link ZoneServer} in this process on a random-weight model (about 100M parameters by default), issues a key,
 * and sends streamed requests over HTTP at each concurrency level: fixed prompt and output lengths (the end tokens
 * are banned, so every request runs to {@code max_tokens}), Poisson arrivals at {@code --rate} or all at once.
 * Client and server share the machine, as they would not in production: the client's parsing costs the server
 * a little CPU.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Throughput and latency of a running zone under concurrent streamed requests (like vLLM's "
                + "bench serve).")
final class ServeBench implements Callable<Integer> {
    @Option(names = "--model", description = "a GGUF model to serve (default: a generated --preset model)")
    Path model;

    @Option(names = "--preset", description = "random-weight model size when no --model: 100m or 1b "
            + "(default: ${DEFAULT-VALUE})")
    String preset = "100m";

    @Option(names = "--type", description = "weight type of the generated model: Q8_0, Q4_0, Q4_K "
            + "(default: ${DEFAULT-VALUE})")
    String type = "Q8_0";

    @Option(names = "--concurrency", split = ",", description = "comma-separated levels: requests in flight at "
            + "most; the first and last are compared (default: 1,8)")
    List<Integer> concurrency = List.of(1, 8);

    @Option(names = "--requests", description = "requests per level (default: 4 x the level, at least 8)")
    Integer requests;

    @Option(names = "--rate", description = "arrivals per second (Poisson), or inf to send at once "
            + "(default: ${DEFAULT-VALUE})")
    String rate = "inf";

    @Option(names = "--max-tokens", description = "output tokens per request (default: ${DEFAULT-VALUE})")
    int maxTokens = 64;

    @Option(names = "--prompt-tokens", description = "prompt tokens per request, chat template included "
            + "(default: ${DEFAULT-VALUE})")
    int promptTokens = 32;

    @Option(names = "--endpoint", description = "chat or completions (default: ${DEFAULT-VALUE})")
    String endpoint = "chat";

    @Option(names = "--threads", description = "the model's compute threads (default: the CPUs, at most 8)")
    int threads = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));

    @Option(names = "--prefill-per-step", description = "the scheduler's prompt tokens per step "
            + "(default: ${DEFAULT-VALUE})")
    int prefillPerStep = 64;

    @Option(names = "--warmup", description = "requests sent first and not counted, so the JIT has compiled the "
            + "kernels (default: ${DEFAULT-VALUE})")
    int warmup = 4;

    @Option(names = "--dir", description = "where generated models are cached (default: ${DEFAULT-VALUE})")
    Path dir = Path.of("bench-models");

    @Option(names = "--seed", description = "seed of the random weights, prompts and arrivals "
            + "(default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--out", description = "also write the results as Markdown to this file")
    Path out;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream log = System.err;
        String problem = checkOptions();
        if (problem != null) {
            log.println("bench serve: " + problem);
            return 2;
        }
        boolean chat = endpoint.equalsIgnoreCase("chat");
        double arrivalRate = rate.equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(rate);
        Path file = model != null ? model : new BenchModel(preset, type).ensure(dir, seed, log);
        int maxLevel = Collections.max(concurrency);

        String loadBefore = Machine.loadAverage();
        Path dbDir = Files.createTempDirectory("bench-serve");
        ServeReport report = new ServeReport();
        String modelId;
        try (ZoneServer zone = ZoneServer.start(ZoneConfig.builder(file, dbDir.resolve("zone.db"))
                .threads(threads)
                .scheduler(new BatchScheduler.Settings(maxLevel, Math.max(64, maxLevel), prefillPerStep))
                .build());
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .executor(Executors.newVirtualThreadPerTaskExecutor()).build()) {
            modelId = zone.model().id();
            String tenant = zone.tenants().createTenant("bench", "SG").id();
            String key = zone.tenants().createKey("bench").secret();
            StreamingClient client = new StreamingClient(http, zone.baseUrl(), key, chat);
            ServeLoad load = new ServeLoad(client);
            int[] endIds = zone.model().model().tokenizer().endOfGenerationIds();

            int seedOffset = 0;
            if (warmup > 0) {
                log.printf(Locale.ROOT, "warming up with %d requests ...%n", warmup);
                load.run(bodies(client, zone, chat, warmup, endIds, seed + seedOffset++), maxLevel,
                        Double.POSITIVE_INFINITY, seed);
            }
            for (int level : concurrency) {
                int n = requests != null ? requests : Math.max(8, 4 * level);
                log.printf(Locale.ROOT, "concurrency %d: %d requests ...%n", level, n);
                List<String> levelBodies = bodies(client, zone, chat, n, endIds, seed + seedOffset++);
                long steps = zone.scheduler().steps();
                int recorded = zone.usage().forTenant(tenant).size();
                ServeLoad.Result result = load.run(levelBodies, level, arrivalRate, seed);
                steps = zone.scheduler().steps() - steps;
                List<UsageRecord> records = zone.usage().forTenant(tenant);
                double[] zoneTpot = records.subList(recorded, records.size()).stream()
                        .filter(r -> r.timePerOutputTokenUs() >= 0)
                        .mapToDouble(r -> r.timePerOutputTokenUs() / 1e3).toArray();
                ServeReport.Level l = report.add(result, steps, zoneTpot);
                log.printf(Locale.ROOT, "  %.0f output tok/s over %.1f s, %d failed%n", l.outputTokensPerSecond(),
                        l.seconds(), l.failed());
            }
        } finally {
            deleteTree(dbDir);
        }
        String loadAfter = Machine.loadAverage();

        String header = String.format(Locale.ROOT,
                "bench serve: %s (%s) over HTTP on loopback, %s endpoint, %d prompt + %d output tokens per request, "
                        + "rate %s, %d compute threads; %s; Java %s; load average %s before, %s after%n%s",
                modelId, file.getFileName(), chat ? "chat/completions" : "completions", promptTokens, maxTokens,
                rate, threads, Machine.cpuName(), Runtime.version(), loadBefore, loadAfter,
                Machine.busy(loadBefore) || Machine.busy(loadAfter)
                        ? "WARNING: other processes were using the CPUs; these numbers are not representative.\n"
                        : "");
        String md = header + "\n" + report.markdown();
        System.out.println(md);
        if (out != null) {
            Files.writeString(out, md);
        }
        return report.anyFailure() ? 1 : 0;
    }

    private List<String> bodies(StreamingClient client, ZoneServer zone, boolean chat, int n, int[] endIds,
                                long promptSeed) {
        List<String> bodies = new ArrayList<>(n);
        for (String prompt : ServePrompts.make(zone.model(), chat, promptTokens, n, promptSeed)) {
            bodies.add(client.body(zone.model().id(), prompt, maxTokens, endIds));
        }
        return bodies;
    }

    /** What is wrong with the options, or {@code null}. */
    private String checkOptions() {
        if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c == null || c < 1)) {
            return "--concurrency needs levels of at least 1, got " + concurrency;
        }
        if (requests != null && requests < 1) {
            return "--requests must be at least 1, got " + requests;
        }
        if (!rate.equalsIgnoreCase("inf")) {
            try {
                double r = Double.parseDouble(rate);
                if (!(r > 0) || Double.isInfinite(r)) {
                    return "--rate must be a positive number of requests per second or inf, got " + rate;
                }
            } catch (NumberFormatException e) {
                return "--rate must be a positive number of requests per second or inf, got " + rate;
            }
        }
        if (maxTokens < 2) {
            return "--max-tokens must be at least 2 (TPOT needs two tokens), got " + maxTokens;
        }
        if (promptTokens < 1) {
            return "--prompt-tokens must be at least 1, got " + promptTokens;
        }
        if (!endpoint.equalsIgnoreCase("chat") && !endpoint.equalsIgnoreCase("completions")) {
            return "--endpoint must be chat or completions, got " + endpoint;
        }
        if (warmup < 0 || threads < 1 || prefillPerStep < 1) {
            return "--warmup must be 0 or more, --threads and --prefill-per-step at least 1";
        }
        if (model != null && !Files.isRegularFile(model)) {
            return "--model " + model + " is not a file";
        }
        return null;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
