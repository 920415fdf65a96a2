package io.tokenport.zone.ingress;

import com.fasterxml.jackson.core.JsonFactory;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.tokenport.link.attestation.AttestationRefusedException;
import io.tokenport.link.attestation.AttestationSigner;
import io.tokenport.link.attestation.AttestationVerifier;
import io.tokenport.link.attestation.OriginAttestation;
import io.tokenport.link.attestation.RefusalReason;
import io.tokenport.zone.api.ApiException;
import io.tokenport.zone.api.ErrorResponses;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.InstantSource;

/**
 * The first thing every request on the link listener meets (DESIGN: ingress guard): it accepts only requests
 * whose origin attestation verifies against the edge certificate of the connection they came on, and refuses
 * the rest with a 403 in OpenAI's error shape before authentication, parsing or any model work.
 *
 * <p>The body's hash is checked as the endpoint reads the body ({@link AttestedBodyStream}): the refusal is thrown
 * by the read that reaches the end, so a body that is not the attested one is never parsed into a request.
 * Codes: {@code jurisdiction_refused} for a refused jurisdiction, {@code origin_not_attested} for everything
 * else; the message names the verifier's reason ({@code stale}, {@code replayed}, ...). The one exception is
 * {@code GET /link/ping}, an edge keeping its connection warm, answered 204 here and never routed further.
 */
public final class IngressGuard implements Filter {
    /** Edges keep their connections warm with this; it serves nothing, so it needs no attestation. */
    public static final String PING_PATH = "/link/ping";
    /**
     * Where an edge stops a request whose client hung up: {@code POST /link/cancel/{nonce}}, named by the nonce of
     * the attestation the edge sent with it (the edge knows it before any answer, even a non-streamed one).
     */
    public static final String CANCEL_PREFIX = "/link/cancel/";
    private static final HeaderName ATTESTATION = HeaderNames.create(OriginAttestation.HEADER);
    private static final byte[] EMPTY_SHA256 = AttestationSigner.sha256(new byte[0]);

    private final AttestationVerifier verifier;
    private final IngressRecorder recorder;
    private final InstantSource clock;
    private final JsonFactory json = new JsonFactory();

    public IngressGuard(AttestationVerifier verifier, IngressRecorder recorder, InstantSource clock) {
        this.verifier = verifier;
        this.recorder = recorder;
        this.clock = clock;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (req.path().path().equals(PING_PATH) && req.prologue().method() == Method.GET) {
            // An edge keeping its connection warm: the handshake already authenticated it; no request is served.
            res.status(Status.NO_CONTENT_204).send();
            return;
        }
        X509Certificate peer = peerCertificate(req);
        if (req.path().path().startsWith(CANCEL_PREFIX) && req.prologue().method() == Method.POST) {
            // No request is served and no body read: the edge's certificate (the handshake) is its authority, and
            // the route cancels only requests that this very edge forwarded.
            req.context().register(EdgeIdentity.class, new EdgeIdentity(peer == null ? ""
                    : AttestationVerifier.commonName(peer)));
            chain.proceed();
            return;
        }
        String header = req.headers().first(ATTESTATION).orElse(null);
        OriginAttestation attestation;
        try {
            attestation = verifier.verify(header, peer);
        } catch (AttestationRefusedException e) {
            send(res, refuse(e, peer, e.claimed(), req));
            return;
        }
        // The stream filter must be in place before content() is first touched: the entity is made once.
        req.streamFilter(in -> new AttestedBodyStream(in, sha256 -> {
            try {
                verifier.checkBody(attestation, sha256);
            } catch (AttestationRefusedException e) {
                // Found while the endpoint reads the body: the endpoint answers and records it.
                throw refuse(e, peer, attestation, req).error();
            }
        }));
        if (!req.content().hasEntity()) {
            try {
                verifier.checkBody(attestation, EMPTY_SHA256);
            } catch (AttestationRefusedException e) {
                send(res, refuse(e, peer, attestation, req));
                return;
            }
        }
        req.context().register(OriginAttestation.class, attestation);
        chain.proceed();
    }

    /** An error to answer with, and the receipt of its record (or null). */
    private record Refusal(ApiException error, String receipt) {
    }

    /** The edge of a link connection, by its certificate's CN. */
    record EdgeIdentity(String edgeId) {
    }

    /** Records the refusal and returns the error to answer with. */
    private Refusal refuse(AttestationRefusedException e, X509Certificate peer, OriginAttestation attestation,
                           RoutingRequest req) {
        String receipt = recorder.refused(new IngressRefusal(clock.instant(), e.reason(),
                peer == null ? null : AttestationVerifier.commonName(peer),
                attestation == null ? null : attestation.clientAddress(),
                attestation == null ? null : attestation.jurisdiction(),
                req.prologue().method().text(), req.path().path(), e.getMessage()));
        String code = e.reason() == RefusalReason.JURISDICTION_REFUSED ? "jurisdiction_refused" : "origin_not_attested";
        return new Refusal(new ApiException(403, "permission_error", "Request refused at the zone's ingress ("
                + e.reason().code() + "): " + e.getMessage(), null, code), receipt);
    }

    private static X509Certificate peerCertificate(RoutingRequest req) {
        Certificate[] chain = req.remotePeer().tlsCertificates().orElse(null);
        return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x ? x : null;
    }

    private void send(RoutingResponse res, Refusal refusal) {
        ApiException e = refusal.error();
        if (refusal.receipt() != null) {
            res.header(io.tokenport.audit.Receipt.HEADER, refusal.receipt());
        }
        res.status(Status.create(e.status()));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(ErrorResponses.body(json, e));
    }
}
