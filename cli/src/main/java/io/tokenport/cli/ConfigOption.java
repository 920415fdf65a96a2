package io.tokenport.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --config FILE}. {@link Settings} reads the file before the command line is parsed (its keys are the
 * options' defaults); this mixin only lets the option through and documents it.
 */
final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "A properties file with defaults for these options and the price book (also TOKENPORT_CONFIG).")
    Path config;
}
