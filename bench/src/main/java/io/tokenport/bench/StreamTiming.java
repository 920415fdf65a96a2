package io.tokenport.bench;

/**
 * What one streamed request looked like from the client, in nanoseconds from the moment it was sent.
 *
 * @param firstTokenNanos  until the first chunk with generated text (time to first token), -1 if none came
 * @param endNanos         until the stream ended ({@code data: [DONE]})
 * @param chunkGapsNanos   gaps between successive chunks with text (inter-token latency as a client sees it)
 * @param completionTokens generated tokens, as the zone's usage chunk counted them
 * @param promptTokens     prompt tokens, as counted by the zone
 * @param failure          why the request failed, or {@code null}
 */
record StreamTiming(long firstTokenNanos, long endNanos, long[] chunkGapsNanos, int completionTokens,
                    int promptTokens, String failure) {

    static StreamTiming failed(String why) {
        return new StreamTiming(-1, -1, new long[0], 0, 0, why);
    }

    boolean ok() {
        return failure == null;
    }

    /** Time per output token after the first: (end-to-end - TTFT) / (tokens - 1); NaN for a single token. */
    double timePerOutputTokenNanos() {
        return completionTokens > 1 ? (double) (endNanos - firstTokenNanos) / (completionTokens - 1) : Double.NaN;
    }
}
