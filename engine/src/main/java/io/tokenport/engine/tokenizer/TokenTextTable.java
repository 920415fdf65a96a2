package io.tokenport.engine.tokenizer;

/**
 * Token text to id, looked up by a range of characters so that nothing is allocated per lookup: loading a
 * 150k-token vocabulary splits every merge line into two halves and their concatenation, and byte-level BPE
 * looks whole words up in a scratch buffer.
 *
 * <p>Laid out for few cache misses, since loading does half a million lookups: all texts in one char pool,
 * and open addressing with linear probing over slots that hold the id and the full hash side by side, so a
 * probe compares characters only when the hashes agree. The hash is {@link String#hashCode}'s polynomial.
 * Where texts repeat, the last id wins, as in llama.cpp.
 */
final class TokenTextTable {
    private final char[] pool;
    private final int[] start;
    /** Pairs per slot: id + 1 (0 = empty), then the hash. */
    private final int[] slots;
    private final int mask;

    TokenTextTable(String[] texts) {
        int n = texts.length;
        long total = 0;
        for (String t : texts) {
            total += t.length();
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new TokenizerException("vocabulary too large: token texts total " + total + " characters");
        }
        pool = new char[(int) total];
        start = new int[n + 1];
        int at = 0;
        for (int id = 0; id < n; id++) {
            String t = texts[id];
            t.getChars(0, t.length(), pool, at);
            start[id] = at;
            at += t.length();
        }
        start[n] = at;

        int capacity = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
        slots = new int[capacity * 2];
        mask = capacity - 1;
        for (int id = 0; id < n; id++) {
            int from = start[id];
            int len = start[id + 1] - from;
            int h = hash(pool, from, len);
            int slot = spread(h) & mask;
            while (true) {
                int e = slots[2 * slot] - 1;
                if (e < 0 || (slots[2 * slot + 1] == h && equal(e, pool, from, len))) {
                    slots[2 * slot] = id + 1;
                    slots[2 * slot + 1] = h;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
    }

    /** The id of a token with exactly this text, or -1. */
    int find(String text) {
        return find(text, 0, text.length());
    }

    /** The id of the token spelled by {@code s[from, to)}, or -1. */
    int find(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        int len = to - from;
        for (int slot = spread(h) & mask; ; slot = (slot + 1) & mask) {
            int e = slots[2 * slot] - 1;
            if (e < 0) {
                return -1;
            }
            if (slots[2 * slot + 1] == h && start[e + 1] - start[e] == len && matches(e, s, from, len)) {
                return e;
            }
        }
    }

    /** The id of the token spelled by {@code buf[off, off + len)}, or -1. */
    int find(char[] buf, int off, int len) {
        return find(buf, off, len, hash(buf, off, len));
    }

    /** As {@link #find(char[], int, int)}, with the range's {@link #hash} already known. */
    int find(char[] buf, int off, int len, int h) {
        for (int slot = spread(h) & mask; ; slot = (slot + 1) & mask) {
            int e = slots[2 * slot] - 1;
            if (e < 0) {
                return -1;
            }
            if (slots[2 * slot + 1] == h && equal(e, buf, off, len)) {
                return e;
            }
        }
    }

    private boolean equal(int id, char[] buf, int off, int len) {
        int from = start[id];
        return start[id + 1] - from == len && java.util.Arrays.equals(pool, from, from + len, buf, off, off + len);
    }

    /** Whether token {@code id}'s characters are {@code s[from, from + len)}. */
    private boolean matches(int id, String s, int from, int len) {
        int p = start[id];
        for (int i = 0; i < len; i++) {
            if (pool[p + i] != s.charAt(from + i)) {
                return false;
            }
        }
        return true;
    }

    /** {@link String#hashCode} of the characters {@code buf[off, off + len)}. */
    static int hash(char[] buf, int off, int len) {
        int h = 0;
        for (int i = off, end = off + len; i < end; i++) {
            h = 31 * h + buf[i];
        }
        return h;
    }

    /** The hash of a concatenation, from the hashes of its parts and the second part's length. */
    static int concatenationHash(int first, int second, int secondLength) {
        int power = 1;
        for (int i = 0; i < secondLength; i++) {
            power *= 31;
        }
        return first * power + second;
    }

    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }
}
