package io.tokenport.zone.screening.corpus;

import io.tokenport.zone.screening.PersonalDataKind;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One generated request text and what screening must find in it.
 *
 * @param text     the text, prose in some language with one item embedded
 * @param category what the embedded item is, e.g. {@code mobile/+86 3-4-4} or {@code lookalike/isbn}
 * @param expected how many findings of each kind the text holds; empty for a negative
 */
public record LabelledExample(String text, String category, Map<PersonalDataKind, Integer> expected) {
    public LabelledExample {
        EnumMap<PersonalDataKind, Integer> copy = new EnumMap<>(PersonalDataKind.class);
        copy.putAll(expected);
        expected = Collections.unmodifiableMap(copy);
    }

    /** Whether the text holds something screening must refuse. */
    public boolean positive() {
        return !expected.isEmpty();
    }

    /** How many findings of {@code kind} the text holds. */
    public int expected(PersonalDataKind kind) {
        return expected.getOrDefault(kind, 0);
    }
}
