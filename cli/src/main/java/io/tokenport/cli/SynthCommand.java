package io.tokenport.cli;

import io.tokenport.engine.synth.ModelShape;
import io.tokenport.engine.synth.RandomModelGenerator;
import io.tokenport.engine.synth.WeightFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tokenport synth}: writes a random-weight model for speed tests. */
@Command(name = "synth",
        mixinStandardHelpOptions = true,
        description = {"Write a GGUF model with random weights (fixed seed: the same arguments give the same file).",
                "For speed tests: speed does not depend on the weights' values."})
final class SynthCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", defaultValue = "llama", description = "llama, qwen2 or qwen3 (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--preset", defaultValue = "100m", description = "Shape: tiny, 100m or 1b (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--type", defaultValue = "Q8_0",
            description = "Weight type: F32, F16, BF16, Q8_0, Q4_0, Q5_0, Q4_K, Q5_K, Q6_K or Q4_K_M (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--vocab", paramLabel = "FILE",
            description = "A llama2.c tokenizer file for the vocabulary (default: ../shared/models/llama2_tokenizer.bin when present, else a synthetic one).")
    Path vocabulary;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the GGUF file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ModelShape shape = ModelShape.preset(preset, arch);
        var request = new RandomModelGenerator.Request(shape, WeightFormat.parse(type), seed, vocabulary);
        var result = RandomModelGenerator.generate(request, out, System.err);
        spec.commandLine().getErr().printf("wrote %s: %,d parameters, %,d bytes, vocabulary: %s%n",
                result.file(), result.parameters(), result.bytes(), result.vocabularySource());
        return 0;
    }
}
