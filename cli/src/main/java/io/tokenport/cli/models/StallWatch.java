package io.tokenport.cli.models;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Reads a response body, closing it from a watcher thread when it delivers nothing for {@code limit}: the HTTP
 * client's own timeout covers only the wait for the headers, and a stalled CDN connection would otherwise hang
 * the start for good. The blocked read then fails, and the download resumes like after any broken connection.
 */
final class StallWatch implements AutoCloseable {
    private final InputStream body;
    private final Duration limit;
    private final Thread watcher;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean stalled;

    StallWatch(InputStream body, Duration limit) {
        this.body = body;
        this.limit = limit;
        this.watcher = Thread.ofVirtual().name("model-download-stall-watch").start(this::watch);
    }

    private void watch() {
        try {
            for (long idle; (idle = System.nanoTime() - lastProgressNanos) < limit.toNanos(); ) {
                Thread.sleep(Duration.ofNanos(limit.toNanos() - idle));
            }
            stalled = true;
            body.close();
        } catch (InterruptedException | IOException finished) {
            // Interrupted: the body ended first. A failed close leaves the read to fail on its own.
        }
    }

    int read(byte[] buffer) throws IOException {
        try {
            int n = body.read(buffer);
            lastProgressNanos = System.nanoTime();
            return n;
        } catch (IOException e) {
            if (stalled) {
                throw new IOException("no data for " + (limit.toMillis() >= 1000 ? limit.toSeconds() + " s"
                        : limit.toMillis() + " ms"), e);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
