package io.tokenport.zone.screening;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One operator-configured pattern: a name (what refusals and logs may show) and a Java regular expression. The
 * expression runs on the request text after {@link TextFolding}, so it can be written with ASCII digits and letters.
 *
 * <p>Every request on the hot path runs every pattern, and Java's matcher backtracks, so time is bounded twice:
 * construction goes through {@link RegexSafety}, which refuses the constructions known to backtrack exponentially,
 * and each run may read at most {@value #READS_PER_CHAR} characters per character of text (plus a small floor).
 * A run that exceeds the budget counts as a match: the gate fails closed rather than waving a request through or
 * stalling the zone, and a pattern that does this in practice should be rewritten.
 *
 * <p>A class rather than a record so that the only way in is {@link #of}, through those checks.
 */
public final class OperatorPattern {
    /** Characters a run may read per character of text before it counts as a match. */
    public static final int READS_PER_CHAR = 256;
    private static final long MIN_READS = 100_000;

    private final String name;
    private final String regex;
    private final Pattern compiled;

    private OperatorPattern(String name, String regex, Pattern compiled) {
        this.name = name;
        this.regex = regex;
        this.compiled = compiled;
    }

    /** The pattern's unique name, such as {@code employee-number}: what logs and metrics may show. */
    public String name() {
        return name;
    }

    /** The expression as written in the rules file. */
    public String regex() {
        return regex;
    }

    @Override
    public String toString() {
        return "OperatorPattern[" + name + ": " + regex + "]";
    }

    /** Compiles and vets {@code regex}; {@code where} names it in errors, e.g. "patterns[2]". */
    public static OperatorPattern of(String name, String regex, String where) {
        if (name == null || name.isBlank()) {
            throw new ScreeningRulesException(where + ".name is missing or blank: give each pattern a unique name");
        }
        if (regex == null || regex.isEmpty()) {
            throw new ScreeningRulesException(where + " (" + name + "): regex is missing or empty");
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new ScreeningRulesException(where + " (" + name + "): not a valid regular expression: "
                    + e.getDescription() + " near index " + e.getIndex());
        }
        if (compiled.matcher("").matches()) {
            throw new ScreeningRulesException(where + " (" + name + "): the expression matches the empty string, so "
                    + "it would refuse every request");
        }
        String unsafe = RegexSafety.problem(regex);
        if (unsafe != null) {
            throw new ScreeningRulesException(where + " (" + name + "): " + unsafe);
        }
        return new OperatorPattern(name, regex, compiled);
    }

    /** How many non-overlapping matches {@code folded} holds; at least 1 if the run exceeds its read budget. */
    int count(String folded) {
        BudgetedText text = new BudgetedText(folded, READS_PER_CHAR * (long) folded.length() + MIN_READS);
        Matcher m = compiled.matcher(text);
        int n = 0;
        try {
            while (m.find()) {
                n++;
            }
        } catch (BudgetExhausted e) {
            return Math.max(n, 1);
        }
        return n;
    }

    /** Thrown (one shared instance, no stack trace) out of the matcher when a run reads past its budget. */
    private static final class BudgetExhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final BudgetExhausted INSTANCE = new BudgetExhausted();

        private BudgetExhausted() {
            super("regular expression read budget exhausted", null, false, false);
        }
    }

    /** The text as the matcher sees it, counting reads. */
    private static final class BudgetedText implements CharSequence {
        private final String text;
        private long readsLeft;

        BudgetedText(String text, long budget) {
            this.text = text;
            this.readsLeft = budget;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (--readsLeft < 0) {
                throw BudgetExhausted.INSTANCE;
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
