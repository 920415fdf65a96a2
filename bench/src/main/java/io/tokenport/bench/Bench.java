package io.tokenport.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Speed measurements of TokenPort side by side with reference engines, and of the zone's screening (with its
 * precision and recall on the labelled corpus). Not shipped; run from the shaded jar:
 * {@code java @scripts/jvm.args -jar
 * bench/target/tokenport-bench.jar engine} (or {@code serve}).
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks TokenPort against reference engines; measures serving, the link and the zone's screening.",
        subcommands = {EngineBench.class, ServeBench.class, LinkBench.class, ScreeningEval.class, ScreeningSpeed.class,
                CommandLine.HelpCommand.class})
public final class Bench {
    /**
     * The servers a bench starts log each request and their start-up at INFO; in a bench that is noise between
     * the tables (and costs time inside what is measured). Held: java.util.logging keeps loggers only weakly.
     */
    private static final java.util.List<java.util.logging.Logger> QUIET = java.util.stream.Stream.of(
                    "io.tokenport.zone.access", "io.helidon", "org.flywaydb")
            .map(java.util.logging.Logger::getLogger).toList();

    public static void main(String[] args) {
        // The zone's connection pool logs through SLF4J, which has no backend here (as in the tokenport command).
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        QUIET.forEach(logger -> logger.setLevel(java.util.logging.Level.WARNING));
        System.exit(new CommandLine(new Bench()).execute(args));
    }
}
