package io.tokenport.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SamplingParamsTest {

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad(b -> b.temperature(3.5f), "temperature must be between 0 and 2, got 3.5"),
                bad(b -> b.temperature(-0.1f), "temperature must be between 0 and 2, got -0.1"),
                bad(b -> b.temperature(Float.NaN), "temperature must be between 0 and 2, got NaN"),
                bad(b -> b.topK(-1), "top_k must be 0 (off) or positive, got -1"),
                bad(b -> b.topP(0f), "top_p must be greater than 0 and at most 1, got 0.0"),
                bad(b -> b.topP(1.5f), "top_p must be greater than 0 and at most 1, got 1.5"),
                bad(b -> b.minP(1.5f), "min_p must be between 0 and 1, got 1.5"),
                bad(b -> b.repetitionPenalty(0f), "repetition_penalty must be greater than 0 and at most 10, got 0.0"),
                bad(b -> b.repeatLastN(-1), "repeat_last_n must be between 0 and 131072, got -1"),
                bad(b -> b.frequencyPenalty(2.5f), "frequency_penalty must be between -2 and 2, got 2.5"),
                bad(b -> b.presencePenalty(-3f), "presence_penalty must be between -2 and 2, got -3.0"),
                bad(b -> b.logitBias(5, 150f), "logit_bias for token 5 must be between -100 and 100, got 150.0"),
                bad(b -> b.logitBias(-2, 1f), "logit_bias token id must be a non-negative integer, got -2"));
    }

    private static Arguments bad(UnaryOperator<SamplingParams.Builder> change, String message) {
        return Arguments.of(change, message);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void outOfRangeValuesAreRejectedNamingTheParameter(UnaryOperator<SamplingParams.Builder> change, String message) {
        assertThatThrownBy(() -> change.apply(SamplingParams.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void nullLogitBiasValueIsRejectedWithAClearMessage() {
        Map<Integer, Float> bias = new HashMap<>();
        bias.put(7, null);
        assertThatThrownBy(() -> SamplingParams.builder().logitBias(bias).build())
                .hasMessage("logit_bias for token 7 must be between -100 and 100, got null");
    }

    @Test
    void boundaryValuesAreAccepted() {
        SamplingParams params = SamplingParams.builder().temperature(2f).topP(1f).minP(1f).frequencyPenalty(-2f)
                .presencePenalty(2f).logitBias(0, -100f).logitBias(1, 100f).repeatLastN(0).build();
        assertThat(params.logitBias()).containsEntry(0, -100f).containsEntry(1, 100f);
    }

    @Test
    void greedyHasTemperatureZeroAndEverythingOff() {
        SamplingParams greedy = SamplingParams.greedy();
        assertThat(greedy.isGreedy()).isTrue();
        assertThat(greedy.topK()).isZero();
        assertThat(greedy.topP()).isEqualTo(1f);
        assertThat(greedy.repetitionPenalty()).isEqualTo(1f);
        assertThat(greedy.logitBias()).isEmpty();
        assertThat(greedy).isEqualTo(SamplingParams.greedy());
    }

    @Test
    void builderDefaultsAreOpenAIs() {
        SamplingParams params = SamplingParams.builder().build();
        assertThat(params.temperature()).isEqualTo(1f);
        assertThat(params.topP()).isEqualTo(1f);
        assertThat(params.frequencyPenalty()).isZero();
        assertThat(params.presencePenalty()).isZero();
        assertThat(params.repeatLastN()).isEqualTo(64);
    }

    @Test
    void toBuilderCopiesEveryValue() {
        SamplingParams params = SamplingParams.builder().temperature(0.7f).topK(40).topP(0.9f).minP(0.05f).seed(3)
                .repetitionPenalty(1.1f).repeatLastN(32).frequencyPenalty(0.5f).presencePenalty(0.25f)
                .logitBias(9, -3f).build();
        assertThat(params.toBuilder().build()).isEqualTo(params);
    }

    @Test
    void logitBiasIsCopiedAndImmutable() {
        Map<Integer, Float> bias = new HashMap<>(Map.of(1, 1f));
        SamplingParams params = SamplingParams.builder().logitBias(bias).build();
        bias.put(2, 2f);
        assertThat(params.logitBias()).containsOnlyKeys(1);
        assertThatThrownBy(() -> params.logitBias().put(3, 3f)).isInstanceOf(UnsupportedOperationException.class);
    }
}
