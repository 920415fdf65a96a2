package io.tokenport.engine.tokenizer;

/**
 * The BPE merge table: a pair of symbol ids to the rank of the merge that joins them (its index in
 * {@code tokenizer.ggml.merges}). Open addressing over packed {@code long} keys; no boxing.
 */
final class PairRanks {
    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int mask;

    PairRanks(int expected) {
        int capacity = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        mask = capacity - 1;
        java.util.Arrays.fill(keys, EMPTY);
    }

    /** Records the pair's rank unless the pair is already known: the first (lowest) rank wins, as in llama.cpp. */
    void putIfAbsent(int left, int right, int rank) {
        long key = pack(left, right);
        int slot = mix(key) & mask;
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        ranks[slot] = rank;
    }

    /** The rank of merging {@code left} and {@code right}, or -1 if no merge joins them. */
    int rank(int left, int right) {
        long key = pack(left, right);
        int slot = mix(key) & mask;
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return ranks[slot];
            }
            if (k == EMPTY) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    private static long pack(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }
}
