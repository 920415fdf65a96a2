package io.tokenport.edge;

import io.tokenport.link.attestation.AttestationSigner;
import io.tokenport.link.pki.Pem;
import io.tokenport.link.tls.LinkTls;

import javax.net.ssl.SSLContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The edge's end of the link: a small pool of connections to the zone (two by default), each opened once at start
 * and kept open for the edge's whole life, speaking HTTP/2 over mutual TLS 1.3, so that every client request is
 * one more stream on a connection that is already open (over HTTP/1.1, if so configured, each connection of the
 * pool grows into a few as requests overlap).
 *
 * <p>Why a pool rather than one multiplexed connection: HTTP/2 puts all its streams on one TCP connection, and TCP
 * delivers in order, so one segment lost on a lossy cross-border cable holds back every stream behind it until it
 * is resent, a round trip or more later. Spread over several connections, a loss stalls only the streams of its
 * own. Each connection costs one handshake (two round trips over a ~33 ms cable) when the edge starts, never one
 * per request.
 *
 * <p>Why one JDK {@link HttpClient} per connection: the client keeps a single HTTP/2 connection per origin and
 * multiplexes all its requests on it, so N clients with the same TLS context are N connections. A request goes on
 * the connection with the fewest requests in flight (ties in turn), counted from its send until its answer's body
 * is read to the end or closed, or the send fails. The counts are read without a lock: two requests choosing at
 * the same moment may pick the same connection, which only makes the spread a little less even.
 *
 * <p>{@link #warmUp()} opens every connection at once, and each is pinged once it has had nothing in flight for
 * {@code keepWarm}, so no user request pays for a handshake. The ping ({@code GET /link/ping}) carries no client
 * request and needs no attestation: the TLS client certificate already says which edge sent it.
 */
final class ZoneLink implements AutoCloseable {
    static final String PING_PATH = "/link/ping";
    private static final String CANCEL_PATH = "/link/cancel/";
    private static final System.Logger LOG = System.getLogger(ZoneLink.class.getName());

    private final URI zone;
    private final Connection[] connections;
    private final AtomicInteger turn = new AtomicInteger();
    private final HttpRequest pingRequest;
    private final AttestationSigner signer;
    private final ScheduledExecutorService keeper;
    private final Duration keepWarm;
    private final AtomicLong pings = new AtomicLong();

    ZoneLink(EdgeConfig config) throws IOException {
        this.zone = config.zone();
        this.keepWarm = config.keepWarm();
        this.pingRequest = HttpRequest.newBuilder(zone.resolve(PING_PATH)).GET().timeout(Duration.ofSeconds(10))
                .build();
        this.signer = new AttestationSigner(config.edgeId(), Pem.readPrivateKey(config.linkKey()), config.clock(),
                new SecureRandom());
        // One TLS context for all the connections: the same certificate, the same trust, one session cache.
        SSLContext tls = LinkTls.clientContext(config.linkCertificate(), config.linkKey(), config.linkAuthority());
        this.connections = new Connection[config.linkConnections()];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new Connection(i + 1, HttpClient.newBuilder()
                    .version(config.linkVersion())
                    .sslContext(tls)
                    .sslParameters(LinkTls.clientParameters())
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build());
        }
        this.keeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("link-keep-warm")
                .factory());
    }

    /**
     * Opens every connection now (handshakes included, all at once) and starts keeping them warm.
     *
     * @throws IOException if the zone cannot be reached or refuses this edge on any connection, with the reason
     */
    void warmUp() throws IOException {
        List<CompletableFuture<Void>> opening = new ArrayList<>(connections.length);
        for (Connection connection : connections) {
            opening.add(ping(connection));
        }
        // Every attempt ends (each has its timeouts) before the first failure is told, so none is left running.
        IOException failure = null;
        for (int i = 0; i < connections.length; i++) {
            try {
                opening.get(i).join();
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = new IOException("cannot open the link to the zone at " + zone + " (connection "
                            + connections[i].number + " of " + connections.length + "): " + describe(e.getCause()),
                            e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        long period = keepWarm.toMillis();
        keeper.scheduleWithFixedDelay(this::pingIdleConnections, period, period, TimeUnit.MILLISECONDS);
    }

    private void pingIdleConnections() {
        long now = System.nanoTime();
        for (Connection connection : connections) {
            if (connection.idleFor(keepWarm.toNanos(), now)) {
                ping(connection).whenComplete((ok, e) -> {
                    if (e != null) {
                        // The next request will reconnect; say so once per failed ping, without request content.
                        LOG.log(System.Logger.Level.WARNING, "link ping to " + zone + " on connection "
                                + connection.number + " failed: " + describe(e));
                    }
                });
            }
        }
    }

    /** A ping counts as a request in flight on its connection, so an unanswered one is not followed by another. */
    private CompletableFuture<Void> ping(Connection connection) {
        Lease lease = connection.lease();
        return connection.client.sendAsync(pingRequest, HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, e) -> lease.release())
                .thenAccept(response -> {
                    pings.incrementAndGet();
                    if (response.statusCode() != 204) {
                        throw new CompletionException(new IOException("the zone at " + zone + " answered the link "
                                + "ping with HTTP " + response.statusCode() + "; is that the zone's link listener?"));
                    }
                });
    }

    /** The most telling message in {@code e}'s causes (the JDK client often wraps a handshake failure). */
    static String describe(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return message != null ? message : e.getClass().getSimpleName();
    }

    /** Link pings sent and answered so far, on all connections. */
    long pings() {
        return pings.get();
    }

    /** Requests (pings included) in flight on all connections: sent, and their answers not yet read or closed. */
    int requestsInFlight() {
        int total = 0;
        for (Connection connection : connections) {
            total += connection.inFlight.get();
        }
        return total;
    }

    /** The attestation of a request from {@code clientAddress} in {@code jurisdiction} with this body. */
    AttestationSigner.Signed attest(String clientAddress, String jurisdiction, byte[] body) {
        return signer.attestBody(clientAddress, jurisdiction, body);
    }

    /** The zone URI for a client's path and raw query. */
    URI target(String rawPath, String rawQuery) {
        return URI.create(zone.getScheme() + "://" + zone.getRawAuthority() + rawPath
                + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
    }

    /**
     * Asks the zone to stop the request attested with {@code nonceHex} (its client hung up), without waiting for
     * the answer: the relay's thread is free at once, and a request that already ended makes it a harmless 404.
     * Any connection will do: the zone finds the request by its nonce.
     */
    void cancel(String nonceHex) {
        leastBusy().client.sendAsync(HttpRequest.newBuilder(zone.resolve(CANCEL_PATH + nonceHex))
                        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /**
     * Sends {@code request} on the least busy connection; the response body arrives as it is produced. The caller
     * must read the body to its end or close it: until then the request counts as in flight on its connection.
     */
    HttpResponse<InputStream> forward(HttpRequest request) throws IOException {
        Lease lease = leastBusy().lease();
        boolean answered = false;
        try {
            HttpResponse<InputStream> answer = lease.connection.client.send(request, info ->
                    HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(),
                            body -> new LeasedBody(body, lease)));
            answered = true;
            return answer;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the zone", e);
        } finally {
            if (!answered) {
                lease.release();
            }
        }
    }

    /** The connection with the fewest requests in flight; among equals, the next in turn. */
    private Connection leastBusy() {
        int start = Math.floorMod(turn.getAndIncrement(), connections.length);
        Connection best = connections[start];
        int fewest = best.inFlight.get();
        for (int i = 1; i < connections.length && fewest > 0; i++) {
            Connection candidate = connections[(start + i) % connections.length];
            int inFlight = candidate.inFlight.get();
            if (inFlight < fewest) {
                best = candidate;
                fewest = inFlight;
            }
        }
        return best;
    }

    @Override
    public void close() {
        keeper.shutdownNow();
        for (Connection connection : connections) {
            connection.client.close();
        }
    }

    /** One connection of the link: a client of its own (so a TCP connection of its own), its load, its last use. */
    private static final class Connection {
        final int number;
        final HttpClient client;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong lastUsedNanos = new AtomicLong(System.nanoTime());

        Connection(int number, HttpClient client) {
            this.number = number;
            this.client = client;
        }

        Lease lease() {
            inFlight.incrementAndGet();
            lastUsedNanos.set(System.nanoTime());
            return new Lease(this);
        }

        boolean idleFor(long nanos, long now) {
            return inFlight.get() == 0 && now - lastUsedNanos.get() >= nanos;
        }
    }

    /** One request's place on its connection, given back exactly once however the request ends. */
    private static final class Lease {
        final Connection connection;
        private final AtomicBoolean released = new AtomicBoolean();

        Lease(Connection connection) {
            this.connection = connection;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                connection.lastUsedNanos.set(System.nanoTime());
                connection.inFlight.decrementAndGet();
            }
        }
    }

    /** An answer's body that gives its request's lease back at its end or when closed, whichever comes first. */
    private static final class LeasedBody extends FilterInputStream {
        private final Lease lease;

        LeasedBody(InputStream body, Lease lease) {
            super(body);
            this.lease = lease;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                lease.release();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                lease.release();
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                lease.release();
            }
        }
    }
}
