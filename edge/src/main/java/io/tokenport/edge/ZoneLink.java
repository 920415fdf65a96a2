package io.tokenport.edge;

import io.tokenport.link.attestation.AttestationSigner;
import io.tokenport.link.pki.Pem;
import io.tokenport.link.tls.LinkTls;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The edge's end of the link: one JDK {@link HttpClient} for the edge's whole life, speaking HTTP/2 over mutual
 * TLS 1.3 to the zone, so every client request is one more stream on a connection that is already open (over
 * HTTP/1.1, if so configured, the client keeps a pool of connections instead).
 *
 * <p>Why one client: the JDK client keeps its HTTP/2 connection per origin and multiplexes requests on it; a
 * second client would mean a second handshake (two round trips over a ~33 ms cable). The connection is opened at
 * start by {@link #warmUp()} and kept open by a ping every {@code keepWarm} of idleness, so no user request pays
 * for a handshake. The ping ({@code GET /link/ping}) carries no client request and needs no attestation: the TLS
 * client certificate already says which edge sent it.
 */
final class ZoneLink implements AutoCloseable {
    static final String PING_PATH = "/link/ping";
    private static final System.Logger LOG = System.getLogger(ZoneLink.class.getName());

    private final URI zone;
    private final HttpClient client;
    private final AttestationSigner signer;
    private final ScheduledExecutorService keeper;
    private final Duration keepWarm;
    private final AtomicLong lastUsedNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong pings = new AtomicLong();

    ZoneLink(EdgeConfig config) throws IOException {
        this.zone = config.zone();
        this.keepWarm = config.keepWarm();
        this.client = HttpClient.newBuilder()
                .version(config.linkVersion())
                .sslContext(LinkTls.clientContext(config.linkCertificate(), config.linkKey(), config.linkAuthority()))
                .sslParameters(LinkTls.clientParameters())
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.signer = new AttestationSigner(config.edgeId(), Pem.readPrivateKey(config.linkKey()), config.clock(),
                new SecureRandom());
        this.keeper = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("link-keep-warm")
                .factory());
    }

    /**
     * Opens the connection now (handshake included) and starts keeping it warm.
     *
     * @throws IOException if the zone cannot be reached or refuses this edge, with the reason
     */
    void warmUp() throws IOException {
        try {
            ping();
        } catch (IOException e) {
            throw new IOException("cannot open the link to the zone at " + zone + ": " + describe(e), e);
        }
        long period = keepWarm.toMillis();
        keeper.scheduleWithFixedDelay(this::pingIfIdle, period, period, TimeUnit.MILLISECONDS);
    }

    private void pingIfIdle() {
        if (System.nanoTime() - lastUsedNanos.get() < keepWarm.toNanos()) {
            return;
        }
        try {
            ping();
        } catch (IOException e) {
            // The next request will reconnect; say so once per failed ping, without request content.
            LOG.log(System.Logger.Level.WARNING, "link ping to " + zone + " failed: " + e.getMessage());
        }
    }

    private static final String CANCEL_PATH = "/link/cancel/";

    private void ping() throws IOException {
        HttpResponse<Void> response = send(HttpRequest.newBuilder(zone.resolve(PING_PATH)).GET()
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
        pings.incrementAndGet();
        if (response.statusCode() != 204) {
            throw new IOException("the zone at " + zone + " answered the link ping with HTTP " + response.statusCode()
                    + "; is that the zone's link listener?");
        }
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

    /** Link pings sent so far. */
    long pings() {
        return pings.get();
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
     */
    void cancel(String nonceHex) {
        client.sendAsync(HttpRequest.newBuilder(zone.resolve(CANCEL_PATH + nonceHex))
                        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /** Sends {@code request}; the response body arrives as it is produced. */
    HttpResponse<InputStream> forward(HttpRequest request) throws IOException {
        return send(request, HttpResponse.BodyHandlers.ofInputStream());
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        lastUsedNanos.set(System.nanoTime());
        try {
            return client.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the zone", e);
        }
    }

    @Override
    public void close() {
        keeper.shutdownNow();
        client.close();
    }
}
