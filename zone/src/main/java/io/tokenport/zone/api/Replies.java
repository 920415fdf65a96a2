package io.tokenport.zone.api;

import com.fasterxml.jackson.core.JsonFactory;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tokenport.audit.Receipt;
import io.tokenport.zone.evidence.Exchange;
import io.tokenport.zone.evidence.Origin;
import io.tokenport.zone.evidence.TransferEvidence;

import java.security.SecureRandom;
import java.time.InstantSource;

/**
 * Starts each request's {@link Exchange} and sends every JSON answer, success or error, with the signed receipt
 * of its transfer record in the {@code TokenPort-Receipt} header: no response leaves without its record.
 */
final class Replies {
    private static final System.Logger LOG = System.getLogger(Replies.class.getName());

    private final TransferEvidence evidence;
    private final InstantSource clock;
    private final JsonFactory factory;
    private final SecureRandom random = new SecureRandom();

    Replies(TransferEvidence evidence, InstantSource clock, JsonFactory factory) {
        this.evidence = evidence;
        this.clock = clock;
        this.factory = factory;
    }

    /** The exchange of a request that has just arrived; its origin is what the ingress attested, if anything. */
    Exchange begin(ServerRequest req) {
        // On the link listener the ingress guard has verified the edge's attestation: its edge and jurisdiction.
        Origin origin = req.context().get(io.tokenport.link.attestation.OriginAttestation.class,
                        io.tokenport.link.attestation.OriginAttestation.class)
                .map(a -> new Origin(a.edgeId(), a.jurisdiction()))
                .orElse(Origin.LOOPBACK);
        return new Exchange(evidence, clock, Exchange.newRequestId(random), origin);
    }

    /** Sends a JSON body after recording the exchange. */
    void json(ServerResponse res, Exchange exchange, int status, byte[] body) {
        exchange.responseBody(body);
        Receipt receipt;
        try {
            receipt = exchange.finish();
        } catch (RuntimeException e) {
            unrecorded(res, exchange, e);
            return;
        }
        res.header(Receipt.HEADER, receipt.compact());
        ErrorResponses.sendJson(res, status, body);
    }

    /** Sends an error in OpenAI's shape, recorded as a refusal with the error's code. */
    void error(ServerResponse res, Exchange exchange, ApiException e) {
        exchange.refused(e.code() != null ? e.code() : e.type());
        if (e.status() == 401) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        if (e.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        json(res, exchange, e.status(), ErrorResponses.body(factory, e));
    }

    /**
     * The record could not be written (the log's disk failed): nothing is sent that the log does not show, so
     * the answer is a 500 without content, and the operator learns of it from the log.
     */
    private void unrecorded(ServerResponse res, Exchange exchange, RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "transfer record of request " + exchange.requestId()
                + " could not be written; the response was withheld", e);
        ErrorResponses.sendJson(res, 500, ErrorResponses.body(factory, ApiException.internal(
                "The zone could not record this request, so it was not answered. Retry it.")));
    }
}
