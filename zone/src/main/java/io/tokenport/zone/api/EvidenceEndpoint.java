package io.tokenport.zone.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.tokenport.audit.Digest;
import io.tokenport.audit.SignedCheckpoint;
import io.tokenport.audit.TransferLog;
import io.tokenport.zone.evidence.Exchange;
import io.tokenport.zone.evidence.TransferEvidence;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The transfer log's proofs, for anyone holding a key (a tenant checking its receipts, an auditor):
 * <ul>
 *   <li>{@code GET /v1/evidence/checkpoint}: a checkpoint of the log as it is now, signed on demand;</li>
 *   <li>{@code GET /v1/evidence/inclusion?index=I[&tree_size=N]}: the record's leaf hash and its inclusion
 *       proof in the tree of size N (by default a fresh checkpoint's, which is returned too);</li>
 *   <li>{@code GET /v1/evidence/consistency?first=M&second=N}: the consistency proof between two sizes.</li>
 * </ul>
 * Hashes are base64, as in checkpoints and receipts.
 */
final class EvidenceEndpoint {
    private final BearerAuth auth;
    private final TransferEvidence evidence;
    private final JsonFactory factory;
    private final Replies replies;

    EvidenceEndpoint(BearerAuth auth, TransferEvidence evidence, JsonFactory factory, Replies replies) {
        this.auth = auth;
        this.evidence = evidence;
        this.factory = factory;
        this.replies = replies;
    }

    void checkpoint(ServerRequest req, ServerResponse res) {
        Exchange exchange = replies.begin(req);
        try {
            exchange.tenant(auth.authenticate(req).tenantId());
            SignedCheckpoint c = evidence.checkpoint();
            replies.json(res, exchange, 200, JsonBodies.write(factory, g -> {
                g.writeStartObject();
                checkpointFields(g, c);
                g.writeEndObject();
            }));
        } catch (ApiException e) {
            replies.error(res, exchange, e);
        }
    }

    void inclusion(ServerRequest req, ServerResponse res) {
        Exchange exchange = replies.begin(req);
        try {
            exchange.tenant(auth.authenticate(req).tenantId());
            long index = number(req, "index").orElseThrow(() -> ApiException.invalid("index", "index is required"));
            Optional<Long> asked = number(req, "tree_size");
            SignedCheckpoint c = asked.isEmpty() ? evidence.checkpoint() : null;
            long size = asked.orElseGet(() -> c.checkpoint().size());
            TransferLog log = evidence.log();
            if (size > log.size()) {
                throw ApiException.invalid("tree_size", "tree_size " + size + " is larger than the log (" + log.size()
                        + " records)");
            }
            if (index >= size) {
                throw ApiException.invalid("index", "index " + index + " is not in a tree of " + size + " records");
            }
            Digest leaf = log.leafHash(index);
            List<Digest> proof = log.inclusionProof(index, size);
            replies.json(res, exchange, 200, JsonBodies.write(factory, g -> {
                g.writeStartObject();
                g.writeNumberField("index", index);
                g.writeNumberField("tree_size", size);
                g.writeStringField("leaf_hash", leaf.base64());
                hashes(g, "proof", proof);
                if (c != null) {
                    checkpointFields(g, c);
                }
                g.writeEndObject();
            }));
        } catch (ApiException e) {
            replies.error(res, exchange, e);
        }
    }

    void consistency(ServerRequest req, ServerResponse res) {
        Exchange exchange = replies.begin(req);
        try {
            exchange.tenant(auth.authenticate(req).tenantId());
            long first = number(req, "first").orElseThrow(() -> ApiException.invalid("first", "first is required"));
            long second = number(req, "second").orElseThrow(() -> ApiException.invalid("second", "second is required"));
            long size = evidence.log().size();
            if (second > size) {
                throw ApiException.invalid("second", "second " + second + " is larger than the log (" + size
                        + " records)");
            }
            if (first < 1) {
                throw ApiException.invalid("first", "first must be at least 1 (every tree is consistent with the empty one)");
            }
            if (first > second) {
                throw ApiException.invalid("first", "first (" + first + ") must not be larger than second (" + second + ")");
            }
            List<Digest> proof = evidence.log().consistencyProof(first, second);
            replies.json(res, exchange, 200, JsonBodies.write(factory, g -> {
                g.writeStartObject();
                g.writeNumberField("first", first);
                g.writeNumberField("second", second);
                hashes(g, "proof", proof);
                g.writeEndObject();
            }));
        } catch (ApiException e) {
            replies.error(res, exchange, e);
        }
    }

    private static Optional<Long> number(ServerRequest req, String name) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            long v = Long.parseLong(raw.get());
            if (v < 0) {
                throw ApiException.invalid(name, name + " must not be negative, got " + v);
            }
            return Optional.of(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, name + " must be a whole number, got \"" + raw.get() + "\"");
        }
    }

    private static void checkpointFields(JsonGenerator g, SignedCheckpoint c) throws IOException {
        g.writeNumberField("checkpoint_size", c.checkpoint().size());
        g.writeStringField("checkpoint", c.note());
    }

    private static void hashes(JsonGenerator g, String name, List<Digest> list) throws IOException {
        g.writeArrayFieldStart(name);
        for (Digest d : list) {
            g.writeString(d.base64());
        }
        g.writeEndArray();
    }
}
