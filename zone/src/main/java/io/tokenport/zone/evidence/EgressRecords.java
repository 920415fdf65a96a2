package io.tokenport.zone.evidence;

import io.tokenport.audit.Digest;
import io.tokenport.audit.Outcome;
import io.tokenport.audit.ScreeningVerdict;
import io.tokenport.audit.TransferRecord;
import io.tokenport.zone.egress.EgressGuard;

import java.security.SecureRandom;

/**
 * Transfer records of refused outbound connections: the zone tried to reach a destination off its allow-list,
 * nothing left, and the log shows the attempt beside the requests (tenant {@code zone}, edge {@code egress}).
 */
public final class EgressRecords {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Digest EMPTY = Digest.sha256(new byte[0]);

    private EgressRecords() {
    }

    /** The record of a refused connection to {@code destination} at {@code atMillis}. */
    public static TransferRecord refusal(EgressGuard.Destination destination, long atMillis) {
        return new TransferRecord("egress-" + Exchange.newRequestId(RANDOM), "zone", "egress", "ZZ", atMillis, atMillis,
                0, 0, EMPTY, EMPTY, null, 0, 0, ScreeningVerdict.NOT_SCREENED, null,
                Outcome.refused("egress_refused " + destination));
    }
}
