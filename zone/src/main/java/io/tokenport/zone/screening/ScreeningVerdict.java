package io.tokenport.zone.screening;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What screening decided about one request: clean, or refused with the kinds of data found and how many of each.
 * It never holds the matched text, so it can be logged, counted in metrics and put in a transfer record, and its
 * {@link #message()} can be sent to the caller without echoing what the request contained.
 *
 * @param findings  how many findings of each kind; empty when the request is clean
 * @param rulesHash {@link ScreeningRules#hash()} of the rules that screened the request
 */
public record ScreeningVerdict(Map<PersonalDataKind, Integer> findings, String rulesHash) {
    /** The API error code of a refusal. */
    public static final String ERROR_CODE = "domestic_personal_information";

    public ScreeningVerdict {
        EnumMap<PersonalDataKind, Integer> copy = new EnumMap<>(PersonalDataKind.class);
        for (Map.Entry<PersonalDataKind, Integer> e : findings.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("negative count for " + e.getKey());
            }
            if (e.getValue() > 0) {
                copy.put(e.getKey(), e.getValue());
            }
        }
        findings = Collections.unmodifiableMap(copy);
    }

    static ScreeningVerdict of(int[] counts, String rulesHash) {
        EnumMap<PersonalDataKind, Integer> map = new EnumMap<>(PersonalDataKind.class);
        for (PersonalDataKind kind : PersonalDataKind.values()) {
            if (counts[kind.ordinal()] > 0) {
                map.put(kind, counts[kind.ordinal()]);
            }
        }
        return new ScreeningVerdict(map, rulesHash);
    }

    /** True when nothing was found: the request may enter the zone. */
    public boolean clean() {
        return findings.isEmpty();
    }

    /** True when something was found: the request must be refused. */
    public boolean refused() {
        return !findings.isEmpty();
    }

    /** The kinds found, in declaration order. */
    public Set<PersonalDataKind> kinds() {
        return findings.keySet();
    }

    /** How many findings of {@code kind}. */
    public int count(PersonalDataKind kind) {
        return findings.getOrDefault(kind, 0);
    }

    /**
     * The refusal as the caller should read it, e.g. "The request contains domestic personal information (a PRC
     * resident identity number and 2 mainland China mobile numbers). ...". Names kinds and counts, never the text.
     *
     * @throws IllegalStateException if the verdict is clean
     */
    public String message() {
        if (clean()) {
            throw new IllegalStateException("a clean verdict has no refusal message");
        }
        List<String> parts = new ArrayList<>();
        boolean personal = false;
        boolean operator = false;
        for (Map.Entry<PersonalDataKind, Integer> e : findings.entrySet()) {
            parts.add(e.getKey().describe(e.getValue()));
            boolean byOperator = e.getKey() == PersonalDataKind.OPERATOR_PATTERN
                    || e.getKey() == PersonalDataKind.OPERATOR_TERM;
            operator |= byOperator;
            personal |= !byOperator;
        }
        String what = personal && operator ? "domestic personal information and data restricted by the operator"
                : personal ? "domestic personal information" : "data restricted by the operator";
        return "The request contains " + what + " (" + join(parts) + "). This service processes data from "
                + "outside mainland China only and may not accept it: remove it and send the request again.";
    }

    private static String join(List<String> parts) {
        if (parts.size() == 1) {
            return parts.getFirst();
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.getLast();
    }
}
