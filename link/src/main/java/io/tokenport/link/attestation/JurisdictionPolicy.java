package io.tokenport.link.attestation;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which client jurisdictions the zone serves. Domestic clients ({@code CN}) are refused whatever the
 * configuration says: the zone's legal basis is that no domestic data enters it (DESIGN, the closed loop).
 *
 * @param allowed if not empty, only these are served
 * @param denied  never served, in addition to {@code CN}
 */
public record JurisdictionPolicy(Set<String> allowed, Set<String> denied) {
    /** The domestic jurisdiction, always refused. */
    public static final String DOMESTIC = "CN";
    /** Every overseas jurisdiction allowed. */
    public static final JurisdictionPolicy OVERSEAS = new JurisdictionPolicy(Set.of(), Set.of());

    private static final Pattern CODE = Pattern.compile("[A-Z]{2}");

    public JurisdictionPolicy {
        allowed = Set.copyOf(allowed);
        denied = Set.copyOf(denied);
        for (String code : allowed) {
            check(code);
        }
        for (String code : denied) {
            check(code);
        }
        if (allowed.contains(DOMESTIC)) {
            throw new IllegalArgumentException("CN (domestic) cannot be allowed: the zone serves overseas clients only");
        }
    }

    private static void check(String code) {
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("not an ISO 3166-1 alpha-2 code: '" + code + "' (e.g. SG, DE, US)");
        }
    }

    /** True if a client in {@code jurisdiction} may be served. */
    public boolean permits(String jurisdiction) {
        return !jurisdiction.equals(DOMESTIC) && !denied.contains(jurisdiction)
                && (allowed.isEmpty() || allowed.contains(jurisdiction));
    }
}
