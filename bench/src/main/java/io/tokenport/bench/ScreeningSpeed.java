package io.tokenport.bench;

import io.tokenport.zone.screening.OperatorPattern;
import io.tokenport.zone.screening.PersonalDataScreener;
import io.tokenport.zone.screening.ScreeningRules;
import io.tokenport.zone.screening.ScreeningVerdict;
import io.tokenport.zone.screening.corpus.LabelledCorpus;
import io.tokenport.zone.screening.corpus.LabelledExample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench screening-speed}: throughput of the zone's screening on one thread, in MB/s of UTF-8 request text,
 * for texts dense with numbers, number-free prose and digit soup, with and without operator rules. Two references
 * put the numbers in proportion: the floor (a loop that only reads every character and counts digits) and the
 * obvious alternative (four {@code java.util.regex} patterns that find the candidate shapes, without any checks).
 */
@Command(name = "screening-speed", mixinStandardHelpOptions = true,
        description = "Throughput (MB/s) of the zone's personal information screening, one thread.")
final class ScreeningSpeed implements Callable<Integer> {
    @Option(names = "--size", description = "characters per text (default: ${DEFAULT-VALUE})")
    int size = 4 << 20;

    @Option(names = "--seconds", description = "seconds per timed round (default: ${DEFAULT-VALUE})")
    double seconds = 1.0;

    @Option(names = "--rounds", description = "timed rounds after a warm-up; the median is shown "
            + "(default: ${DEFAULT-VALUE})")
    int rounds = 5;

    /** The candidate shapes as a regular expression user would write them; boundaries by lookaround. */
    private static final Pattern[] NAIVE = {
        Pattern.compile("(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])"),
        Pattern.compile("(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Za-z])"),
        Pattern.compile("(?<![0-9A-Za-z+])(?:\\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9A-Za-z])"),
        Pattern.compile("(?<![0-9A-Za-z])(?:62|81)[0-9]{14,17}(?![0-9A-Za-z])"),
    };

    @Override
    public Integer call() throws IOException {
        LocalDate today = LocalDate.of(2026, 11, 28);
        Clock clock = Clock.fixed(today.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        PersonalDataScreener builtIn = new PersonalDataScreener(ScreeningRules.none(), clock);
        PersonalDataScreener withTerms = new PersonalDataScreener(operatorRules(true, false), clock);
        PersonalDataScreener withPatterns = new PersonalDataScreener(operatorRules(false, true), clock);

        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("labelled corpus (a number in every sentence, personal data in 46%)", corpusText(today));
        texts.put("prose without numbers (English and Chinese)", proseText());
        texts.put("digit soup (random digit groups and separators)", digitSoup());

        String loadBefore = loadAverage();
        StringBuilder md = new StringBuilder();
        md.append("| text | MB/s (UTF-8) | Mchar/s | + 40 operator terms | + 5 operator patterns | "
                + "floor (read only) | 4 naive regexes | vs floor | vs regexes |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, String> e : texts.entrySet()) {
            String text = e.getValue();
            double mb = text.getBytes(StandardCharsets.UTF_8).length / 1e6;
            double ours = secondsPerPass(() -> consume(builtIn.screen(text)));
            double terms = secondsPerPass(() -> consume(withTerms.screen(text)));
            double patterns = secondsPerPass(() -> consume(withPatterns.screen(text)));
            double floor = secondsPerPass(() -> sink += countDigits(text));
            double naive = secondsPerPass(() -> sink += naiveCount(text));
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f MB/s | %.0f MB/s | %.0f MB/s | %.0f MB/s "
                    + "| %.2fx | %.1fx |%n", e.getKey(), mb / ours, text.length() / 1e6 / ours, mb / terms,
                    mb / patterns, mb / floor, mb / naive, floor / ours, naive / ours));
        }
        System.out.printf(Locale.ROOT, "Screening throughput, one thread, %d characters per text, median of %d rounds "
                + "of %.1f s after a warm-up; %d CPUs visible; Java %s; load average %s before, %s after%n%n%s%n",
                size, rounds, seconds, Runtime.getRuntime().availableProcessors(), Runtime.version(), loadBefore,
                loadAverage(), md);
        return 0;
    }

    private static long sink;

    private static void consume(ScreeningVerdict verdict) {
        sink += verdict.findings().size();
    }

    /** Median seconds per call of {@code pass}, after a warm-up round. */
    private double secondsPerPass(Runnable pass) {
        timedRound(pass);
        double[] times = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            times[r] = timedRound(pass);
        }
        Arrays.sort(times);
        return times[rounds / 2];
    }

    private double timedRound(Runnable pass) {
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long passes = 0;
        long now;
        do {
            pass.run();
            passes++;
            now = System.nanoTime();
        } while (now - start < budget);
        return (now - start) / 1e9 / passes;
    }

    private static int countDigits(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            n += c >= '0' && c <= '9' ? 1 : 0;
        }
        return n;
    }

    private static int naiveCount(String text) {
        int n = 0;
        for (Pattern p : NAIVE) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                n++;
            }
        }
        return n;
    }

    private String corpusText(LocalDate today) {
        StringBuilder sb = new StringBuilder(size + 200);
        LabelledCorpus corpus = new LabelledCorpus(1, today);
        while (sb.length() < size) {
            LabelledExample e = corpus.next();
            sb.append(e.text()).append('\n');
        }
        return sb.substring(0, size);
    }

    private String proseText() {
        String paragraph = "The zone processes requests from abroad and returns the results the way they came. "
                + "Tokens are counted by the zone's own tokenizer, priced, and settled; every request leaves a "
                + "signed receipt. 数据从境外进入保税区，在区内处理后返回境外，全程不与境内网络连通。"
                + "请把这段说明翻译成英文，并保持术语一致。\n";
        StringBuilder sb = new StringBuilder(size + paragraph.length());
        while (sb.length() < size) {
            sb.append(paragraph);
        }
        return sb.substring(0, size);
    }

    private String digitSoup() {
        Random random = new Random(3);
        StringBuilder sb = new StringBuilder(size + 40);
        String separators = "  -,.\n";
        while (sb.length() < size) {
            int n = 1 + random.nextInt(20);
            for (int i = 0; i < n; i++) {
                sb.append((char) ('0' + random.nextInt(10)));
            }
            sb.append(separators.charAt(random.nextInt(separators.length())));
        }
        return sb.substring(0, size);
    }

    private static ScreeningRules operatorRules(boolean withTerms, boolean withPatterns) {
        List<String> terms = new ArrayList<>();
        for (int i = 0; withTerms && i < 40; i++) {
            terms.add("restricted project " + (char) ('a' + i % 26) + i);
        }
        List<OperatorPattern> patterns = List.of(
                OperatorPattern.of("employee", "EMP-[0-9]{6}", "patterns[0]"),
                OperatorPattern.of("contract", "HT[0-9]{4}-[0-9]{5}", "patterns[1]"),
                OperatorPattern.of("plate", "[京津沪渝][A-Z][0-9A-Z]{5}", "patterns[2]"),
                OperatorPattern.of("project", "(?i)nightingale", "patterns[3]"),
                OperatorPattern.of("ticket", "TKT#[0-9]{8}", "patterns[4]"));
        return ScreeningRules.of("bench", withPatterns ? patterns : List.of(), terms);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
