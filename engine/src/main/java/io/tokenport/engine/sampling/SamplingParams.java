package io.tokenport.engine.sampling;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How to pick each next token: the OpenAI request parameters plus llama.cpp's repetition penalty and the
 * top-k and min-p filters.
 *
 * <p>Every value is checked when the record is built; a bad one throws an {@link IllegalArgumentException}
 * whose message names the parameter as the OpenAI API spells it ({@code top_p}, {@code logit_bias}, ...), so
 * the server can pass it on to the client as a 400 error unchanged. Ranges follow OpenAI where OpenAI
 * defines one.
 *
 * @param temperature       divides the logits before softmax; 0 picks the most likely token (greedy), [0, 2]
 * @param topK              keeps only the k most likely tokens; 0 turns it off
 * @param topP              keeps the smallest set of most likely tokens whose probability adds up to at least
 *                          this (nucleus sampling); 1 turns it off, (0, 1]
 * @param minP              drops tokens less likely than this fraction of the most likely one; 0 turns it
 *                          off, [0, 1]
 * @param seed              seeds the sampler's random generator: the same seed with the same logits gives the
 *                          same tokens, on every run and platform
 * @param repetitionPenalty llama.cpp's penalty for tokens among the last {@code repeatLastN} tokens (prompt
 *                          included): positive logits are divided by it, negative ones multiplied; 1 turns it
 *                          off, (0, 10]
 * @param repeatLastN       how many recent tokens the repetition penalty looks at, [0, 131072]
 * @param frequencyPenalty  OpenAI's penalty: subtracted once per earlier occurrence of the token in the
 *                          generated text, [-2, 2]
 * @param presencePenalty   OpenAI's penalty: subtracted once if the token occurs in the generated text at all,
 *                          [-2, 2]
 * @param logitBias         token id to a bias added to its logit, [-100, 100]; -100 bans the token outright
 *                          and +100 makes it all but certain
 */
public record SamplingParams(
        float temperature,
        int topK,
        float topP,
        float minP,
        long seed,
        float repetitionPenalty,
        int repeatLastN,
        float frequencyPenalty,
        float presencePenalty,
        Map<Integer, Float> logitBias) {

    /** The repetition window llama.cpp uses by default. */
    public static final int DEFAULT_REPEAT_LAST_N = 64;

    /** The largest accepted {@code repeat_last_n}: the window is a buffer of this many tokens. */
    public static final int MAX_REPEAT_LAST_N = 131_072;

    /** Checks every parameter and takes an immutable copy of the logit bias map. */
    public SamplingParams {
        requireBetween("temperature", temperature, 0f, 2f);
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be 0 (off) or positive, got " + topK);
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw new IllegalArgumentException("top_p must be greater than 0 and at most 1, got " + topP);
        }
        requireBetween("min_p", minP, 0f, 1f);
        if (!(repetitionPenalty > 0f && repetitionPenalty <= 10f)) {
            throw new IllegalArgumentException(
                    "repetition_penalty must be greater than 0 and at most 10, got " + repetitionPenalty);
        }
        if (repeatLastN < 0 || repeatLastN > MAX_REPEAT_LAST_N) {
            throw new IllegalArgumentException(
                    "repeat_last_n must be between 0 and " + MAX_REPEAT_LAST_N + ", got " + repeatLastN);
        }
        requireBetween("frequency_penalty", frequencyPenalty, -2f, 2f);
        requireBetween("presence_penalty", presencePenalty, -2f, 2f);
        logitBias = checkedLogitBias(logitBias);
    }

    /**
     * Greedy decoding: always the most likely token (the lowest id on a tie), no penalties, no bias.
     *
     * @return parameters for greedy decoding
     */
    public static SamplingParams greedy() {
        return builder().temperature(0f).seed(0L).build();
    }

    /**
     * A builder starting from OpenAI's defaults: temperature 1, top_p 1, no penalties, no bias, top-k and
     * min-p off, repetition window 64, and a random seed (so runs differ unless a seed is given, as with
     * OpenAI when a request has no {@code seed}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these parameters, to change a few of them.
     *
     * @return a new builder initialised from this record
     */
    public Builder toBuilder() {
        return new Builder()
                .temperature(temperature)
                .topK(topK)
                .topP(topP)
                .minP(minP)
                .seed(seed)
                .repetitionPenalty(repetitionPenalty)
                .repeatLastN(repeatLastN)
                .frequencyPenalty(frequencyPenalty)
                .presencePenalty(presencePenalty)
                .logitBias(logitBias);
    }

    /**
     * Whether sampling is greedy (temperature 0).
     *
     * @return true when the most likely token is always chosen
     */
    public boolean isGreedy() {
        return temperature == 0f;
    }

    private static void requireBetween(String name, float value, float min, float max) {
        // Written so that NaN fails too.
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    name + " must be between " + plain(min) + " and " + plain(max) + ", got " + value);
        }
    }

    /** Prints 2.0f as "2", so messages read like the OpenAI documentation. */
    private static String plain(float value) {
        return value == (int) value ? Integer.toString((int) value) : Float.toString(value);
    }

    private static Map<Integer, Float> checkedLogitBias(Map<Integer, Float> bias) {
        if (bias == null) {
            return Map.of();
        }
        // Checked before Map.copyOf, which would reject a null with an anonymous NullPointerException.
        for (Map.Entry<Integer, Float> e : bias.entrySet()) {
            Integer token = e.getKey();
            Float value = e.getValue();
            if (token == null || token < 0) {
                throw new IllegalArgumentException("logit_bias token id must be a non-negative integer, got " + token);
            }
            if (value == null || !(value >= -100f && value <= 100f)) {
                throw new IllegalArgumentException(
                        "logit_bias for token " + token + " must be between -100 and 100, got " + value);
            }
        }
        return Map.copyOf(bias);
    }

    /** Builds {@link SamplingParams}; every setter returns this builder. Checks happen in {@link #build()}. */
    public static final class Builder {
        private float temperature = 1f;
        private int topK;
        private float topP = 1f;
        private float minP;
        private long seed = ThreadLocalRandom.current().nextLong();
        private float repetitionPenalty = 1f;
        private int repeatLastN = DEFAULT_REPEAT_LAST_N;
        private float frequencyPenalty;
        private float presencePenalty;
        private Map<Integer, Float> logitBias = new HashMap<>();

        private Builder() {
        }

        /** Sets the temperature, [0, 2]; 0 means greedy. */
        public Builder temperature(float value) {
            temperature = value;
            return this;
        }

        /** Sets top-k; 0 turns it off. */
        public Builder topK(int value) {
            topK = value;
            return this;
        }

        /** Sets top-p, (0, 1]; 1 turns it off. */
        public Builder topP(float value) {
            topP = value;
            return this;
        }

        /** Sets min-p, [0, 1]; 0 turns it off. */
        public Builder minP(float value) {
            minP = value;
            return this;
        }

        /** Sets the random seed. */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Sets llama.cpp's repetition penalty, (0, 10]; 1 turns it off. */
        public Builder repetitionPenalty(float value) {
            repetitionPenalty = value;
            return this;
        }

        /** Sets the repetition penalty's window, in tokens. */
        public Builder repeatLastN(int value) {
            repeatLastN = value;
            return this;
        }

        /** Sets OpenAI's frequency penalty, [-2, 2]. */
        public Builder frequencyPenalty(float value) {
            frequencyPenalty = value;
            return this;
        }

        /** Sets OpenAI's presence penalty, [-2, 2]. */
        public Builder presencePenalty(float value) {
            presencePenalty = value;
            return this;
        }

        /** Replaces the whole logit bias map (token id to bias); null clears it. */
        public Builder logitBias(Map<Integer, Float> value) {
            logitBias = value == null ? new HashMap<>() : new HashMap<>(value);
            return this;
        }

        /** Adds {@code bias}, [-100, 100], to the logit of {@code token}. */
        public Builder logitBias(int token, float bias) {
            logitBias.put(token, bias);
            return this;
        }

        /**
         * Checks the values and builds the record.
         *
         * @return the parameters
         * @throws IllegalArgumentException naming the first parameter out of range
         */
        public SamplingParams build() {
            return new SamplingParams(temperature, topK, topP, minP, seed, repetitionPenalty, repeatLastN,
                    frequencyPenalty, presencePenalty, logitBias);
        }
    }
}
