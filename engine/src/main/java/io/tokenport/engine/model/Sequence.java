package io.tokenport.engine.model;

/**
 * One conversation being generated: its KV cache and the number of tokens it holds.
 *
 * <p>Made by {@link Model#newSequence(int)} and advanced only by its model's forward passes. A sequence is plain
 * state with no locking; like the model, it is driven by one thread at a time.
 */
public final class Sequence {
    final Model model;
    final KVCache cache;
    int position;
    /** Tokens of this sequence in the forward pass being prepared; zero outside a pass. */
    int pendingInStep;

    Sequence(Model model, KVCache cache) {
        this.model = model;
        this.cache = cache;
    }

    /** Tokens processed so far: the position the next token will take. */
    public int position() {
        return position;
    }

    /** The context window: the most tokens this sequence can hold. */
    public int contextLength() {
        return cache.capacity;
    }

    /** Tokens that still fit. */
    public int remaining() {
        return cache.capacity - position;
    }

    /**
     * Forgets every token from {@code position} on, keeping the cache of those before it: a shared prompt prefix
     * can be reused, or a step retried.
     */
    public void rewind(int position) {
        if (position < 0 || position > this.position) {
            throw new IllegalArgumentException("cannot rewind to " + position + ": the sequence holds "
                    + this.position + " tokens");
        }
        this.position = position;
    }

    /** Forgets all tokens and releases the cache's memory. */
    public void reset() {
        position = 0;
        cache.clear();
    }

    /** Bytes of KV cache this sequence holds now. */
    public long cacheBytes() {
        return cache.allocatedBytes();
    }

    @Override
    public String toString() {
        return "Sequence[" + position + "/" + cache.capacity + " tokens]";
    }
}
