package io.tokenport.engine.model;

/**
 * One sequence's attention keys and values, float32, per layer, in pages of {@link #PAGE} positions.
 *
 * <p>Pages are allocated when a position in them is first written: a sequence costs memory for the tokens it has
 * seen, not for the context window it may reach, which matters when a server holds many sequences with large
 * windows.
 *
 * <p>Layouts are chosen for the two attention loops. A key page is transposed, {@code [kvHead][dim][PAGE]}: the
 * scores of a query against a page are then vector multiply-adds over consecutive positions, with no horizontal
 * sum per position. A value page is row-major, {@code [PAGE][kvHeads * valueLength]}: the softmax-weighted sum
 * adds whole value rows.
 */
final class KVCache {
    static final int PAGE_SHIFT = 6;
    static final int PAGE = 1 << PAGE_SHIFT;
    static final int PAGE_MASK = PAGE - 1;

    final int capacity;
    final int kvHeads;
    final int keyLength;
    final int valueDim;
    /** {@code keys[layer][page]}: {@code [kvHeads][keyLength][PAGE]} floats, or {@code null} until written. */
    final float[][][] keys;
    /** {@code values[layer][page]}: {@code [PAGE][valueDim]} floats, or {@code null} until written. */
    final float[][][] values;

    KVCache(int layers, int capacity, int kvHeads, int keyLength, int valueDim) {
        this.capacity = capacity;
        this.kvHeads = kvHeads;
        this.keyLength = keyLength;
        this.valueDim = valueDim;
        int pages = (capacity + PAGE - 1) >>> PAGE_SHIFT;
        this.keys = new float[layers][pages][];
        this.values = new float[layers][pages][];
    }

    /** Stores the key row ({@code kvHeads * keyLength} floats) and value row of {@code pos} in {@code layer}. */
    void write(int layer, int pos, float[] k, int kOff, float[] v, int vOff) {
        int page = pos >>> PAGE_SHIFT;
        int row = pos & PAGE_MASK;
        float[] kp = keys[layer][page];
        if (kp == null) {
            kp = keys[layer][page] = new float[kvHeads * keyLength * PAGE];
            values[layer][page] = new float[PAGE * valueDim];
        }
        int dims = kvHeads * keyLength;
        for (int i = 0; i < dims; i++) {
            kp[i * PAGE + row] = k[kOff + i];
        }
        System.arraycopy(v, vOff, values[layer][page], row * valueDim, valueDim);
    }

    /** Bytes currently allocated. */
    long allocatedBytes() {
        long bytes = 0;
        for (int l = 0; l < keys.length; l++) {
            for (int p = 0; p < keys[l].length; p++) {
                if (keys[l][p] != null) {
                    bytes += 4L * (keys[l][p].length + values[l][p].length);
                }
            }
        }
        return bytes;
    }

    /** Drops all pages. */
    void clear() {
        for (int l = 0; l < keys.length; l++) {
            java.util.Arrays.fill(keys[l], null);
            java.util.Arrays.fill(values[l], null);
        }
    }
}
