package io.tokenport.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Speed measurements of TokenPort side by side with reference engines. Not shipped; run from the shaded jar:
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -jar
 * bench/target/tokenport-bench.jar engine}.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks TokenPort against reference engines.",
        subcommands = {EngineBench.class, LinkBench.class, CommandLine.HelpCommand.class})
public final class Bench {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }
}
