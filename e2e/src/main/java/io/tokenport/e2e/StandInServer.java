package io.tokenport.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A plain HTTP server standing in for a TokenPort role while the harness itself is tested (it tests the network,
 * not TokenPort). Endpoints: {@code GET /hello} answers {@code hello from NAME}; {@code GET /ping} answers
 * {@code pong}; {@code GET /bytes?n=N} streams N bytes of {@link #patternByte}, so a client can check that nothing
 * was lost, duplicated or reordered on the way.
 *
 * <p>Run as a main: {@code StandInServer --bind ADDRESS:PORT --name NAME}.
 */
public final class StandInServer {
    private StandInServer() {
    }

    /** Byte {@code i} of every {@code /bytes} answer: a period of 251 (a prime) never lines up with buffer sizes. */
    public static byte patternByte(long i) {
        return (byte) (i % 251);
    }

    public static void main(String[] args) throws IOException {
        String bind = null;
        String name = "stand-in";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bind" -> bind = args[i + 1];
                case "--name" -> name = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (bind == null || bind.lastIndexOf(':') <= 0) {
            System.err.println("usage: StandInServer --bind ADDRESS:PORT [--name NAME]");
            System.exit(2);
        }
        int colon = bind.lastIndexOf(':');
        var server = HttpServer.create(new InetSocketAddress(bind.substring(0, colon), Integer.parseInt(bind.substring(colon + 1))), 64);
        String greeting = "hello from " + name + "\n";
        server.createContext("/hello", exchange -> answer(exchange, greeting.getBytes(StandardCharsets.UTF_8)));
        server.createContext("/ping", exchange -> answer(exchange, "pong".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/bytes", StandInServer::bytes);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        System.out.println("StandInServer " + name + " listening on " + bind);
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void bytes(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        long n;
        try {
            n = query != null && query.startsWith("n=") ? Long.parseLong(query.substring(2)) : -1;
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            answer400(exchange, "GET /bytes?n=COUNT with a non-negative COUNT\n");
            return;
        }
        exchange.sendResponseHeaders(200, n == 0 ? -1 : n);
        try (OutputStream out = exchange.getResponseBody()) {
            var buffer = new byte[64 << 10];
            for (long sent = 0; sent < n; ) {
                int len = (int) Math.min(buffer.length, n - sent);
                for (int j = 0; j < len; j++) {
                    buffer[j] = patternByte(sent + j);
                }
                out.write(buffer, 0, len);
                sent += len;
            }
        }
    }

    private static void answer400(HttpExchange exchange, String message) throws IOException {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(400, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
