package io.tokenport.cli;

import io.tokenport.zone.metering.Price;
import io.tokenport.zone.metering.PriceBook;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where option values come from when they are not on the command line: first an environment variable
 * ({@code --data-dir} is {@code TOKENPORT_DATA_DIR}), then the configuration file, then the built-in default.
 *
 * <p>The configuration file is a Java properties file named by {@code --config FILE} or {@code TOKENPORT_CONFIG}.
 * Its keys are option names without the dashes ({@code port = 8080}, {@code data-dir = /var/lib/tokenport}) and
 * the price book: {@code prices.MODEL.prompt} and {@code prices.MODEL.completion} in US dollars per million tokens,
 * with {@code prices.default.*} for models the book does not name. An unknown key is an error that names it, so a
 * typo never silently leaves a setting at its default.
 */
final class Settings implements CommandLine.IDefaultValueProvider {
    static final String ENV_PREFIX = "TOKENPORT_";
    static final String CONFIG_ENV = "TOKENPORT_CONFIG";

    private final Map<String, String> env;
    private final Properties file;
    private final Path fileName;

    private Settings(Map<String, String> env, Properties file, Path fileName) {
        this.env = env;
        this.file = file;
        this.fileName = fileName;
    }

    /** No configuration file, no environment: built-in defaults only. */
    static Settings none() {
        return new Settings(Map.of(), new Properties(), null);
    }

    /**
     * The settings for one run: the file named by {@code --config} in {@code args} or by {@code TOKENPORT_CONFIG}.
     *
     * @throws IllegalArgumentException if that file is missing or unreadable
     */
    static Settings load(String[] args, Map<String, String> env) {
        String config = env.get(CONFIG_ENV);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = args[i + 1];
            } else if (args[i].startsWith("--config=")) {
                config = args[i].substring("--config=".length());
            }
        }
        Properties props = new Properties();
        Path path = null;
        if (config != null && !config.isBlank()) {
            path = Path.of(config);
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("configuration file not found: " + path);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot read configuration file " + path + ": " + e.getMessage());
            }
        }
        return new Settings(Map.copyOf(env), props, path);
    }

    /**
     * Checks the file's keys against every option of {@code root}'s commands and the price keys.
     *
     * @throws IllegalArgumentException naming the first unknown key and the known ones
     */
    void check(CommandSpec root) {
        Set<String> known = new TreeSet<>();
        collectOptionNames(root, known);
        for (String key : file.stringPropertyNames()) {
            if (key.startsWith("prices.")) {
                continue;
            }
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown key \"" + key + "\" in configuration file " + fileName
                        + "; known keys: " + String.join(", ", known) + ", prices.MODEL.prompt, prices.MODEL.completion");
            }
        }
        prices();
    }

    private static void collectOptionNames(CommandSpec spec, Set<String> into) {
        for (OptionSpec option : spec.options()) {
            String name = key(option);
            if (!option.usageHelp() && !option.versionHelp() && !name.equals("config")) {
                into.add(name);
            }
        }
        spec.subcommands().values().forEach(sub -> collectOptionNames(sub.getCommandSpec(), into));
    }

    /** {@code --data-dir} is {@code data-dir}. */
    private static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String name = key(option);
        String fromEnv = env.get(ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        String fromFile = file.getProperty(name);
        return fromFile == null || fromFile.isBlank() ? null : fromFile.strip();
    }

    /**
     * The price book from the {@code prices.*} keys; free when there are none.
     *
     * @throws IllegalArgumentException for a malformed key or price
     */
    PriceBook prices() {
        Map<String, long[]> byModel = new HashMap<>();
        for (String key : file.stringPropertyNames()) {
            if (!key.startsWith("prices.")) {
                continue;
            }
            String rest = key.substring("prices.".length());
            int dot = rest.lastIndexOf('.');
            String part = dot < 0 ? "" : rest.substring(dot + 1);
            if (dot <= 0 || !(part.equals("prompt") || part.equals("completion"))) {
                throw new IllegalArgumentException("price key \"" + key + "\" in " + fileName
                        + " must be prices.MODEL.prompt or prices.MODEL.completion");
            }
            long microUsd = microUsdPerMillion(key, file.getProperty(key));
            long[] pair = byModel.computeIfAbsent(rest.substring(0, dot), m -> new long[2]);
            pair[part.equals("prompt") ? 0 : 1] = microUsd;
        }
        long[] fallback = byModel.remove("default");
        Map<String, Price> prices = new HashMap<>();
        byModel.forEach((model, pair) -> prices.put(model, new Price(pair[0], pair[1])));
        return new PriceBook(prices, fallback == null ? new Price(0, 0) : new Price(fallback[0], fallback[1]));
    }

    /** "0.15" dollars per million tokens is 150000 micro-USD per million, exactly (no binary fractions). */
    private long microUsdPerMillion(String key, String value) {
        try {
            BigDecimal usd = new BigDecimal(value.strip());
            if (usd.signum() < 0) {
                throw new IllegalArgumentException("price " + key + " in " + fileName + " must not be negative, got "
                        + value.strip());
            }
            return usd.movePointRight(6).longValueExact();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("price " + key + " in " + fileName
                    + " must be US dollars per million tokens such as 0.15, got \"" + value.strip() + "\"");
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("price " + key + " in " + fileName
                    + " has more than 6 decimal places (micro-dollars) or is too large: " + value.strip());
        }
    }

    /** Where the settings came from, for help text and start-up messages. */
    String describe() {
        return fileName == null ? "no configuration file" : "configuration file " + fileName;
    }
}
