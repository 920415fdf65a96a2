package io.tokenport.zone.ingress;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServerConfig;
import io.tokenport.http.ClientHangUp;
import io.tokenport.link.attestation.AttestationVerifier;
import io.tokenport.link.tls.LinkTls;
import io.tokenport.zone.api.OpenAiApi;
import io.tokenport.zone.operations.ZoneMetrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.List;

/**
 * Adds the link listener to a zone's web server: mutual TLS 1.3 with client certificates required and chained
 * to the link CA (the handshake refuses anything else), HTTP/2 by ALPN for the edges' pooled connections, the
 * {@link IngressGuard} in front of every route, then the same OpenAI routes as the zone's own API listener.
 */
public final class LinkIngress {
    /**
     * Remembered nonces at most: about 200 bytes each, so the replay cache stays under 100 MB; enough for 8,000
     * requests a second over the 60 s a nonce is kept with the default skew. Beyond it, see {@code NonceWindow}.
     */
    private static final int NONCE_CAPACITY = 500_000;

    private LinkIngress() {
    }

    /**
     * Adds socket {@code name} as {@code link} says to {@code server}; refusals are counted, told to the link's own
     * recorder, and recorded durably by {@code evidence}, whose receipt goes with the refusal.
     *
     * @throws UncheckedIOException if the certificate, key or CA file cannot be read or do not belong together
     */
    public static void addSocket(WebServerConfig.Builder server, String name, LinkListener link, OpenAiApi api,
                                 ZoneMetrics metrics, InstantSource clock, IngressRecorder evidence) {
        Tls tls;
        try {
            tls = Tls.builder()
                    .sslContext(LinkTls.serverContext(link.certificate(), link.key(), link.authority()))
                    .clientAuth(TlsClientAuth.REQUIRED)
                    .enabledProtocols(List.of(LinkTls.PROTOCOL))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the link listener: " + e.getMessage(), e);
        }
        AttestationVerifier verifier = new AttestationVerifier(clock, link.skew(), link.jurisdictions(),
                link.registeredEdges(), NONCE_CAPACITY);
        IngressRecorder recorder = refusal -> {
            metrics.ingressRefused(refusal.reason().code());
            link.recorder().refused(refusal);
            return evidence.refused(refusal);
        };
        IngressGuard guard = new IngressGuard(verifier, recorder, clock);
        // TCP_NODELAY: an HTTP/2 HEADERS frame and the first DATA frame go out as separate writes; with Nagle's
        // algorithm the second waits for the edge's delayed ACK (40 ms on Linux) before the first token leaves.
        server.putSocket(name, socket -> {
            socket.host(link.host()).port(link.port()).tls(tls)
                    .connectionOptions(options -> options.tcpNoDelay(true))
                    .routing(routing -> {
                        routing.addFilter(guard);
                        routing.post(IngressGuard.CANCEL_PREFIX + "{nonce}", (req, res) -> {
                            String edge = req.context().get(IngressGuard.EdgeIdentity.class,
                                    IngressGuard.EdgeIdentity.class).map(IngressGuard.EdgeIdentity::edgeId).orElse("");
                            boolean cancelled = api.activeStreams().cancel(req.path().pathParameters().get("nonce"),
                                    edge);
                            res.status(cancelled ? io.helidon.http.Status.NO_CONTENT_204
                                    : io.helidon.http.Status.NOT_FOUND_404).send();
                        });
                        api.register(routing);
                    });
            // Over HTTP/1.1 (an edge with --link-http1) a link connection that closes, such as an edge that went away,
            // stops its request at once; over HTTP/2 the edge cancels requests itself (CANCEL_PREFIX).
            ClientHangUp.detectOn(socket);
        });
    }
}
