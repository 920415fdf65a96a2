package io.tokenport.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {

    @Test
    void textThatCannotStartAStopStringIsReleasedAtOnce() {
        StopStrings stops = new StopStrings(List.of("\n\nUser:"));
        assertThat(stops.feed("Hello")).isEqualTo("Hello");
        assertThat(stops.feed(" world")).isEqualTo(" world");
        assertThat(stops.stopped()).isFalse();
    }

    @Test
    void aPossibleBeginningIsHeldUntilDecided() {
        StopStrings stops = new StopStrings(List.of("</answer>"));
        assertThat(stops.feed("42 </")).isEqualTo("42 ");
        assertThat(stops.feed("ans")).isEmpty();
        assertThat(stops.feed("wet")).isEqualTo("</answet");
        assertThat(stops.flush()).isEmpty();
    }

    @Test
    void stopStringSpanningThreePiecesEndsWithTheTextBeforeIt() {
        StopStrings stops = new StopStrings(List.of("<|end|>"));
        assertThat(stops.feed("done<|")).isEqualTo("done");
        assertThat(stops.feed("")).isEmpty();
        assertThat(stops.feed("en")).isEmpty();
        assertThat(stops.feed("d|> trailing")).isEmpty();
        assertThat(stops.stopped()).isTrue();
        assertThat(stops.stopString()).isEqualTo("<|end|>");
        assertThat(stops.flush()).isEmpty();
    }

    @Test
    void textBeforeAStopInsideOnePieceIsReturned() {
        StopStrings stops = new StopStrings(List.of("STOP"));
        assertThat(stops.feed("abc")).isEqualTo("abc");
        assertThat(stops.feed("deSTOPfg")).isEqualTo("de");
        assertThat(stops.stopped()).isTrue();
    }

    @Test
    void heldTextIsReleasedByFlushWhenGenerationEndsOtherwise() {
        StopStrings stops = new StopStrings(List.of("###"));
        assertThat(stops.feed("end #")).isEqualTo("end ");
        assertThat(stops.feed("#")).isEmpty();
        assertThat(stops.flush()).isEqualTo("##");
        assertThat(stops.stopped()).isFalse();
    }

    @Test
    void overlappingPrefixesAreAllConsidered() {
        // "aab" can restart inside "aaab": the hold must shift, not reset.
        StopStrings stops = new StopStrings(List.of("aab", "abc"));
        assertThat(stops.feed("xa")).isEqualTo("x");
        assertThat(stops.feed("a")).isEmpty();
        assertThat(stops.feed("a")).isEqualTo("a");
        assertThat(stops.feed("b")).isEmpty();
        assertThat(stops.stopString()).isEqualTo("aab");
    }

    @Test
    void theStopThatEndsFirstWinsAndOnATieTheLongerOne() {
        StopStrings inner = new StopStrings(List.of("abcd", "bc"));
        assertThat(inner.feed("abcd")).isEqualTo("a");
        assertThat(inner.stopString()).isEqualTo("bc");

        StopStrings tie = new StopStrings(List.of("bc", "abc"));
        assertThat(tie.feed("xabc")).isEqualTo("x");
        assertThat(tie.stopString()).isEqualTo("abc");
    }

    @Test
    void unicodeStopStringsAndSurrogatePairsStayWhole() {
        StopStrings stops = new StopStrings(List.of("终了", "😀!"));
        assertThat(stops.feed("你好😀")).isEqualTo("你好");
        assertThat(stops.feed("?终")).isEqualTo("😀?");
        assertThat(stops.feed("了")).isEmpty();
        assertThat(stops.stopString()).isEqualTo("终了");

        // A piece ending in half a surrogate pair never releases that half alone.
        StopStrings none = new StopStrings(List.of("zz"));
        assertThat(none.feed("a\uD83D")).isEqualTo("a");
        assertThat(none.feed("\uDE00b")).isEqualTo("😀b");
    }

    @Test
    void noStopStringsPassEverythingThrough() {
        StopStrings stops = new StopStrings(List.of());
        assertThat(stops.feed("anything <|im_end|>")).isEqualTo("anything <|im_end|>");
        assertThat(stops.flush()).isEmpty();
    }

    @Test
    void emptyStopStringsAreRejected() {
        assertThatThrownBy(() -> new StopStrings(List.of("ok", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stop strings must not be empty, got \"\" at position 1");
    }

    @Test
    void feedingAfterAStopIsACallerError() {
        StopStrings stops = new StopStrings(List.of("x"));
        stops.feed("x");
        assertThatThrownBy(() -> stops.feed("more")).isInstanceOf(IllegalStateException.class);
    }
}
