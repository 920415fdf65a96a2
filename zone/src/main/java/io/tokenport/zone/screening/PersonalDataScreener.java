package io.tokenport.zone.screening;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;

/**
 * The zone's gate for domestic personal information: runs the built-in detectors ({@link PersonalDataScanner}),
 * the operator's terms and the operator's patterns over request text and returns a {@link ScreeningVerdict}.
 *
 * <p>Pure logic with no I/O; the request path calls {@link #screen(List)} with every text field of a request (each
 * message's content, the prompt, ...) and refuses the request when the verdict is not clean. Texts are screened
 * separately, so digits at the end of one message and the start of the next are not joined into a number.
 *
 * <p>Thread-safe: the rules are immutable, and each call uses its own scanner state. The clock decides which birth
 * dates lie in the future.
 */
public final class PersonalDataScreener {
    private final ScreeningRules rules;
    private final Clock clock;

    /** A screener for {@code rules}; {@code clock} says what today is, for birth dates. */
    public PersonalDataScreener(ScreeningRules rules, Clock clock) {
        this.rules = rules;
        this.clock = clock;
    }

    /** The rules in force; their hash goes into each verdict. */
    public ScreeningRules rules() {
        return rules;
    }

    /** Screens one text. */
    public ScreeningVerdict screen(CharSequence text) {
        return screen(List.of(text));
    }

    /** Screens several texts of one request; the verdict adds up the findings of all of them. */
    public ScreeningVerdict screen(List<? extends CharSequence> texts) {
        int[] counts = new int[PersonalDataKind.values().length];
        int today = ResidentIdNumber.toYmd(LocalDate.now(clock));
        PersonalDataScanner scanner = new PersonalDataScanner();
        TermMatcher terms = rules.termMatcher();
        List<OperatorPattern> patterns = rules.patterns();
        for (CharSequence text : texts) {
            scanner.scan(text, today, counts);
            counts[PersonalDataKind.OPERATOR_TERM.ordinal()] += terms.count(text);
            if (!patterns.isEmpty()) {
                String folded = TextFolding.foldAll(text);
                for (OperatorPattern p : patterns) {
                    counts[PersonalDataKind.OPERATOR_PATTERN.ordinal()] += p.count(folded);
                }
            }
        }
        return ScreeningVerdict.of(counts, rules.hash());
    }
}
