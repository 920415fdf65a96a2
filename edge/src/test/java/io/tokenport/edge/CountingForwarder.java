package io.tokenport.edge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on loopback in front of the zone's link listener that counts what it carries: each connection
 * it accepts, and the bytes each one carries either way. The link's TLS passes through it untouched, as through a
 * relay on the cable, so an edge dialling it can have its connections to the zone counted from outside. Each
 * accepted connection is piped to its own connection to the zone by two virtual threads.
 */
final class CountingForwarder implements AutoCloseable {
    /** One forwarded connection: bytes from the edge to the zone, and back. */
    record Forwarded(AtomicLong toZone, AtomicLong fromZone) {
    }

    private final ServerSocket listener;
    private final InetSocketAddress zone;
    private final List<Forwarded> forwarded = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** Listens on 127.0.0.1, any port, and forwards to the zone's link listener on 127.0.0.1:{@code zonePort}. */
    CountingForwarder(int zonePort) throws IOException {
        InetAddress loopback = InetAddress.ofLiteral("127.0.0.1");
        this.zone = new InetSocketAddress(loopback, zonePort);
        this.listener = new ServerSocket(0, 50, loopback);
        Thread.ofVirtual().name("forwarder-accept").start(this::acceptAll);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return forwarded.size();
    }

    /** Bytes each connection has carried from the zone to the edge so far, in the order they were accepted. */
    List<Long> bytesFromZone() {
        List<Long> bytes = new ArrayList<>();
        for (Forwarded f : forwarded) {
            bytes.add(f.fromZone().get());
        }
        return bytes;
    }

    /** Bytes each connection has carried from the edge to the zone so far, in the order they were accepted. */
    List<Long> bytesToZone() {
        List<Long> bytes = new ArrayList<>();
        for (Forwarded f : forwarded) {
            bytes.add(f.toZone().get());
        }
        return bytes;
    }

    private void acceptAll() {
        while (true) {
            Socket edgeSide;
            try {
                edgeSide = listener.accept();
            } catch (IOException closed) {
                return;
            }
            Forwarded counts = new Forwarded(new AtomicLong(), new AtomicLong());
            forwarded.add(counts);
            sockets.add(edgeSide);
            Socket zoneSide = new Socket();
            sockets.add(zoneSide);
            try {
                edgeSide.setTcpNoDelay(true);
                zoneSide.setTcpNoDelay(true);
                zoneSide.connect(zone, 10_000);
            } catch (IOException e) {
                closeQuietly(edgeSide, zoneSide);
                continue;
            }
            Thread.ofVirtual().name("forwarder-to-zone").start(() -> pipe(edgeSide, zoneSide, counts.toZone()));
            Thread.ofVirtual().name("forwarder-from-zone").start(() -> pipe(zoneSide, edgeSide, counts.fromZone()));
        }
    }

    /** Copies until either side ends, then closes both: the other direction's thread ends with them. */
    private static void pipe(Socket from, Socket to, AtomicLong count) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                count.addAndGet(n);
            }
        } catch (IOException ended) {
            // One side closed or reset: the connection is over either way.
        } finally {
            closeQuietly(from, to);
        }
    }

    private static void closeQuietly(Socket... these) {
        for (Socket socket : these) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all that is asked.
            }
        }
    }

    /** Stops accepting and cuts every forwarded connection, as a cable that goes down. */
    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // Closing is all that is asked.
        }
        closeQuietly(sockets.toArray(Socket[]::new));
    }
}
