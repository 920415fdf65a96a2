package io.tokenport.engine.tokenizer;

import java.util.Arrays;

/**
 * A binary min-heap of merge candidates: a {@code long} priority and two {@code int} payloads, in parallel
 * primitive arrays so that the merge loops allocate nothing once the arrays have grown.
 *
 * <p>Callers pack the ordering into the key: the merge rank (BPE) or the negated score (SentencePiece) in the
 * high 32 bits, the index of the left symbol in the low 32 bits, so that ties go to the leftmost pair.
 */
final class MergeQueue {
    private long[] keys = new long[64];
    private int[] first = new int[64];
    private int[] second = new int[64];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }

    void push(long key, int a, int b) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            first = Arrays.copyOf(first, size * 2);
            second = Arrays.copyOf(second, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        keys[i] = key;
        first[i] = a;
        second[i] = b;
    }

    long topKey() {
        return keys[0];
    }

    int topFirst() {
        return first[0];
    }

    int topSecond() {
        return second[0];
    }

    void pop() {
        int last = --size;
        if (last == 0) {
            return;
        }
        long key = keys[last];
        int a = first[last];
        int b = second[last];
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < last && keys[child + 1] < keys[child]) {
                child++;
            }
            if (key <= keys[child]) {
                break;
            }
            move(child, i);
            i = child;
        }
        keys[i] = key;
        first[i] = a;
        second[i] = b;
    }

    private void move(int from, int to) {
        keys[to] = keys[from];
        first[to] = first[from];
        second[to] = second[from];
    }
}
