package io.tokenport.engine.generate;

/**
 * What a generation produced.
 *
 * @param promptIds    the prompt's token ids
 * @param tokens       the generated ids (an end-of-generation token that ended it included, as it was produced)
 * @param text         the generated text, without a stop string or end-of-generation token
 * @param finishReason why it ended
 * @param prefillNanos time spent on the prompt, up to the first generated token's logits
 * @param decodeNanos  time spent generating after that
 */
public record GenerationResult(int[] promptIds, int[] tokens, String text, FinishReason finishReason,
                               long prefillNanos, long decodeNanos) {

    public GenerationResult {
        promptIds = promptIds.clone();
        tokens = tokens.clone();
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Prompt tokens processed per second. */
    public double prefillTokensPerSecond() {
        return prefillNanos == 0 ? 0 : promptIds.length * 1e9 / prefillNanos;
    }

    /**
     * Generated tokens per second after the first: the first token comes from the prefill's logits, so
     * {@code tokens - 1} forward passes took {@code decodeNanos}.
     */
    public double decodeTokensPerSecond() {
        return tokens.length <= 1 || decodeNanos == 0 ? 0 : (tokens.length - 1) * 1e9 / decodeNanos;
    }
}
