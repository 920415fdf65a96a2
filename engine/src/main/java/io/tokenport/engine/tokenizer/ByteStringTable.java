package io.tokenport.engine.tokenizer;

import java.util.Arrays;

/**
 * An immutable hash table from byte strings to ints that looks keys up by a slice of a caller's buffer, so that
 * the merge loops can ask "is this span of the input a token?" without building a string.
 *
 * <p>All keys live in one byte pool; open addressing with linear probing over a power-of-two slot array.
 */
final class ByteStringTable {
    private final byte[] pool;
    private final int[] keyStart;
    private final int[] values;
    private final int[] slots;
    private final int mask;

    /**
     * A table mapping {@code keys[i]} to {@code i}. Null keys are skipped; where keys repeat, the last index
     * wins, as llama.cpp's text-to-token map does.
     */
    ByteStringTable(byte[][] keys) {
        int capacity = Integer.highestOneBit(Math.max(4, keys.length * 2 - 1)) << 1;
        slots = new int[capacity];
        mask = capacity - 1;
        long total = 0;
        for (byte[] k : keys) {
            total += k == null ? 0 : k.length;
        }
        if (total > Integer.MAX_VALUE - 16) {
            throw new TokenizerException("vocabulary too large: token texts total " + total + " bytes");
        }
        pool = new byte[(int) total];
        int[] starts = new int[keys.length + 1];
        int[] vals = new int[keys.length];
        int entries = 0;
        int used = 0;
        for (int i = 0; i < keys.length; i++) {
            byte[] k = keys[i];
            if (k == null) {
                continue;
            }
            System.arraycopy(k, 0, pool, used, k.length);
            starts[entries] = used;
            int slot = hash(pool, used, k.length) & mask;
            while (true) {
                int e = slots[slot] - 1;
                if (e < 0) {
                    slots[slot] = entries + 1;
                    vals[entries] = i;
                    used += k.length;
                    starts[++entries] = used;
                    break;
                }
                if (equal(starts, e, pool, used, k.length)) {
                    vals[e] = i;
                    break;
                }
                slot = (slot + 1) & mask;
            }
        }
        keyStart = Arrays.copyOf(starts, entries + 1);
        values = Arrays.copyOf(vals, entries);
    }

    /** The value for the key {@code buf[off, off + len)}, or -1. */
    int find(byte[] buf, int off, int len) {
        int slot = hash(buf, off, len) & mask;
        while (true) {
            int e = slots[slot] - 1;
            if (e < 0) {
                return -1;
            }
            if (equal(keyStart, e, buf, off, len)) {
                return values[e];
            }
            slot = (slot + 1) & mask;
        }
    }

    private boolean equal(int[] starts, int entry, byte[] buf, int off, int len) {
        int s = starts[entry];
        return starts[entry + 1] - s == len && Arrays.equals(pool, s, s + len, buf, off, off + len);
    }

    private static int hash(byte[] b, int off, int len) {
        int h = len * 0x9E3779B9;
        for (int i = off, end = off + len; i < end; i++) {
            h = 31 * h + b[i];
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }
}
