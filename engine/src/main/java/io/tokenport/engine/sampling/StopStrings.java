package io.tokenport.engine.sampling;

import java.util.List;
import java.util.Objects;

/**
 * Finds stop strings in generated text as it streams out, piece by piece, and says what may be sent on.
 *
 * <p>A stop string can span tokens, so text that could be the beginning of one is held back until the next
 * pieces decide: {@link #feed(CharSequence)} returns only text that can no longer belong to a stop string.
 * When a stop string is complete, {@code feed} returns the text before it, {@link #stopped()} turns true and
 * the stop string and everything after it are dropped. When generation ends without a stop, {@link #flush()}
 * releases what is held.
 *
 * <p>Which stop wins: a stop string counts as found as soon as its last character arrives, because that is
 * when generation must end. So the occurrence that ends first wins; of two ending at the same character, the
 * one that starts first (the longer). The result does not depend on how the text is split into pieces.
 * Compared with searching the finished text for the first occurrence, this differs only when one stop string
 * occurs strictly inside another's occurrence: with stops {@code "abcd"} and {@code "bc"}, the text
 * {@code "abcd"} stops at {@code "bc"} and releases {@code "a"}.
 *
 * <p>Only the held-back tail (shorter than the longest stop string) and the new piece are searched, so a feed
 * costs time proportional to the piece, not to the text so far. Never releases half of a surrogate pair.
 * Not thread-safe; one instance per generated sequence.
 */
public final class StopStrings {

    private final String[] stops;
    private final int longest;
    private final StringBuilder held = new StringBuilder();
    private String found;

    /**
     * Creates a matcher for the given stop strings.
     *
     * @param stops the stop strings; may be empty (then all text passes straight through)
     * @throws IllegalArgumentException if a stop string is null or empty
     */
    public StopStrings(List<String> stops) {
        Objects.requireNonNull(stops, "stops");
        this.stops = new String[stops.size()];
        int max = 0;
        for (int i = 0; i < this.stops.length; i++) {
            String stop = stops.get(i);
            if (stop == null || stop.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty, got "
                        + (stop == null ? "null" : "\"\"") + " at position " + i);
            }
            this.stops[i] = stop;
            max = Math.max(max, stop.length());
        }
        this.longest = max;
    }

    /**
     * Feeds the next piece of decoded text.
     *
     * @param piece the text decoded from the latest token(s); may be empty
     * @return the text that is now safe to send on, possibly empty; when this piece completes a stop string,
     *         the rest of the text before the stop string
     * @throws IllegalStateException if a stop string was already found
     */
    public String feed(CharSequence piece) {
        Objects.requireNonNull(piece, "piece");
        if (found != null) {
            throw new IllegalStateException("stop string \"" + found + "\" was already found; generation has ended");
        }
        if (piece.isEmpty()) {
            return "";
        }
        held.append(piece);

        // Earliest-ending occurrence; on a tie, the earliest-starting. The first occurrence of each stop string
        // in the held text is its earliest-ending one.
        int stopStart = -1;
        int stopEnd = Integer.MAX_VALUE;
        String stop = null;
        for (String candidate : stops) {
            int start = held.indexOf(candidate);
            if (start >= 0) {
                int end = start + candidate.length();
                if (end < stopEnd || (end == stopEnd && start < stopStart)) {
                    stopStart = start;
                    stopEnd = end;
                    stop = candidate;
                }
            }
        }
        if (stop != null) {
            found = stop;
            String before = held.substring(0, stopStart);
            held.setLength(0);
            return before;
        }
        return release(held.length() - heldBackLength());
    }

    /**
     * Releases the text held back as a possible start of a stop string: call it when generation ends for
     * another reason (end of sequence, length limit).
     *
     * @return the held text; empty if nothing is held or a stop string was found
     */
    public String flush() {
        String rest = held.toString();
        held.setLength(0);
        return rest;
    }

    /**
     * Whether a stop string has been found.
     *
     * @return true once a fed piece completed a stop string
     */
    public boolean stopped() {
        return found != null;
    }

    /**
     * The stop string that ended generation.
     *
     * @return the stop string found, or null while none has been
     */
    public String stopString() {
        return found;
    }

    /**
     * Length of the longest tail of the held text that is the beginning of some stop string: that tail must
     * wait. Everything before it can never be part of a stop string, because no stop string occurs in full.
     */
    private int heldBackLength() {
        int length = held.length();
        for (int tail = Math.min(length, longest - 1); tail > 0; tail--) {
            if (isStopPrefix(length - tail, tail)) {
                return keepPairsWhole(tail);
            }
        }
        return keepPairsWhole(0);
    }

    private boolean isStopPrefix(int from, int count) {
        for (String stop : stops) {
            if (stop.length() > count && matches(stop, from, count)) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(String stop, int from, int count) {
        for (int i = 0; i < count; i++) {
            if (held.charAt(from + i) != stop.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Widens the held-back tail by one char if releasing would split a surrogate pair. */
    private int keepPairsWhole(int tail) {
        int cut = held.length() - tail;
        return cut > 0 && Character.isHighSurrogate(held.charAt(cut - 1)) ? tail + 1 : tail;
    }

    private String release(int count) {
        if (count <= 0) {
            return "";
        }
        String out = held.substring(0, count);
        held.delete(0, count);
        return out;
    }
}
