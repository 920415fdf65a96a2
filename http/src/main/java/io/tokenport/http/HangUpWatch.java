package io.tokenport.http;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's watch on its client, from {@link ClientHangUp#watch}: fires its action at most once, when the
 * client hangs up before the watch is closed. Thread-safe.
 */
public final class HangUpWatch implements AutoCloseable {
    private final ConnectionReads connection;
    private final Runnable onHangUp;
    private final AtomicBoolean hungUp = new AtomicBoolean();

    HangUpWatch(ConnectionReads connection, Runnable onHangUp) {
        this.connection = connection;
        this.onHangUp = onHangUp;
    }

    /** A watch on a connection that cannot be watched: it never fires. */
    static HangUpWatch unwatched(Runnable onHangUp) {
        return new HangUpWatch(null, onHangUp);
    }

    /** Whether the client hung up (and the action ran, or is running). */
    public boolean hungUp() {
        return hungUp.get();
    }

    void fire() {
        if (hungUp.compareAndSet(false, true)) {
            onHangUp.run();
        }
    }

    /**
     * Stops watching; a hang-up found at this very moment may still fire. The connection's background read, if
     * any, goes on: it becomes the connection's read of its next request.
     */
    @Override
    public void close() {
        if (connection != null) {
            connection.unwatch(this);
        }
    }
}
