package io.tokenport.edge;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tokenport.http.ClientHangUp;
import io.tokenport.http.HangUpWatch;
import io.tokenport.link.attestation.AttestationSigner;
import io.tokenport.link.attestation.OriginAttestation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Relays one client request to the zone and its answer back: the body is read whole (it must be hashed into the
 * attestation before the request leaves), the answer is streamed. A server-sent event stream is passed on chunk
 * by chunk, each chunk flushed as soon as it arrives, with one reused buffer: the edge adds no waiting of its own
 * between a token leaving the zone and reaching the client.
 *
 * <p>Nothing of a request or response body is logged, nor the Authorization header. A client that hangs up
 * before its answer is complete has its request cancelled in the zone, named by the nonce of the attestation the
 * edge signed for it ({@code POST /link/cancel/{nonce}}); over HTTP/1.1 the edge notices at once
 * ({@link ClientHangUp}), even while the zone is still producing a whole, non-streamed answer.
 */
final class RequestRelay {
    private static final System.Logger LOG = System.getLogger(RequestRelay.class.getName());

    private final ZoneLink link;
    private final String jurisdiction;
    private final long maxBodyBytes;

    RequestRelay(ZoneLink link, String jurisdiction, long maxBodyBytes) {
        this.link = link;
        this.jurisdiction = jurisdiction;
        this.maxBodyBytes = maxBodyBytes;
    }

    void handle(ServerRequest req, ServerResponse res) {
        byte[] body;
        try {
            body = readBody(req);
        } catch (BodyTooLarge e) {
            EdgeErrors.send(res, 413, "invalid_request_error", "request_too_large",
                    "The request body is larger than the limit of " + maxBodyBytes + " bytes.");
            return;
        } catch (IOException | UncheckedIOException e) {
            EdgeErrors.send(res, 400, "invalid_request_error", null,
                    "the request body could not be read: " + e.getMessage());
            return;
        }
        HttpRequest.Builder forward = HttpRequest.newBuilder(link.target(req.path().rawPath(),
                req.query().rawValue()));
        Set<String> connectionOptions = HopByHop.connectionOptions(req.headers().all(HeaderNames.CONNECTION,
                List::of));
        for (Header header : req.headers()) {
            if (HopByHop.relayed(header.name(), connectionOptions)) {
                for (String value : header.allValues()) {
                    forward.header(header.name(), value);
                }
            }
        }
        AttestationSigner.Signed attestation = link.attest(clientAddress(req.remotePeer().address()), jurisdiction,
                body);
        forward.header(OriginAttestation.HEADER, attestation.header());
        String method = req.prologue().method().text();
        forward.method(method, body.length == 0 && !method.equals("POST") && !method.equals("PUT")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));

        // A client that hangs up before its answer is complete (over HTTP/1.1: noticed at once, even while the zone
        // is still producing a whole answer) stops the zone's work on it.
        try (HangUpWatch watch = ClientHangUp.watch(() -> link.cancel(attestation.nonceHex()))) {
            HttpResponse<InputStream> answer;
            try {
                answer = link.forward(forward.build());
            } catch (IOException e) {
                if (watch.hungUp()) {
                    // The zone, told to stop, reset the stream: there is nobody to answer.
                    throw new CloseConnectionException("the client hung up", e);
                }
                LOG.log(System.Logger.Level.WARNING, "zone unreachable for " + method + " " + req.path().path()
                        + ": " + e.getMessage());
                EdgeErrors.send(res, 502, "server_error", "zone_unreachable",
                        "The edge could not reach the zone; retry shortly.");
                return;
            }
            relay(answer, res, attestation.nonceHex(), watch);
        }
    }

    private void relay(HttpResponse<InputStream> answer, ServerResponse res, String nonceHex, HangUpWatch watch) {
        res.status(Status.create(answer.statusCode()));
        Set<String> connectionOptions = HopByHop.connectionOptions(answer.headers().allValues("connection"));
        for (Map.Entry<String, List<String>> header : answer.headers().map().entrySet()) {
            if (HopByHop.relayed(header.getKey(), connectionOptions)) {
                res.header(HeaderNames.create(header.getKey()), header.getValue().toArray(String[]::new));
            }
        }
        boolean stream = answer.headers().firstValue("content-type").orElse("").startsWith("text/event-stream");
        try (InputStream in = answer.body()) {
            if (!stream) {
                res.send(in.readAllBytes());
                return;
            }
            byte[] buffer = new byte[8192];
            try (OutputStream out = res.outputStream()) {
                int n;
                // read() returns what has arrived so far: one or a few SSE events, never waiting for a full buffer.
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Either side hung up (Helidon reports a client's hang-up as an unchecked CloseConnectionException).
            // Closing the zone's stream (try-with-resources) resets it; the zone may not see an HTTP/2 reset, so the
            // edge also cancels the stream, unless its watch already did: the generation stops at once.
            LOG.log(System.Logger.Level.DEBUG, "relay ended early: " + e.getMessage());
            if (watch.hungUp()) {
                throw new CloseConnectionException("the client hung up", e);
            }
            if (stream) {
                link.cancel(nonceHex);
            }
        }
    }

    private byte[] readBody(ServerRequest req) throws IOException, BodyTooLarge {
        var declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
            throw new BodyTooLarge();
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                throw new BodyTooLarge();
            }
            return body;
        }
    }

    /** The client's IP address as this edge's socket saw it (no port). */
    static String clientAddress(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "unknown";
    }

    private static final class BodyTooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        BodyTooLarge() {
            super(null, null, false, false);
        }
    }
}
