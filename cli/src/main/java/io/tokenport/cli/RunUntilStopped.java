package io.tokenport.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a server command running until it is told to stop: Ctrl-C or SIGTERM (a shutdown hook), or
 * {@link #stop()} (tests). The hook waits, briefly, for the command to have closed what it runs.
 */
final class RunUntilStopped {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Asks the running command to stop. */
    void stop() {
        stop.countDown();
    }

    /** Blocks until {@link #stop()} or a signal; call {@link #closed()} once everything is closed. */
    void await() throws InterruptedException {
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tokenport-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stop.await();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // A signal: the hook is running and waits for closed().
            }
        }
    }

    /** Everything is closed: a waiting shutdown hook may let the JVM exit. */
    void closed() {
        closed.countDown();
    }
}
