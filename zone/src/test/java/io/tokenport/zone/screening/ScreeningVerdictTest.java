package io.tokenport.zone.screening;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A refusal names what was found without repeating it. */
class ScreeningVerdictTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void refusalNamesKindsAndCountsButNeverTheText() {
        PersonalDataScreener screener = new PersonalDataScreener(ScreeningRules.none(), CLOCK);
        String text = "证件11010519491231002X，电话13812345678、13912345678";
        ScreeningVerdict verdict = screener.screen(text);
        assertThat(verdict.message()).isEqualTo("The request contains domestic personal information (a PRC "
                + "resident identity number and 2 mainland China mobile numbers). This service processes data from "
                + "outside mainland China only and may not accept it: remove it and send the request again.");
        assertThat(ScreeningVerdict.ERROR_CODE).isEqualTo("domestic_personal_information");
        for (String leaked : List.of("11010519491231002X", "13812345678", "13912345678", "1381234", "002X")) {
            assertThat(verdict.message()).doesNotContain(leaked);
            assertThat(verdict.toString()).doesNotContain(leaked);
        }
    }

    @Test
    void operatorFindingsAreCalledRestrictedDataAndTheTermIsNotRepeated() {
        ScreeningRules rules = ScreeningRules.of("1", List.of(), List.of("Nightingale"));
        ScreeningVerdict verdict = new PersonalDataScreener(rules, CLOCK).screen("about nightingale");
        assertThat(verdict.message()).startsWith("The request contains data restricted by the operator (an "
                + "operator screening term).").doesNotContainIgnoringCase("nightingale");
        ScreeningVerdict both = new PersonalDataScreener(rules, CLOCK).screen("nightingale 13812345678");
        assertThat(both.message()).contains("domestic personal information and data restricted by the operator "
                + "(a mainland China mobile number and an operator screening term)");
    }

    @Test
    void aCleanVerdictHasNoRefusalMessage() {
        ScreeningVerdict verdict = new PersonalDataScreener(ScreeningRules.none(), CLOCK).screen("hello");
        assertThat(verdict.clean()).isTrue();
        assertThat(verdict.kinds()).isEmpty();
        assertThat(verdict.rulesHash()).isEqualTo(ScreeningRules.none().hash());
        assertThatThrownBy(verdict::message).isInstanceOf(IllegalStateException.class);
    }
}
