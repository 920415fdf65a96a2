package io.tokenport.zone.screening;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The operator's literal terms, found case-insensitively in one pass whatever their number (Aho-Corasick: a trie
 * of the terms with failure links, so the text is read once and never backed up). Text and terms are compared
 * after {@link TextFolding} and lower-casing, so a full-width {@code ＡＢＣ} matches the term {@code abc}.
 *
 * <p>The automaton is immutable after construction and shared by all threads.
 */
final class TermMatcher {
    /** {@link #normalise} of every UTF-16 unit, built before any matcher. */
    private static final char[] LOWER = new char[Character.MAX_VALUE + 1];

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            LOWER[c] = Character.toLowerCase(TextFolding.fold((char) c));
        }
    }

    private static final TermMatcher EMPTY = new TermMatcher(List.of());

    // Node i's outgoing edges: labels[i] sorted, targets[i] parallel to it.
    private final char[][] labels;
    private final int[][] targets;
    private final int[] failure;
    /** How many terms end at node i, counting those reached through failure links. */
    private final int[] matches;
    /** Bit c is set when some term starts with character c: text outside a match skips the trie in one test. */
    private final long[] startsTerm = new long[(Character.MAX_VALUE + 1) / 64];

    private TermMatcher(List<String> terms) {
        List<StringBuilder> edgeLabels = new ArrayList<>();
        List<List<Integer>> edgeTargets = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        edgeLabels.add(new StringBuilder());
        edgeTargets.add(new ArrayList<>());
        ends.add(0);
        for (String term : terms) {
            int node = 0;
            for (int i = 0; i < term.length(); i++) {
                char c = normalise(term.charAt(i));
                int at = edgeLabels.get(node).indexOf(String.valueOf(c));
                if (at >= 0) {
                    node = edgeTargets.get(node).get(at);
                } else {
                    int next = edgeLabels.size();
                    edgeLabels.add(new StringBuilder());
                    edgeTargets.add(new ArrayList<>());
                    ends.add(0);
                    edgeLabels.get(node).append(c);
                    edgeTargets.get(node).add(next);
                    node = next;
                }
            }
            ends.set(node, 1);
        }
        int n = edgeLabels.size();
        labels = new char[n][];
        targets = new int[n][];
        for (int i = 0; i < n; i++) {
            char[] l = edgeLabels.get(i).toString().toCharArray();
            Integer[] order = new Integer[l.length];
            for (int k = 0; k < l.length; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> Character.compare(l[a], l[b]));
            labels[i] = new char[l.length];
            targets[i] = new int[l.length];
            for (int k = 0; k < l.length; k++) {
                labels[i][k] = l[order[k]];
                targets[i][k] = edgeTargets.get(i).get(order[k]);
            }
        }
        for (char c : labels[0]) {
            startsTerm[c >>> 6] |= 1L << c;
        }
        failure = new int[n];
        matches = new int[n];
        for (int i = 0; i < n; i++) {
            matches[i] = ends.get(i);
        }
        // Breadth first, so a node's failure target is finished before the node itself.
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : targets[0]) {
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (int k = 0; k < labels[node].length; k++) {
                int child = targets[node][k];
                int f = failure[node];
                while (f != 0 && edge(f, labels[node][k]) < 0) {
                    f = failure[f];
                }
                int via = edge(f, labels[node][k]);
                failure[child] = via >= 0 && via != child ? via : 0;
                matches[child] += matches[failure[child]];
                queue.add(child);
            }
        }
    }

    /** A matcher for {@code terms}; each must be non-empty. */
    static TermMatcher of(List<String> terms) {
        return terms.isEmpty() ? EMPTY : new TermMatcher(terms);
    }

    /** How many term occurrences {@code text} holds (overlapping ones count separately). */
    int count(CharSequence text) {
        if (labels[0].length == 0) {
            return 0;
        }
        int found = 0;
        int node = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = normalise(text.charAt(i));
            if (node == 0 && (startsTerm[c >>> 6] & (1L << c)) == 0) {
                continue;
            }
            int next;
            while ((next = edge(node, c)) < 0 && node != 0) {
                node = failure[node];
            }
            node = next < 0 ? 0 : next;
            found += matches[node];
        }
        return found;
    }

    private int edge(int node, char c) {
        int k = Arrays.binarySearch(labels[node], c);
        return k >= 0 ? targets[node][k] : -1;
    }

    /** How terms and text are compared: folded, then lower case (per character, locale independent). */
    static char normalise(char c) {
        return LOWER[c];
    }

}
