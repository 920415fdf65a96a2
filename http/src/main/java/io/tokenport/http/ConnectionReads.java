package io.tokenport.http;

import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ServerConnectionException;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The socket reads of one HTTP/1.1 connection, one at a time, made either by the connection itself or, while a
 * handler watches its client, in the background.
 *
 * <p>Helidon's connection reads through {@link #reader()}, whose bytes come from {@link #get()}. Normally
 * {@code get()} reads the socket at once. A {@link #watch} starts one read on a virtual thread instead and keeps
 * its result; the connection's next {@code get()} takes that result (waiting for it if need be) rather than
 * reading again. So there is never more than one read on the socket, and every byte reaches the connection once,
 * in order. The background read ending with end of stream or a failure is the client hanging up: the current
 * watch fires.
 *
 * <p><b>Locking.</b> One lock guards the read's state and the current watch. The socket's own reader is touched
 * by one thread at a time: the background reader while {@code reading}, otherwise the connection's thread; the
 * hand-over goes through the lock. A watch fires outside the lock.
 */
final class ConnectionReads implements Supplier<byte[]> {
    private final DataReader socket;
    private final DataReader reader;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readEnded = lock.newCondition();
    /** A background read was started and its result not yet taken by the connection. */
    private boolean reading;
    /** That read has ended: with {@link #bytes}, end of stream ({@code bytes == null}), or {@link #failure}. */
    private boolean ended;
    private byte[] bytes;
    private RuntimeException failure;
    private HangUpWatch watch;

    /** @param socket the listener's reader of this connection's socket (it may hold bytes read already) */
    ConnectionReads(DataReader socket) {
        this.socket = socket;
        this.reader = DataReader.create(this);
    }

    /** The reader the HTTP/1.1 connection reads its requests through. */
    DataReader reader() {
        return reader;
    }

    /** The next bytes from the client, or null at end of stream; called by the connection's thread only. */
    @Override
    public byte[] get() {
        lock.lock();
        try {
            // The connection reads again, so the handler is done: a hang-up now is the connection's to see.
            watch = null;
            if (reading) {
                while (!ended) {
                    readEnded.await();
                }
                reading = false;
                ended = false;
                byte[] taken = bytes;
                RuntimeException error = failure;
                bytes = null;
                failure = null;
                if (error != null) {
                    throw error;
                }
                return taken;
            }
        } catch (InterruptedException e) {
            // The server closes the connection (shutdown, idle timeout): as if its own read had been interrupted.
            Thread.currentThread().interrupt();
            throw new ServerConnectionException("interrupted while waiting for the client's next request", e);
        } finally {
            lock.unlock();
        }
        return readSocket();
    }

    /** Starts watching for the client hanging up; called by the handler, on the connection's thread. */
    HangUpWatch watch(Runnable onHangUp) {
        HangUpWatch w = new HangUpWatch(this, onHangUp);
        if (reader.available() > 0) {
            // The client has already sent more (a pipelined request): it is there, and the bytes are not ours.
            return w;
        }
        lock.lock();
        try {
            if (!reading) {
                reading = true;
                watch = w;
                Thread.ofVirtual().name("client-hang-up-watch").start(this::readInBackground);
                return w;
            }
            if (!ended) {
                watch = w;
                return w;
            }
            if (bytes != null) {
                // An earlier read brought the next request's first bytes: the client is there.
                return w;
            }
        } finally {
            lock.unlock();
        }
        // An earlier read found the client gone already.
        w.fire();
        return w;
    }

    void unwatch(HangUpWatch w) {
        lock.lock();
        try {
            if (watch == w) {
                watch = null;
            }
        } finally {
            lock.unlock();
        }
    }

    private void readInBackground() {
        byte[] read = null;
        RuntimeException error = null;
        try {
            read = readSocket();
        } catch (RuntimeException e) {
            error = e;
        } catch (Error e) {
            // Still ends the read: the connection's thread must not wait for it forever.
            error = new ServerConnectionException("reading the client's socket failed", e);
        }
        HangUpWatch gone;
        lock.lock();
        try {
            bytes = read;
            failure = error;
            ended = true;
            readEnded.signalAll();
            gone = read == null ? watch : null;
        } finally {
            lock.unlock();
        }
        if (gone != null) {
            gone.fire();
        }
    }

    /** What the socket has: bytes already buffered by the listener, or the next read; null at end of stream. */
    private byte[] readSocket() {
        if (socket.available() == 0) {
            try {
                socket.pullData();
            } catch (DataReader.InsufficientDataAvailableException e) {
                return null;
            }
        }
        return socket.readBytes(socket.available());
    }
}
