package io.tokenport.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay on loopback, in this JVM (no namespaces, no root): it delays, and it changes nothing else.
 */
class DelayRelayTest {
    private static final Duration DELAY = Duration.ofMillis(16);

    private ServerSocket echo;
    private DelayRelay relay;

    @BeforeEach
    void startEchoBehindRelay() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket connection = echo.accept();
                    Thread.ofVirtual().start(() -> echoUntilEndOfStream(connection));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        relay = DelayRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()), DELAY);
    }

    @AfterEach
    void stop() throws IOException {
        relay.close();
        echo.close();
    }

    @Test
    void everyRoundTripTakesAtLeastTheDelayEachWay() throws IOException {
        try (Socket socket = connect()) {
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                socket.getOutputStream().write(i);
                assertThat(socket.getInputStream().read()).isEqualTo(i);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(DELAY.multipliedBy(2));
            }
        }
    }

    @Test
    void bytesArriveIntactAndInOrderWhateverTheWriteSizes() throws Exception {
        var random = new Random(20261128);
        for (int trial = 0; trial < 5; trial++) {
            var data = new byte[1 + random.nextInt(3 << 20)];
            random.nextBytes(data);
            long seed = random.nextLong();
            try (Socket socket = connect()) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeInRandomPieces(socket, data, new Random(seed)),
                        Thread::startVirtualThread);
                byte[] back = socket.getInputStream().readNBytes(data.length);
                writer.join();
                assertThat(back).as("trial %d, %d bytes", trial, data.length).isEqualTo(data);
            }
        }
    }

    @Test
    void aHalfCloseReachesTheOtherSideAndItsAnswerComesBack() throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write("last words".getBytes());
            socket.shutdownOutput();
            // The echo server answers until it sees our end of stream, then closes: both must cross the relay.
            assertThat(new String(socket.getInputStream().readAllBytes())).isEqualTo("last words");
        }
    }

    @Test
    void aConnectionToAnUnreachableTargetIsClosed() throws IOException {
        int nothingListens;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingListens = probe.getLocalPort();
        }
        try (var deadEnd = DelayRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), nothingListens), DELAY);
             var socket = new Socket(InetAddress.getLoopbackAddress(), deadEnd.port())) {
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    private Socket connect() throws IOException {
        var socket = new Socket(InetAddress.getLoopbackAddress(), relay.port());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static void writeInRandomPieces(Socket socket, byte[] data, Random random) {
        try {
            OutputStream out = socket.getOutputStream();
            for (int at = 0; at < data.length; ) {
                int n = Math.min(data.length - at, 1 + random.nextInt(random.nextBoolean() ? 100 : 200_000));
                out.write(data, at, n);
                at += n;
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static void echoUntilEndOfStream(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            in.transferTo(out);
        } catch (IOException ignored) {
            // The test closed its side; nothing to echo any more.
        }
    }
}
