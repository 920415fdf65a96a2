package io.tokenport.engine.model;

/**
 * The tokens of one forward pass: any mix of sequences, each with one or more new tokens, like a prefill chunk
 * of one sequence next to single decode tokens of others. Reusable: {@link #clear()} and refill it every step.
 *
 * <p>A sequence's tokens take consecutive positions after those it already holds, in the order they are added;
 * tokens of different sequences may be interleaved freely. For each token, the caller names the array that
 * receives its next-token logits, or {@code null} when they are not needed (all but the last token of a prompt):
 * the output projection, the costliest matrix of a big-vocabulary model, runs only for tokens that ask.
 */
public final class Batch {
    final Sequence[] sequences;
    final int[] tokens;
    final float[][] logitsOut;
    /** Filled by the model at the start of a forward pass. */
    final int[] positions;
    int size;

    /** A batch of at most {@code capacity} tokens. */
    public Batch(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be at least 1, got " + capacity);
        }
        sequences = new Sequence[capacity];
        tokens = new int[capacity];
        logitsOut = new float[capacity][];
        positions = new int[capacity];
    }

    /**
     * Adds the next token of {@code sequence}.
     *
     * @param logitsOut where to write the logits that follow this token (length at least the vocabulary size),
     *                  or {@code null}
     * @return this batch
     */
    public Batch add(Sequence sequence, int token, float[] logitsOut) {
        java.util.Objects.requireNonNull(sequence, "sequence");
        if (size == sequences.length) {
            throw new IllegalStateException("batch is full (" + size + " tokens)");
        }
        sequences[size] = sequence;
        tokens[size] = token;
        this.logitsOut[size] = logitsOut;
        size++;
        return this;
    }

    /** Tokens in the batch. */
    public int size() {
        return size;
    }

    /** The most tokens the batch holds. */
    public int capacity() {
        return sequences.length;
    }

    /** Empties the batch (dropping its references to sequences and arrays). */
    public void clear() {
        java.util.Arrays.fill(sequences, 0, size, null);
        java.util.Arrays.fill(logitsOut, 0, size, null);
        size = 0;
    }
}
