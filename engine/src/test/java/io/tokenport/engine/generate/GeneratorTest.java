package io.tokenport.engine.generate;

import io.tokenport.engine.sampling.SamplingParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratorTest {
    private static LoadedModel stories;

    @BeforeAll
    static void load() throws Exception {
        stories = LoadedModel.load(Path.of("../shared/models/stories260K.gguf"), 2);
    }

    @AfterAll
    static void close() {
        stories.close();
    }

    private static GenerationRequest request(String prompt, SamplingParams sampling, int max, List<String> stop) {
        return new GenerationRequest(stories.encodePrompt(prompt), sampling, max, stop, false);
    }

    @Test
    void endOfGenerationTokenStopsWithoutText() {
        int eos = stories.tokenizer().eos();
        var sampling = SamplingParams.greedy().toBuilder().logitBias(eos, 100f).build();

        GenerationResult result = new Generator(stories).generate(request("Once", sampling, 10, List.of()),
                TokenSink.NONE);

        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(result.tokens()).containsExactly(eos);
        assertThat(result.text()).isEmpty();
    }

    @Test
    void streamedPiecesAddUpToTheText() {
        StringBuilder streamed = new StringBuilder();
        List<Integer> streamedTokens = new ArrayList<>();
        TokenSink sink = (token, text) -> {
            streamed.append(text);
            if (token >= 0) {
                streamedTokens.add(token);
            }
        };

        GenerationResult result = new Generator(stories).generate(
                request("Once upon a time", SamplingParams.greedy(), 24, List.of()), sink);

        assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(streamed.toString()).isEqualTo(result.text())
                .isEqualTo(stories.tokenizer().decode(result.tokens()));
        assertThat(streamedTokens).containsExactlyElementsOf(
                java.util.Arrays.stream(result.tokens()).boxed().toList());
    }

    @Test
    void stopStringSpanningTokensCutsTheText() {
        // Greedy text begins ", there was a little girl named Lily." — "girl named" spans several tokens.
        GenerationResult result = new Generator(stories).generate(
                request("Once upon a time", SamplingParams.greedy(), 40, List.of("girl named")), TokenSink.NONE);

        assertThat(result.text()).isEqualTo(", there was a little ");
        assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void sameSeedGivesSameTokensAndOtherSeedsDiffer() {
        var sampling = SamplingParams.builder().temperature(1.0f).seed(42).build();
        Generator generator = new Generator(stories);

        int[] first = generator.generate(request("Once upon a time", sampling, 30, List.of()), TokenSink.NONE).tokens();
        int[] again = generator.generate(request("Once upon a time", sampling, 30, List.of()), TokenSink.NONE).tokens();
        int[] other = generator.generate(request("Once upon a time", sampling.toBuilder().seed(7).build(), 30,
                List.of()), TokenSink.NONE).tokens();

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void batchedGenerationGivesEachSequenceWhatItGetsAlone() {
        List<GenerationRequest> requests = List.of(
                request("Once upon a time", SamplingParams.greedy(), 20, List.of()),
                request("The cat", SamplingParams.greedy(), 7, List.of()),
                request("Lily and Ben went to the park", SamplingParams.builder().temperature(0.8f).seed(3).build(),
                        15, List.of()));
        Generator generator = new Generator(stories);

        List<GenerationResult> together = generator.generateAll(requests,
                List.of(TokenSink.NONE, TokenSink.NONE, TokenSink.NONE));

        for (int i = 0; i < requests.size(); i++) {
            GenerationResult alone = generator.generate(requests.get(i), TokenSink.NONE);
            assertThat(together.get(i).tokens()).as("sequence %d", i).isEqualTo(alone.tokens());
            assertThat(together.get(i).text()).isEqualTo(alone.text());
        }
    }
}
