package io.tokenport.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * The cross-border cable for kernels without netem: a plain TCP relay that delays every byte by a fixed one-way
 * delay in each direction, without limiting throughput or reordering anything. The link's mutual TLS passes
 * through untouched.
 *
 * <p>Design: each direction of a connection is a reader and a writer (virtual threads) around a FIFO queue. The
 * reader stamps each chunk with its arrival time and queues it at once, so the sender is never slowed by the
 * delay; the writer sleeps until arrival + delay and writes the chunk. Many chunks are in flight at once, so
 * throughput is that of the sockets, up to {@value #MAX_BUFFERED_BYTES} bytes per delay per direction (beyond
 * that the reader waits, which is TCP back-pressure, not loss). End of stream is a chunk too: a half-close
 * reaches the other side after the same delay. Both sockets have TCP_NODELAY, so small writes are not held.
 *
 * <p>Only data is delayed: the relay accepts and dials without delay, so a TCP handshake costs no cable time,
 * while every request and answer (and every TLS handshake flight) costs the delay each way.
 *
 * <p>Run as a main: {@code DelayRelay --listen ADDR:PORT --target ADDR:PORT [--delay-ms 16]}.
 */
public final class DelayRelay implements AutoCloseable {
    /** The default one-way delay: half of the ~33 ms round trip to Singapore. */
    public static final Duration DEFAULT_DELAY = Duration.ofMillis(16);
    static final int MAX_BUFFERED_BYTES = 64 << 20;
    private static final int CHUNK = 64 << 10;
    private static final int DIAL_TIMEOUT_MS = 5_000;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private DelayRelay(ServerSocket listener, InetSocketAddress target, Duration delay) {
        this.listener = listener;
        this.target = target;
        this.delayNanos = delay.toNanos();
    }

    /** Listens on {@code listen} (port 0 picks one) and relays each connection to {@code target}. */
    public static DelayRelay start(InetSocketAddress listen, InetSocketAddress target, Duration oneWayDelay) throws IOException {
        if (oneWayDelay.isNegative()) {
            throw new IllegalArgumentException("the one-way delay cannot be negative: " + oneWayDelay);
        }
        var listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(listen);
        var relay = new DelayRelay(listener, target, oneWayDelay);
        Thread.ofPlatform().daemon().name("relay-accept-" + listener.getLocalPort()).start(relay::acceptLoop);
        return relay;
    }

    /** The port it listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Stops listening and cuts every relayed connection. */
    @Override
    public void close() {
        closeQuietly(listener);
        open.forEach(DelayRelay::closeQuietly);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket inbound = listener.accept();
                Thread.startVirtualThread(() -> relay(inbound));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("relay: accept failed: " + e.getMessage());
                }
            }
        }
    }

    private void relay(Socket inbound) {
        open.add(inbound);
        var outbound = new Socket();
        open.add(outbound);
        try {
            inbound.setTcpNoDelay(true);
            outbound.setTcpNoDelay(true);
            outbound.connect(target, DIAL_TIMEOUT_MS);
        } catch (IOException e) {
            System.err.println("relay: cannot reach " + target + ": " + e.getMessage() + "; closing the accepted connection");
            closeBoth(inbound, outbound);
            return;
        }
        var forward = new Direction(inbound, outbound);
        var backward = new Direction(outbound, inbound);
        forward.start();
        backward.start();
        forward.awaitEnd();
        backward.awaitEnd();
        closeBoth(inbound, outbound);
    }

    private void closeBoth(Socket a, Socket b) {
        closeQuietly(a);
        closeQuietly(b);
        open.remove(a);
        open.remove(b);
    }

    /** A chunk of bytes and when it may leave; {@code length < 0} marks the end of the stream. */
    private record Chunk(byte[] bytes, int length, long dueNanos) {
        boolean endOfStream() {
            return length < 0;
        }
    }

    /** One direction of one connection: bytes read from {@code from} are written to {@code to} after the delay. */
    private final class Direction {
        private final Socket from;
        private final Socket to;
        private final LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        private final Semaphore buffered = new Semaphore(MAX_BUFFERED_BYTES);
        private Thread reader;
        private Thread writer;

        Direction(Socket from, Socket to) {
            this.from = from;
            this.to = to;
        }

        void start() {
            reader = Thread.startVirtualThread(this::read);
            writer = Thread.startVirtualThread(this::write);
        }

        void awaitEnd() {
            try {
                writer.join();
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void read() {
            try {
                InputStream in = from.getInputStream();
                var buffer = new byte[CHUNK];
                while (true) {
                    int n = in.read(buffer);
                    long due = System.nanoTime() + delayNanos;
                    if (n < 0) {
                        queue.put(new Chunk(null, -1, due));
                        return;
                    }
                    buffered.acquire(n);
                    queue.put(new Chunk(Arrays.copyOf(buffer, n), n, due));
                }
            } catch (IOException | InterruptedException e) {
                // A reset or a closed socket: end this direction now, and cut the connection both ways.
                queue.add(new Chunk(null, -1, System.nanoTime()));
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private void write() {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    }
                    if (chunk.endOfStream()) {
                        if (!to.isClosed()) {
                            to.shutdownOutput();
                        }
                        return;
                    }
                    out.write(chunk.bytes(), 0, chunk.length());
                    buffered.release(chunk.length());
                }
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing to cut a connection: nothing more to do.
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        InetSocketAddress listen = null;
        InetSocketAddress target = null;
        Duration delay = DEFAULT_DELAY;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--listen" -> listen = parseAddress("--listen", value);
                case "--target" -> target = parseAddress("--target", value);
                case "--delay-ms" -> delay = Duration.ofMillis(parseDelay(value));
                default -> usage("unknown argument: " + args[i]);
            }
            i++;
        }
        if (listen == null || target == null) {
            usage("--listen and --target are required");
        }
        DelayRelay relay = start(listen, target, delay);
        Runtime.getRuntime().addShutdownHook(new Thread(relay::close));
        System.out.println("DelayRelay listening on " + listen.getHostString() + ":" + relay.port() + ", relaying to "
                + target.getHostString() + ":" + target.getPort() + " with " + delay.toMillis() + " ms each way");
        Thread.currentThread().join();
    }

    private static InetSocketAddress parseAddress(String flag, String value) {
        if (value == null || value.lastIndexOf(':') <= 0) {
            usage(flag + " takes ADDRESS:PORT, got: " + value);
        }
        int colon = value.lastIndexOf(':');
        try {
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 0 || port > 65535) {
                usage(flag + ": port out of range: " + port);
            }
            return new InetSocketAddress(value.substring(0, colon), port);
        } catch (NumberFormatException e) {
            usage(flag + " takes ADDRESS:PORT, the port is not a number: " + value);
            throw e;
        }
    }

    private static long parseDelay(String value) {
        try {
            long millis = Long.parseLong(value);
            if (millis < 0) {
                usage("--delay-ms cannot be negative: " + value);
            }
            return millis;
        } catch (NumberFormatException e) {
            usage("--delay-ms takes whole milliseconds, got: " + value);
            throw e;
        }
    }

    private static void usage(String problem) {
        System.err.println("DelayRelay: " + problem);
        System.err.println("usage: DelayRelay --listen ADDRESS:PORT --target ADDRESS:PORT [--delay-ms 16]");
        System.exit(2);
    }
}
