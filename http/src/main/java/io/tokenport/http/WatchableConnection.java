package io.tokenport.http;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.spi.ServerConnection;

import java.time.Duration;

/**
 * A Helidon HTTP/1.1 connection run with its {@link ConnectionReads} bound to {@link ClientHangUp#CONNECTION}:
 * Helidon handles an HTTP/1.1 connection's requests one after another on the connection's own thread, so a
 * handler finds the connection it is answering on without any lookup. Everything else is the connection's own.
 */
final class WatchableConnection implements ServerConnection, InterruptableTask<Void> {
    private final ServerConnection connection;
    private final ConnectionReads reads;

    WatchableConnection(ServerConnection connection, ConnectionReads reads) {
        this.connection = connection;
        this.reads = reads;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        ScopedValue.where(ClientHangUp.CONNECTION, reads).call(() -> {
            connection.handle(limit);
            return null;
        });
    }

    @Override
    public boolean canInterrupt() {
        return connection instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    @Override
    public Duration idleTime() {
        return connection.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        connection.close(interrupt);
    }
}
