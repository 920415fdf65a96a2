package io.tokenport.bench;

import io.tokenport.engine.synth.ModelShape;
import io.tokenport.engine.synth.RandomModelGenerator;
import io.tokenport.engine.synth.WeightFormat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A random-weight model the benchmark runs on, generated once and cached by file name.
 *
 * @param preset a {@link ModelShape#preset} name ({@code 100m}, {@code 1b})
 * @param type   a {@link WeightFormat} name
 */
record BenchModel(String preset, String type) {
    /** The benchmark's matrix: both sizes in the three types the speed target names. */
    static final List<BenchModel> STANDARD = List.of(
            new BenchModel("100m", "Q8_0"), new BenchModel("100m", "Q4_0"), new BenchModel("100m", "Q4_K"),
            new BenchModel("1b", "Q8_0"), new BenchModel("1b", "Q4_0"), new BenchModel("1b", "Q4_K"));

    String id() {
        return preset + "-" + type;
    }

    ModelShape shape() {
        return ModelShape.preset(preset, "llama");
    }

    Path file(Path dir, long seed) {
        return dir.resolve("llama-" + id() + "-seed" + seed + ".gguf");
    }

    /** The cached file, generated first if it is not there yet. */
    Path ensure(Path dir, long seed, PrintStream log) throws IOException {
        Path f = file(dir, seed);
        if (!Files.isRegularFile(f)) {
            log.printf(Locale.ROOT, "generating %s (%.0fM parameters) ...%n", f, shape().parameterCount() / 1e6);
            RandomModelGenerator.generate(new RandomModelGenerator.Request(shape(), WeightFormat.parse(type), seed,
                    null), f, log);
        }
        return f;
    }

    /** Models whose id contains one of the comma-separated filters, case-insensitively (all for "all"). */
    static List<BenchModel> select(String filter) {
        List<BenchModel> out = new ArrayList<>();
        String[] parts = filter.toLowerCase(Locale.ROOT).split(",");
        for (BenchModel m : STANDARD) {
            for (String p : parts) {
                String s = p.strip();
                if (s.equals("all") || m.id().toLowerCase(Locale.ROOT).contains(s)) {
                    out.add(m);
                    break;
                }
            }
        }
        return out;
    }
}
