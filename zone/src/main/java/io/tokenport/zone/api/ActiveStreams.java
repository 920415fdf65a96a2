package io.tokenport.zone.api;

import io.tokenport.zone.batching.GenerationStream;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams being answered now, by request id, with the edge each came through: so that an edge whose client
 * hung up can stop that stream at once ({@code POST /link/cancel/{id}} on the link), even where its HTTP/2 stream
 * reset does not reach the handler. Only the edge that forwarded a request may cancel it.
 */
public final class ActiveStreams {
    private record Entry(String edgeId, GenerationStream stream) {
    }

    private final ConcurrentHashMap<String, Entry> streams = new ConcurrentHashMap<>();

    void add(String requestId, String edgeId, GenerationStream stream) {
        streams.put(requestId, new Entry(edgeId, stream));
    }

    void remove(String requestId) {
        streams.remove(requestId);
    }

    /**
     * Cancels the stream of {@code requestId} if {@code edgeId} forwarded it.
     *
     * @return false if there is no such stream (ended, unknown, or another edge's)
     */
    public boolean cancel(String requestId, String edgeId) {
        Entry e = streams.get(requestId);
        if (e == null || !e.edgeId().equals(edgeId)) {
            return false;
        }
        e.stream().cancel();
        return true;
    }
}
