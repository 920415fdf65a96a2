package io.tokenport.link.attestation;

import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The nonces seen within the freshness window, to refuse replays, in bounded memory.
 *
 * <p>A nonce needs remembering only while its attestation is still fresh: once its time is more than the skew in
 * the past, the freshness check refuses it anyway, so it is forgotten. If more than {@code capacity} fresh nonces
 * arrive, the oldest is forgotten early and the <em>floor</em> rises to its time: from then on attestations at or
 * before the floor are refused as stale, since a replay of them could no longer be recognised. Memory is bounded;
 * a replay is never accepted.
 *
 * <p>One lock guards the set and the queue; each check is O(log n), microseconds against a request's
 * milliseconds.
 */
final class NonceWindow {
    private record Seen(long timeMillis, String nonce) {
    }

    private final int capacity;
    private final Set<String> nonces = new HashSet<>();
    private final PriorityQueue<Seen> byTime = new PriorityQueue<>((a, b) -> Long.compare(a.timeMillis, b.timeMillis));
    private long floorMillis = Long.MIN_VALUE;

    NonceWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("nonce capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** The outcome of {@link #admit}. */
    enum Outcome { FRESH, REPLAYED, BELOW_FLOOR }

    /**
     * Records {@code nonce} of an attestation made at {@code timeMillis}, forgetting those older than
     * {@code forgetBeforeMillis}.
     */
    synchronized Outcome admit(String nonce, long timeMillis, long forgetBeforeMillis) {
        while (!byTime.isEmpty() && byTime.peek().timeMillis < forgetBeforeMillis) {
            nonces.remove(byTime.poll().nonce);
        }
        if (nonces.contains(nonce)) {
            return Outcome.REPLAYED;
        }
        if (timeMillis <= floorMillis) {
            return Outcome.BELOW_FLOOR;
        }
        while (nonces.size() >= capacity) {
            Seen oldest = byTime.poll();
            nonces.remove(oldest.nonce);
            floorMillis = Math.max(floorMillis, oldest.timeMillis);
        }
        if (timeMillis <= floorMillis) {
            return Outcome.BELOW_FLOOR;
        }
        nonces.add(nonce);
        byTime.add(new Seen(timeMillis, nonce));
        return Outcome.FRESH;
    }

    synchronized int size() {
        return nonces.size();
    }
}
