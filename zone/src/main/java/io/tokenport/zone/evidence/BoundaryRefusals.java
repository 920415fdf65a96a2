package io.tokenport.zone.evidence;

import io.tokenport.audit.Digest;
import io.tokenport.audit.Outcome;
import io.tokenport.audit.ScreeningVerdict;
import io.tokenport.audit.TransferRecord;
import io.tokenport.zone.egress.EgressGuard;
import io.tokenport.zone.ingress.IngressRefusal;

import java.security.SecureRandom;

/**
 * Transfer records of what the zone's boundary refused before any endpoint ran, so the log shows each attempt
 * beside the requests: no body was read and nothing was produced, only who tried, from where, and why.
 */
public final class BoundaryRefusals {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Digest EMPTY = Digest.sha256(new byte[0]);

    private BoundaryRefusals() {
    }

    /**
     * A request the ingress guard refused (no or a bad attestation, a stale or replayed one, a refused
     * jurisdiction), with the edge and jurisdiction it claimed and {@code ingress_<reason>} as the outcome.
     */
    public static TransferRecord ingress(IngressRefusal refusal) {
        String edge = refusal.peerEdge() == null || refusal.peerEdge().isEmpty() ? "unknown" : refusal.peerEdge();
        String jurisdiction = refusal.jurisdiction() == null || refusal.jurisdiction().isEmpty() ? "ZZ"
                : refusal.jurisdiction();
        return refused(Exchange.newRequestId(RANDOM), Exchange.UNAUTHENTICATED, edge, jurisdiction,
                refusal.at().toEpochMilli(), "ingress_" + refusal.reason().code());
    }

    /**
     * An outbound connection the egress guard refused at {@code atMillis}: the zone tried to reach a destination
     * off its allow-list and nothing left (tenant {@code zone}, edge {@code egress}).
     */
    public static TransferRecord egress(EgressGuard.Destination destination, long atMillis) {
        return refused("egress-" + Exchange.newRequestId(RANDOM), "zone", "egress", "ZZ", atMillis,
                "egress_refused " + destination);
    }

    private static TransferRecord refused(String id, String tenant, String edge, String jurisdiction, long atMillis,
                                          String reason) {
        return new TransferRecord(id, tenant, edge, jurisdiction, atMillis, atMillis, 0, 0, EMPTY, EMPTY, null, 0, 0,
                ScreeningVerdict.NOT_SCREENED, null, Outcome.refused(reason));
    }
}
