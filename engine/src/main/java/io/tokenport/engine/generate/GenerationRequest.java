package io.tokenport.engine.generate;

import io.tokenport.engine.sampling.SamplingParams;

import java.util.List;

/**
 * What to generate.
 *
 * @param promptIds the prompt, already tokenized (BOS included where wanted)
 * @param sampling  how to choose each token
 * @param maxTokens the most tokens to generate (at least 1)
 * @param stop      stop strings (the text ends before the first one found); may be empty
 * @param ignoreEos keep going past end-of-generation tokens (for benchmarks and reference comparisons)
 */
public record GenerationRequest(int[] promptIds, SamplingParams sampling, int maxTokens, List<String> stop,
                                boolean ignoreEos) {

    public GenerationRequest {
        if (promptIds == null || promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens must be at least 1, got " + maxTokens);
        }
        promptIds = promptIds.clone();
        stop = List.copyOf(stop);
    }

    /** Greedy generation of up to {@code maxTokens} tokens, no stop strings. */
    public static GenerationRequest greedy(int[] promptIds, int maxTokens) {
        return new GenerationRequest(promptIds, SamplingParams.greedy(), maxTokens, List.of(), false);
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }
}
