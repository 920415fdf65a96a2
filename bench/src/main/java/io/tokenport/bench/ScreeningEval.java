package io.tokenport.bench;

import io.tokenport.zone.screening.BankCardNumber;
import io.tokenport.zone.screening.CreditCode;
import io.tokenport.zone.screening.PersonalDataKind;
import io.tokenport.zone.screening.PersonalDataScreener;
import io.tokenport.zone.screening.ScreeningRules;
import io.tokenport.zone.screening.ScreeningVerdict;
import io.tokenport.zone.screening.corpus.LabelledCorpus;
import io.tokenport.zone.screening.corpus.LabelledExample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code bench screening}: precision and recall of the zone's built-in screening on the labelled corpus, per kind
 * and per category, as Markdown; then how often random strings of each candidate shape pass the checks by chance,
 * which the corpus cannot show (its negatives are lookalikes with a known defect, not arbitrary numbers).
 */
@Command(name = "screening", mixinStandardHelpOptions = true,
        description = "Precision and recall of the zone's personal information screening on the labelled corpus.")
final class ScreeningEval implements Callable<Integer> {
    @Option(names = "--examples", description = "labelled examples (default: ${DEFAULT-VALUE})")
    int examples = 20_000;

    @Option(names = "--seed", description = "corpus seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--date", description = "the corpus's and the screener's today (default: ${DEFAULT-VALUE})")
    LocalDate date = LocalDate.of(2026, 11, 28);

    @Option(names = "--chance-samples", description = "random strings per shape in the chance table "
            + "(default: ${DEFAULT-VALUE})")
    int chanceSamples = 200_000;

    /** Per kind: findings expected, found, and how they pair up. */
    private static final class Tally {
        long expected;
        long found;
        long truePositives;
    }

    /** Per category: examples and how many got exactly their labels. */
    private static final class CategoryTally {
        long examples;
        long right;
    }

    @Override
    public Integer call() {
        Clock clock = Clock.fixed(date.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        PersonalDataScreener screener = new PersonalDataScreener(ScreeningRules.none(), clock);
        Map<PersonalDataKind, Tally> kinds = new EnumMap<>(PersonalDataKind.class);
        List<PersonalDataKind> builtIn = List.of(PersonalDataKind.RESIDENT_ID, PersonalDataKind.CREDIT_CODE,
                PersonalDataKind.MOBILE, PersonalDataKind.BANK_CARD);
        for (PersonalDataKind k : builtIn) {
            kinds.put(k, new Tally());
        }
        Map<String, CategoryTally> categories = new LinkedHashMap<>();
        for (String c : LabelledCorpus.categories()) {
            categories.put(c, new CategoryTally());
        }
        long positives = 0;
        LabelledCorpus corpus = new LabelledCorpus(seed, date);
        for (int i = 0; i < examples; i++) {
            LabelledExample example = corpus.next();
            ScreeningVerdict verdict = screener.screen(example.text());
            positives += example.positive() ? 1 : 0;
            for (PersonalDataKind k : builtIn) {
                Tally t = kinds.get(k);
                int expected = example.expected(k);
                int found = verdict.count(k);
                t.expected += expected;
                t.found += found;
                t.truePositives += Math.min(expected, found);
            }
            CategoryTally c = categories.get(example.category());
            c.examples++;
            c.right += verdict.findings().equals(example.expected()) ? 1 : 0;
        }

        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Screening on %,d labelled examples (%,d positive), corpus seed %d, "
                + "date %s, detectors %s%n%n", examples, positives, seed, date, ScreeningRules.DETECTORS_VERSION));
        md.append("| kind | expected | found | false positives | false negatives | precision | recall |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        Tally all = new Tally();
        for (PersonalDataKind k : builtIn) {
            Tally t = kinds.get(k);
            row(md, k.name(), t);
            all.expected += t.expected;
            all.found += t.found;
            all.truePositives += t.truePositives;
        }
        row(md, "**all**", all);
        md.append("\n| category | examples | judged right |\n|---|---:|---:|\n");
        for (Map.Entry<String, CategoryTally> e : categories.entrySet()) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %s |%n", e.getKey(), e.getValue().examples,
                    percent(e.getValue().right, e.getValue().examples)));
        }
        md.append(chanceTable(screener));
        System.out.println(md);
        return all.found == all.truePositives && all.expected == all.truePositives ? 0 : 1;
    }

    private static void row(StringBuilder md, String name, Tally t) {
        long fp = t.found - t.truePositives;
        long fn = t.expected - t.truePositives;
        md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %s | %s |%n", name, t.expected, t.found,
                fp, fn, percent(t.truePositives, t.found), percent(t.truePositives, t.expected)));
    }

    private static String percent(long part, long whole) {
        if (whole == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, part * 1000 < whole ? "%.3f%%" : "%.2f%%", 100.0 * part / whole);
    }

    /** How often random strings of each candidate shape, alone in a sentence, are taken for personal data. */
    private String chanceTable(PersonalDataScreener screener) {
        Random random = new Random(seed);
        Map<String, Supplier<String>> shapes = new LinkedHashMap<>();
        shapes.put("11 random digits", () -> digits(random, 11));
        shapes.put("11 random digits starting with 1", () -> "1" + digits(random, 10));
        shapes.put("13 random digits starting with 86", () -> "86" + digits(random, 11));
        shapes.put("16 random digits", () -> digits(random, 16));
        shapes.put("16-19 random digits starting with 62", () -> "62" + digits(random, 14 + random.nextInt(4)));
        shapes.put("18 random digits", () -> digits(random, 18));
        shapes.put("18 random digits starting with a province code and 19", () -> "11" + digits(random, 4) + "19"
                + digits(random, 10));
        shapes.put("18 random characters of the credit code alphabet", () -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < CreditCode.LENGTH; i++) {
                sb.append(CreditCode.ALPHABET.charAt(random.nextInt(CreditCode.ALPHABET.length())));
            }
            return sb.toString();
        });
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%nChance acceptance: %,d random strings per shape, each alone in "
                + "\"Ref: %%s.\" (UnionPay cards need 16-%d digits)%n%n", chanceSamples, BankCardNumber.MAX_LENGTH));
        md.append("| shape | taken for | rate |\n|---|---|---:|\n");
        for (Map.Entry<String, Supplier<String>> shape : shapes.entrySet()) {
            Map<PersonalDataKind, Long> taken = new EnumMap<>(PersonalDataKind.class);
            long any = 0;
            for (int i = 0; i < chanceSamples; i++) {
                ScreeningVerdict v = screener.screen("Ref: " + shape.getValue().get() + ".");
                any += v.refused() ? 1 : 0;
                for (PersonalDataKind k : v.kinds()) {
                    taken.merge(k, 1L, Long::sum);
                }
            }
            StringBuilder what = new StringBuilder();
            for (Map.Entry<PersonalDataKind, Long> e : taken.entrySet()) {
                what.append(what.isEmpty() ? "" : ", ").append(e.getKey().name()).append(' ')
                        .append(percent(e.getValue(), chanceSamples));
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", shape.getKey(),
                    what.isEmpty() ? "nothing" : what, percent(any, chanceSamples)));
        }
        return md.toString();
    }

    private static String digits(Random random, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }
}
