package io.tokenport.zone.evidence;

import io.tokenport.audit.Digest;
import io.tokenport.audit.Outcome;
import io.tokenport.audit.ScreeningVerdict;
import io.tokenport.audit.TransferRecord;
import io.tokenport.zone.ingress.IngressRefusal;

import java.security.SecureRandom;

/**
 * Transfer records of requests the ingress guard refused before any endpoint saw them (no or a bad attestation,
 * a stale or replayed one, a refused jurisdiction): the log shows each domestic or unattested attempt with the
 * edge and jurisdiction it claimed, and {@code ingress_<reason>} as the outcome. The body was never read.
 */
public final class IngressRecords {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Digest EMPTY = Digest.sha256(new byte[0]);

    private IngressRecords() {
    }

    /** The record of {@code refusal}. */
    public static TransferRecord refusal(IngressRefusal refusal) {
        long at = refusal.at().toEpochMilli();
        String edge = refusal.peerEdge() == null || refusal.peerEdge().isEmpty() ? "unknown" : refusal.peerEdge();
        String jurisdiction = refusal.jurisdiction() == null || refusal.jurisdiction().isEmpty() ? "ZZ"
                : refusal.jurisdiction();
        return new TransferRecord(Exchange.newRequestId(RANDOM), Exchange.UNAUTHENTICATED, edge, jurisdiction, at, at,
                0, 0, EMPTY, EMPTY, null, 0, 0, ScreeningVerdict.NOT_SCREENED, null,
                Outcome.refused("ingress_" + refusal.reason().code()));
    }
}
