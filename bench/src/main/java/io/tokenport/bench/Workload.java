package io.tokenport.bench;

import java.util.SplittableRandom;

/**
 * What each engine runs on each model: a prompt processed in one call (prefill), then {@code generate} greedy
 * single-token steps (decode); and, for engines that batch, {@code generate} steps over {@code batch}
 * sequences at once, each started from a short prompt of its own.
 *
 * @param prompt   the prompt's token ids, BOS first
 * @param generate decode steps
 * @param batch    sequences in the batched measurement (0: not measured)
 * @param threads  compute threads, the same for every engine
 * @param reps     timed repetitions after one warm-up; the median is reported
 */
record Workload(int[] prompt, int generate, int batch, int threads, int reps) {
    /** Tokens of each sequence's own prompt in the batched measurement. */
    static final int BATCH_PROMPT = 16;

    /** A prompt of BOS and random ordinary tokens (above the 3 specials and 256 byte tokens). */
    static int[] randomPrompt(int length, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[length];
        p[0] = 1;
        for (int i = 1; i < length; i++) {
            p[i] = 259 + r.nextInt(vocab - 259);
        }
        return p;
    }

    /** Context every sequence needs: the longer prompt plus the generated tokens. */
    int contextLength() {
        return Math.max(prompt.length, BATCH_PROMPT) + generate + 1;
    }

    /** The prompt of sequence {@code s} in the batched measurement: a distinct slice of the main prompt. */
    int[] batchPrompt(int s) {
        int[] p = new int[BATCH_PROMPT];
        p[0] = 1;
        for (int i = 1; i < BATCH_PROMPT; i++) {
            p[i] = prompt[1 + (s * 7 + i) % (prompt.length - 1)];
        }
        return p;
    }
}
