package io.tokenport.zone.screening;

import java.util.regex.Pattern;

/**
 * One operator-configured pattern: a name (what refusals and logs may show) and a Java regular expression. The
 * expression runs on the request text after {@link TextFolding}, so it can be written with ASCII digits and letters.
 * Construction goes through {@link RegexSafety}, which refuses the constructions that make a regular expression take
 * exponential time, because every request on the hot path runs every pattern.
 *
 * @param name    a unique, non-blank name such as {@code employee-number}
 * @param regex   the expression as written in the rules file
 * @param compiled the compiled expression
 */
public record OperatorPattern(String name, String regex, Pattern compiled) {
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

    /** How many non-overlapping matches {@code folded} holds. */
    int count(CharSequence folded) {
        java.util.regex.Matcher m = compiled.matcher(folded);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
