package io.tokenport.zone.api;

import io.tokenport.zone.batching.GenerationStream;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The generations running for requests that came over the link, by the nonce of their origin attestation, with
 * the edge each came through: so that an edge whose client hung up can stop it at once ({@code POST
 * /link/cancel/{nonce}}), streamed or not, although Helidon does not pass an HTTP/2 stream reset on to the
 * handler. The edge names a request by the nonce it signed, known to it before any answer. Only the edge that
 * forwarded a request may cancel it.
 */
public final class ActiveStreams {
    private record Entry(String edgeId, GenerationStream stream) {
    }

    private final ConcurrentHashMap<String, Entry> streams = new ConcurrentHashMap<>();

    void add(String nonce, String edgeId, GenerationStream stream) {
        streams.put(nonce, new Entry(edgeId, stream));
    }

    void remove(String nonce) {
        streams.remove(nonce);
    }

    /**
     * Cancels the generation of the request attested with {@code nonce} (hex) if {@code edgeId} forwarded it.
     *
     * @return false if there is no such generation (ended, unknown, or another edge's)
     */
    public boolean cancel(String nonce, String edgeId) {
        Entry e = streams.get(nonce);
        if (e == null || !e.edgeId().equals(edgeId)) {
            return false;
        }
        e.stream().cancel();
        return true;
    }
}
