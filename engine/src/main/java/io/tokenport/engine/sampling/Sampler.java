package io.tokenport.engine.sampling;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Picks the next token of one sequence from the model's logits.
 *
 * <p>One sampler per sequence: it keeps that sequence's random generator and the token history its penalties
 * look at. It is not thread-safe. Steps, in order: logit bias, penalties, then either argmax (temperature 0)
 * or temperature, top-k, softmax, top-p, min-p and a random draw.
 *
 * <p>Design for a 152k-token vocabulary, with nothing allocated per token: all work buffers are sized to the
 * vocabulary once, in the constructor, and no step sorts the whole vocabulary.
 * <ul>
 *   <li>Top-k keeps the k best in a bounded heap during one sequential pass over the logits; only those k get
 *   an {@code exp}.</li>
 *   <li>Otherwise the softmax numerators of all tokens are computed on the Vector API ({@link SoftmaxWeights}).
 *   Top-p then orders only the tokens above a weight cut that is lowered until they hold the top-p mass
 *   (usually a few hundred tokens), lazily, in a heap: only as many come out as top-p and min-p keep.</li>
 *   <li>Without top-k and top-p nothing is ordered at all.</li>
 * </ul>
 * Tokens whose weight underflows to 0 in float (more than about 87 temperature-scaled logits below the best)
 * are never drawn; their probability is below 10<sup>-38</sup>.
 *
 * <p>Randomness comes from SplitMix64 seeded with {@link SamplingParams#seed()}: its stream is fixed by its
 * definition, so the same seed and the same logits give the same tokens on every run. (Across different CPUs
 * the model's own logits, and {@code exp}, may differ in the last bit; a draw changes only if it falls within
 * such a rounding of a boundary.) Ties between equal logits always go to the lower token id.
 *
 * <p>The caller reports every token the sequence actually takes with {@link #accept(int)} (it may replace a
 * sampled token, for example to end the sequence), and the prompt with {@link #acceptPrompt(int[])}.
 */
public final class Sampler {

    /** Top-p's first weight cut, relative to the best token's weight; each further try divides by it again. */
    private static final float FIRST_CUT = 1f / 64;

    private final SamplingParams params;
    private final int vocabSize;

    // Logit bias unboxed once, so the hot path reads arrays.
    private final int[] biasTokens;
    private final float[] biasValues;

    private final boolean penalised;
    // Repetition window: the last repeatLastN accepted tokens, prompt included, in a ring.
    private final int[] window;
    private long accepted;
    // Ring slot of each token's latest acceptance; lets the penalty touch each token once per call.
    private final int[] lastPosition;
    // Frequency and presence: per-token counts over generated tokens, and the distinct tokens counted so far.
    private final int[] generatedCounts;
    private int[] generatedDistinct = new int[64];
    private int generatedDistinctSize;

    // Work buffers for one draw.
    private final int[] candidates;
    private final int[] ordered;
    private final float[] weights;
    // Which of candidates or ordered holds the tokens that survived filtering; null when all of them did.
    private int[] kept;

    private long randomState;

    /**
     * Creates a sampler for one sequence.
     *
     * @param params    how to sample
     * @param vocabSize the model's vocabulary size; every logits array passed in has at least this many entries
     * @throws IllegalArgumentException if the vocabulary size is not positive or a logit bias names a token
     *                                  outside the vocabulary
     */
    public Sampler(SamplingParams params, int vocabSize) {
        this.params = Objects.requireNonNull(params, "params");
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabulary size must be positive, got " + vocabSize);
        }
        this.vocabSize = vocabSize;

        Map<Integer, Float> bias = params.logitBias();
        biasTokens = new int[bias.size()];
        biasValues = new float[bias.size()];
        int b = 0;
        for (Map.Entry<Integer, Float> e : bias.entrySet()) {
            if (e.getKey() >= vocabSize) {
                throw new IllegalArgumentException("logit_bias token id " + e.getKey()
                        + " is outside the vocabulary of " + vocabSize + " tokens");
            }
            biasTokens[b] = e.getKey();
            biasValues[b] = e.getValue();
            b++;
        }

        boolean repetition = params.repetitionPenalty() != 1f && params.repeatLastN() > 0;
        penalised = repetition || params.frequencyPenalty() != 0f || params.presencePenalty() != 0f;
        window = new int[repetition ? params.repeatLastN() : 0];
        lastPosition = new int[repetition ? vocabSize : 0];
        Arrays.fill(lastPosition, -1);
        generatedCounts = new int[penalised ? vocabSize : 0];

        boolean stochastic = !params.isGreedy();
        candidates = new int[stochastic ? vocabSize : 0];
        ordered = new int[stochastic ? vocabSize : 0];
        weights = new float[stochastic ? vocabSize : 0];

        randomState = params.seed();
    }

    /**
     * The parameters this sampler follows.
     *
     * @return the sampling parameters
     */
    public SamplingParams params() {
        return params;
    }

    /**
     * Picks the next token. Does not record it: call {@link #accept(int)} with the token the sequence takes.
     *
     * @param logits    the model's output; changed in place (bias and penalties are applied to it)
     * @param vocabSize how many leading entries of {@code logits} are real tokens (at most the size given to
     *                  the constructor; output layers are sometimes padded)
     * @return the chosen token id, in [0, vocabSize)
     */
    public int sample(float[] logits, int vocabSize) {
        if (vocabSize <= 0 || vocabSize > this.vocabSize || logits.length < vocabSize) {
            throw new IllegalArgumentException("sampling over " + vocabSize + " tokens with " + logits.length
                    + " logits, but this sampler was made for a vocabulary of " + this.vocabSize);
        }
        applyLogitBias(logits, vocabSize);
        applyPenalties(logits, vocabSize);
        if (params.isGreedy()) {
            return argmax(logits, vocabSize);
        }
        return draw(logits, vocabSize);
    }

    /**
     * Records a token the sequence took (sampled or forced). It counts for all penalties.
     *
     * @param token the token id
     */
    public void accept(int token) {
        checkToken(token);
        remember(token);
        if (penalised) {
            if (generatedCounts[token]++ == 0) {
                if (generatedDistinctSize == generatedDistinct.length) {
                    // Rare: doubles, so a whole generation allocates O(log distinct) times.
                    generatedDistinct = Arrays.copyOf(generatedDistinct, generatedDistinct.length * 2);
                }
                generatedDistinct[generatedDistinctSize++] = token;
            }
        }
    }

    /**
     * Records prompt tokens. They count for the repetition penalty's window only: OpenAI's frequency and
     * presence penalties look at generated text.
     *
     * @param tokens the prompt's token ids, in order
     */
    public void acceptPrompt(int[] tokens) {
        for (int token : tokens) {
            checkToken(token);
        }
        // Only the tail can still be inside the window.
        int from = Math.max(0, tokens.length - window.length);
        accepted += from;
        for (int i = from; i < tokens.length; i++) {
            remember(tokens[i]);
        }
    }

    private void checkToken(int token) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException(
                    "token id " + token + " is outside the vocabulary of " + vocabSize + " tokens");
        }
    }

    private void remember(int token) {
        if (window.length > 0) {
            int position = (int) (accepted % window.length);
            window[position] = token;
            lastPosition[token] = position;
        }
        accepted++;
    }

    /** Adds the logit bias; -100 bans a token outright, since adding -100 alone might not. */
    void applyLogitBias(float[] logits, int vocabSize) {
        for (int i = 0; i < biasTokens.length; i++) {
            int token = biasTokens[i];
            if (token < vocabSize) {
                logits[token] = biasValues[i] <= -100f ? Float.NEGATIVE_INFINITY : logits[token] + biasValues[i];
            }
        }
    }

    /**
     * Applies the repetition penalty (llama.cpp: once per distinct token in the window, dividing a positive
     * logit and multiplying a negative one), then the frequency and presence penalties (OpenAI: subtracting
     * {@code count * frequency + presence} for each token generated {@code count > 0} times).
     */
    void applyPenalties(float[] logits, int vocabSize) {
        if (!penalised) {
            return;
        }
        if (window.length > 0) {
            float penalty = params.repetitionPenalty();
            int filled = (int) Math.min(accepted, window.length);
            for (int position = 0; position < filled; position++) {
                int token = window[position];
                // A token seen several times in the window is penalised at its latest slot only.
                if (lastPosition[token] == position && token < vocabSize) {
                    float logit = logits[token];
                    logits[token] = logit > 0f ? logit / penalty : logit * penalty;
                }
            }
        }
        float frequency = params.frequencyPenalty();
        float presence = params.presencePenalty();
        if (frequency != 0f || presence != 0f) {
            for (int i = 0; i < generatedDistinctSize; i++) {
                int token = generatedDistinct[i];
                if (token < vocabSize) {
                    logits[token] -= generatedCounts[token] * frequency + presence;
                }
            }
        }
    }

    /** The most likely token; the lowest id among equals. NaN logits never win. */
    static int argmax(float[] logits, int vocabSize) {
        int best = 0;
        float bestLogit = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocabSize; i++) {
            if (logits[i] > bestLogit) {
                bestLogit = logits[i];
                best = i;
            }
        }
        return best;
    }

    private int draw(float[] logits, int vocabSize) {
        int count = filter(logits, vocabSize);
        if (count == 0) {
            // Everything banned, a +infinity logit, or all NaN: no distribution to draw from.
            return argmax(logits, vocabSize);
        }
        return drawFrom(count);
    }

    /**
     * Temperature, top-k, softmax, top-p and min-p: leaves the surviving tokens for {@link #keptToken(int)}
     * and their unnormalised probabilities in {@code weights[token]} (the best token's is exactly 1).
     *
     * @return how many tokens survive; 0 if the logits hold no finite maximum
     */
    int filter(float[] logits, int vocabSize) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocabSize; i++) {
            // Not Math.max: that would let one NaN logit poison the maximum.
            if (logits[i] > max) {
                max = logits[i];
            }
        }
        if (!Float.isFinite(max)) {
            return 0;
        }
        float scale = 1f / params.temperature();
        int topK = params.topK();
        if (topK > 0 && topK < vocabSize) {
            return filterTopK(logits, vocabSize, topK, max, scale);
        }
        double total = SoftmaxWeights.compute(logits, weights, vocabSize, max, scale);
        float minP = params.minP();
        if (params.topP() < 1f) {
            return filterTopP(logits, vocabSize, total);
        }
        if (minP > 0f) {
            kept = candidates;
            return collect(vocabSize, minP);
        }
        kept = null;
        return vocabSize;
    }

    /** Top-k by a bounded heap in one sequential pass, then top-p and min-p over the k in order. */
    private int filterTopK(float[] logits, int vocabSize, int topK, float max, float scale) {
        int size = 0;
        for (int i = 0; i < vocabSize; i++) {
            if (Float.isNaN(logits[i])) {
                continue;
            }
            if (size < topK) {
                candidates[size] = i;
                siftUpWorst(logits, size++);
            } else if (before(logits, i, candidates[0])) {
                // Better than the worst of the k kept so far: it takes that one's place.
                candidates[0] = i;
                siftDownWorst(logits, 0, size);
            }
        }
        // Empty the heap worst-first into ordered, filling it from the back: ordered is then best-first.
        for (int i = size - 1; i >= 0; i--) {
            ordered[i] = candidates[0];
            candidates[0] = candidates[i];
            siftDownWorst(logits, 0, i);
        }
        double total = 0;
        for (int i = 0; i < size; i++) {
            int token = ordered[i];
            float weight = (float) Math.exp((logits[token] - max) * scale);
            weights[token] = weight;
            total += weight;
        }
        kept = ordered;
        return takeBestFirst(logits, size, total, true);
    }

    /**
     * Top-p without top-k. Only tokens with weight at least {@code cut} are put in order, where {@code cut} is
     * lowered step by step until those tokens hold the top-p mass (or min-p would drop all others anyway):
     * usually one pass, and a heap of a few hundred tokens instead of the vocabulary.
     */
    private int filterTopP(float[] logits, int vocabSize, double total) {
        float minP = params.minP();
        double target = params.topP() * total;
        float cut = Math.max(minP, FIRST_CUT);
        int count;
        while (true) {
            count = collect(vocabSize, cut);
            if (cut <= minP || cut == Float.MIN_VALUE || massOf(count) >= target) {
                break;
            }
            cut = Math.max(minP, cut * FIRST_CUT);
            if (cut < 1e-30f) {
                cut = Float.MIN_VALUE;
            }
        }
        heapify(logits, count);
        kept = ordered;
        return takeBestFirst(logits, count, total, false);
    }

    /** Puts the tokens with weight at least {@code cut} into candidates, in id order. */
    private int collect(int vocabSize, float cut) {
        int count = 0;
        for (int i = 0; i < vocabSize; i++) {
            if (weights[i] >= cut) {
                candidates[count++] = i;
            }
        }
        return count;
    }

    private double massOf(int count) {
        double mass = 0;
        for (int i = 0; i < count; i++) {
            mass += weights[candidates[i]];
        }
        return mass;
    }

    /**
     * Top-p, then min-p, over tokens taken best first (from {@code ordered} if already in order, else popped
     * from the heap in candidates) into {@code ordered}. Both filters keep a prefix of that order, so one walk
     * does both, stopping at whichever prefix is shorter.
     */
    private int takeBestFirst(float[] logits, int count, double total, boolean inOrder) {
        float minP = params.minP();
        double target = params.topP() < 1f ? params.topP() * total : Double.POSITIVE_INFINITY;
        double cumulative = 0;
        int taken = 0;
        while (taken < count) {
            int token = inOrder ? ordered[taken] : popBest(logits, count - taken);
            float weight = weights[token];
            if (taken > 0 && weight < minP) {
                break;
            }
            ordered[taken++] = token;
            cumulative += weight;
            if (cumulative >= target) {
                break;
            }
        }
        return taken;
    }

    /** The i-th token that survived the last {@link #filter}. */
    int keptToken(int i) {
        return kept == null ? i : kept[i];
    }

    /** The unnormalised probability the last {@link #filter} gave a surviving token. */
    float keptWeight(int token) {
        return weights[token];
    }

    private int drawFrom(int count) {
        double total = 0;
        for (int i = 0; i < count; i++) {
            total += weights[keptToken(i)];
        }
        double threshold = nextDouble() * total;
        double cumulative = 0;
        int last = keptToken(0);
        for (int i = 0; i < count; i++) {
            int token = keptToken(i);
            float weight = weights[token];
            if (weight > 0f) {
                cumulative += weight;
                last = token;
                if (cumulative > threshold) {
                    return token;
                }
            }
        }
        // Rounding left the threshold at the very top: the last token with any weight.
        return last;
    }

    // ---- Heaps of token ids in candidates, ordered by logit, then by lower id ("before"). ----

    /** Max-heap: the best token at the root. */
    private void heapify(float[] logits, int size) {
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(logits, i, size);
        }
    }

    private int popBest(float[] logits, int size) {
        int best = candidates[0];
        candidates[0] = candidates[size - 1];
        siftDown(logits, 0, size - 1);
        return best;
    }

    private void siftDown(float[] logits, int index, int size) {
        int token = candidates[index];
        while (true) {
            int child = 2 * index + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(logits, candidates[child + 1], candidates[child])) {
                child++;
            }
            if (!before(logits, candidates[child], token)) {
                break;
            }
            candidates[index] = candidates[child];
            index = child;
        }
        candidates[index] = token;
    }

    /** Min-heap for top-k: the worst kept token at the root, ready to be replaced. */
    private void siftUpWorst(float[] logits, int index) {
        int token = candidates[index];
        while (index > 0) {
            int parent = (index - 1) / 2;
            if (!before(logits, candidates[parent], token)) {
                break;
            }
            candidates[index] = candidates[parent];
            index = parent;
        }
        candidates[index] = token;
    }

    private void siftDownWorst(float[] logits, int index, int size) {
        int token = candidates[index];
        while (true) {
            int child = 2 * index + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(logits, candidates[child], candidates[child + 1])) {
                child++;
            }
            if (!before(logits, token, candidates[child])) {
                break;
            }
            candidates[index] = candidates[child];
            index = child;
        }
        candidates[index] = token;
    }

    /** Whether token a ranks before token b: higher logit, or the same logit and a lower id. Never NaN here. */
    private static boolean before(float[] logits, int a, int b) {
        float la = logits[a];
        float lb = logits[b];
        return la > lb || (la == lb && a < b);
    }

    // ---- SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and the same everywhere. ----

    private double nextDouble() {
        randomState += 0x9E3779B97F4A7C15L;
        long z = randomState;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
