package io.tokenport.zone.evidence;

/**
 * Where a request came from, as attested at the zone's boundary.
 *
 * @param edgeId       the edge that forwarded it
 * @param jurisdiction the client's jurisdiction, ISO 3166 alpha-2, as the edge attested it
 */
public record Origin(String edgeId, String jurisdiction) {

    /**
     * Requests on the zone's own loopback listener (the single-machine {@code tokenport up}, tests): no edge
     * attested them, and the record says so.
     */
    public static final Origin LOOPBACK = new Origin("loopback", "ZZ");
}
