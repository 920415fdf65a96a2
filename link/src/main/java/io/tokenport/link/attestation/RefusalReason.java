package io.tokenport.link.attestation;

/**
 * Why the zone refused an attestation: one code per cause, so refusals can be counted and recorded apart
 * (a burst of {@code replayed} means something very different from a burst of {@code stale}).
 */
public enum RefusalReason {
    /** No header, or one that does not parse. */
    MALFORMED("malformed"),
    /** The signature does not verify against the key of the edge's certificate. */
    BAD_SIGNATURE("bad_signature"),
    /** The attested time is outside the allowed clock skew. */
    STALE("stale"),
    /** The nonce was seen before within the skew window. */
    REPLAYED("replayed"),
    /** The body received is not the body attested. */
    BODY_MISMATCH("body_mismatch"),
    /** The client's jurisdiction is not allowed (domestic CN never is). */
    JURISDICTION_REFUSED("jurisdiction_refused"),
    /** The attesting edge is not the certificate's CN, not registered, or its certificate key is not Ed25519. */
    UNKNOWN_EDGE("unknown_edge");

    private final String code;

    RefusalReason(String code) {
        this.code = code;
    }

    /** The reason's code in records, metrics and error bodies, such as {@code bad_signature}. */
    public String code() {
        return code;
    }
}
