package io.tokenport.zone.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events exactly as OpenAI frames them: {@code data: <json>} and a blank line, flushed at
 * once, ending with {@code data: [DONE]}. (Helidon's SSE sink writes {@code data:} without the space; clients
 * that match OpenAI's bytes literally would miss such events.)
 */
final class SseWriter {
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    /** Sends one event. */
    void event(byte[] json) throws IOException {
        try {
            out.write(DATA);
            out.write(json);
            out.write(END);
            out.flush();
        } catch (RuntimeException e) {
            throw clientGone(e);
        }
    }

    /**
     * Sends an SSE comment, which clients ignore: while a request waits in the queue or produces no text, it is
     * the only way to learn that the client has gone (the write fails) and free its place.
     */
    void keepAlive() throws IOException {
        try {
            out.write(KEEP_ALIVE);
            out.flush();
        } catch (RuntimeException e) {
            throw clientGone(e);
        }
    }

    /** Sends one comment line ({@code line} starts with ':'), which clients ignore. */
    void comment(String line) throws IOException {
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.write(END);
            out.flush();
        } catch (RuntimeException e) {
            throw clientGone(e);
        }
    }

    void done() throws IOException {
        try {
            out.write(DONE);
            out.flush();
        } catch (RuntimeException e) {
            throw clientGone(e);
        }
    }

    /**
     * Helidon reports a connection the client closed as an unchecked {@code ServerConnectionException}; it is
     * turned into an {@link IOException} here so the caller has one thing to catch: "the client went away".
     */
    private static IOException clientGone(RuntimeException e) {
        return new IOException("the client closed the connection", e);
    }
}
