package io.tokenport.zone.screening;

import io.tokenport.zone.screening.corpus.LabelledCorpus;
import io.tokenport.zone.screening.corpus.LabelledExample;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The screener against the labelled corpus: every generated example, positive or lookalike, gets exactly the
 * findings its construction says it holds. A correctness claim over 20,000 examples, not a timing.
 */
class LabelledCorpusTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 11, 28);
    private static final Clock CLOCK = Clock.fixed(TODAY.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC);

    @Test
    void everyGeneratedExampleGetsExactlyItsLabelledFindings() {
        PersonalDataScreener screener = new PersonalDataScreener(ScreeningRules.none(), CLOCK);
        List<String> wrong = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int positives = 0;
        for (LabelledExample example : new LabelledCorpus(20261128L, TODAY).next(20_000)) {
            seen.add(example.category());
            positives += example.positive() ? 1 : 0;
            Map<PersonalDataKind, Integer> found = screener.screen(example.text()).findings();
            if (!found.equals(example.expected())) {
                wrong.add(example.category() + ": expected " + example.expected() + ", found " + found + " in: "
                        + example.text());
            }
        }
        assertThat(wrong).as("misjudged examples").isEmpty();
        assertThat(seen).as("every category is generated").containsExactlyInAnyOrderElementsOf(
                LabelledCorpus.categories());
        assertThat(positives).isBetween(8_000, 12_000);
    }

    @Test
    void theSameSeedGivesTheSameCorpus() {
        List<LabelledExample> a = new LabelledCorpus(7, TODAY).next(500);
        List<LabelledExample> b = new LabelledCorpus(7, TODAY).next(500);
        List<LabelledExample> c = new LabelledCorpus(8, TODAY).next(500);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }
}
