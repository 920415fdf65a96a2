package io.tokenport.cli.models;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face hub on loopback for tests: serves one file at {@code /OWNER/REPO/resolve/REV/FILE} with real
 * {@code Range} support, optionally via a redirect to a "CDN" path on another host name, and with switches for the
 * ways real servers misbehave. Every request is recorded.
 */
public final class HubServer implements AutoCloseable {
    /** What the server saw of one request. */
    public record Request(String path, String range, String authorization) {
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final String resolvePath;
    private final byte[] content;
    public final List<Request> requests = new CopyOnWriteArrayList<>();

    /** Bytes of file body sent in all answers together. */
    volatile long bytesSent;
    /** The first answer carrying file bytes breaks off after this absolute offset; -1: never. */
    volatile long dropAt = -1;
    /** Every answer breaks off after sending this many file bytes; -1: never. */
    volatile long dropEachAfter = -1;
    /** The first answer carrying file bytes stops sending (keeping the connection open) after this offset. */
    volatile long stallAt = -1;
    private final CountDownLatch release = new CountDownLatch(1);
    /** Answer 200 with the whole file even to a Range request. */
    volatile boolean ignoreRange;
    /** Answer with this status (e.g. 404) and no file. */
    volatile int failWith;
    /** Sent as X-Error-Code with {@link #failWith}. */
    volatile String errorCode;
    /** Redirect the resolve URL to /cdn/ on "localhost" (the hub itself is addressed as 127.0.0.1). */
    volatile boolean redirectToCdn;
    /** Announced as X-Linked-Etag, as the hub does for LFS files; null: not sent. */
    volatile String linkedEtag;

    public HubServer(String owner, String repo, String revision, String file, byte[] content) throws IOException {
        this.resolvePath = "/" + owner + "/" + repo + "/resolve/" + revision + "/" + file;
        this.content = content;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor()); // a stalled answer must not block others
        server.start();
    }

    /** The value for HF_ENDPOINT. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            requests.add(new Request(path, exchange.getRequestHeaders().getFirst("Range"),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            if (failWith != 0) {
                if (errorCode != null) {
                    exchange.getResponseHeaders().add("X-Error-Code", errorCode);
                }
                exchange.sendResponseHeaders(failWith, -1);
                return;
            }
            if (linkedEtag != null && path.equals(resolvePath)) {
                exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + linkedEtag + "\"");
            }
            if (path.equals(resolvePath) && redirectToCdn) {
                exchange.getResponseHeaders().add("Location",
                        "http://localhost:" + server.getAddress().getPort() + "/cdn/blob");
                exchange.sendResponseHeaders(302, -1);
            } else if (path.equals(resolvePath) || path.equals("/cdn/blob") && redirectToCdn) {
                serveFile(exchange);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private void serveFile(HttpExchange exchange) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        long from = 0;
        Matcher m = range == null || ignoreRange ? null : RANGE.matcher(range);
        if (m != null && m.matches()) {
            from = Long.parseLong(m.group(1));
            if (from >= content.length) {
                exchange.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Range",
                    "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
            exchange.sendResponseHeaders(206, content.length - from);
        } else {
            exchange.sendResponseHeaders(200, content.length);
        }
        long end = content.length;
        long drop = dropAt;
        long stall = stallAt;
        if (drop > from && drop < end) {
            dropAt = -1;
            end = drop;
        } else if (stall > from && stall < end) {
            stallAt = -1;
            end = stall;
        }
        if (dropEachAfter >= 0) {
            end = Math.min(end, from + dropEachAfter);
        }
        OutputStream body = exchange.getResponseBody();
        for (long at = from; at < end; ) {
            int n = (int) Math.min(64 * 1024, end - at);
            body.write(content, (int) at, n);
            at += n;
            bytesSent += n;
        }
        body.flush();
        if (end == stall) {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Closing a fixed-length body short of its length makes the server drop the connection.
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
    }
}
