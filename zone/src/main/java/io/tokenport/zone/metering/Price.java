package io.tokenport.zone.metering;

/**
 * What a model's tokens cost, in integer micro-USD per million tokens (so $0.15 per million is 150000).
 *
 * @param promptMicroUsdPerMillion     per million prompt tokens
 * @param completionMicroUsdPerMillion per million generated tokens
 */
public record Price(long promptMicroUsdPerMillion, long completionMicroUsdPerMillion) {

    public Price {
        if (promptMicroUsdPerMillion < 0 || completionMicroUsdPerMillion < 0) {
            throw new IllegalArgumentException("prices must not be negative, got " + promptMicroUsdPerMillion
                    + " and " + completionMicroUsdPerMillion + " micro-USD per million tokens");
        }
    }

    /**
     * The price of one request in micro-USD, rounded half up once for the whole request (not per token, which
     * would round every cheap token to nothing).
     */
    public long microUsd(long promptTokens, long completionTokens) {
        long total = Math.addExact(Math.multiplyExact(promptTokens, promptMicroUsdPerMillion),
                Math.multiplyExact(completionTokens, completionMicroUsdPerMillion));
        return (total + 500_000) / 1_000_000;
    }
}
