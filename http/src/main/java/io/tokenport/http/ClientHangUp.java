package io.tokenport.http;

import io.helidon.webserver.ListenerConfig;

/**
 * Tells a request's handler that its HTTP/1.1 client hung up while the answer was still being produced, at once
 * rather than at the next write: a non-streamed answer has no write before the end, so without this a client that
 * gave up would keep its generation running to {@code max_tokens}.
 *
 * <p><b>Why Helidon needs help.</b> Helidon's HTTP/1.1 connection reads its socket only between requests; while a
 * handler works nobody reads, so the client's FIN or RST waits unseen in the kernel. A listener given
 * {@link #detectOn} serves HTTP/1.1 through {@link HangUpSelector}, whose connections read the socket through
 * {@link ConnectionReads}: one read at a time, which {@link #watch} starts in the background once the handler has
 * read its request body. End of stream (the client closed, or half-closed, its side) or a reset fires the watch.
 * Bytes (the client's next, pipelined request) end the watch quietly and are kept: the connection takes them as
 * its next read, so nothing is lost, read twice, or waited for longer than without the watch.
 *
 * <p>Only HTTP/1.1 connections can be watched. On HTTP/2 (the link, or an HTTPS client that chose it) a client
 * resets its stream rather than the connection, and Helidon does not tell the handler; there {@link #watch}
 * returns a watch that never fires, and the edge tells the zone itself ({@code /link/cancel}).
 */
public final class ClientHangUp {
    /** The connection whose request the current thread is handling; bound for the connection's whole life. */
    static final ScopedValue<ConnectionReads> CONNECTION = ScopedValue.newInstance();

    private ClientHangUp() {
    }

    /**
     * Lets handlers on {@code listener}'s HTTP/1.1 connections {@link #watch} for their client hanging up. The
     * listener then offers no {@code Upgrade: h2c}; HTTP/2 by ALPN or prior knowledge is unchanged.
     */
    public static void detectOn(ListenerConfig.BuilderBase<?, ?> listener) {
        listener.addConnectionSelector(new HangUpSelector());
    }

    /**
     * Watches the client of the request this thread is handling, from now until the watch is closed: if it hangs
     * up, {@code onHangUp} runs once, on another thread. Call it after the request body has been read whole (the
     * watch reads what comes after it), and only once at a time per request.
     *
     * @return the watch, to close when the answer has been produced; one that never fires where the connection
     *         cannot be watched (HTTP/2, or a listener without {@link #detectOn})
     */
    public static HangUpWatch watch(Runnable onHangUp) {
        return CONNECTION.isBound() ? CONNECTION.get().watch(onHangUp) : HangUpWatch.unwatched(onHangUp);
    }
}
