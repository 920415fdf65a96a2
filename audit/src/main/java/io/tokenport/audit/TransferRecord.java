package io.tokenport.audit;

/**
 * The evidence for one request that crossed the zone boundary: who sent it, through which edge, from which
 * jurisdiction, when it arrived and left, how many bytes and tokens went each way, hashes of the bodies and of
 * the model file, what screening said, and whether it was served. Prompts and completions appear only as
 * hashes and counts (design invariant 2).
 *
 * <p>Each record becomes one leaf of the transfer log: its {@linkplain #canonicalBytes() canonical bytes}
 * are the Merkle leaf data, so the same record always has the same leaf hash, on any machine. The encoding is
 * described in {@link RecordCodec} and in audit/README.md.
 *
 * @param requestId the zone's request id
 * @param tenant the tenant (overseas organisation) id
 * @param edgeId the id of the edge that attested the origin
 * @param jurisdiction the client jurisdiction the edge attested, e.g. {@code SG}
 * @param arrivedAtMillis when the request arrived in the zone, epoch milliseconds
 * @param departedAtMillis when the last byte of the response left, epoch milliseconds
 * @param bytesIn request body bytes received
 * @param bytesOut response bytes sent
 * @param requestSha256 SHA-256 of the request body
 * @param responseSha256 SHA-256 of the response bytes as sent
 * @param modelSha256 SHA-256 of the model file that produced the tokens; {@code null} if no model ran
 * @param promptTokens prompt tokens counted by the zone's tokenizer
 * @param completionTokens completion tokens produced
 * @param screeningVerdict what screening said
 * @param screeningRulesSha256 SHA-256 of the screening rule set used; {@code null} if not screened
 * @param outcome served or refused with a reason
 */
public record TransferRecord(
        String requestId,
        String tenant,
        String edgeId,
        String jurisdiction,
        long arrivedAtMillis,
        long departedAtMillis,
        long bytesIn,
        long bytesOut,
        Digest requestSha256,
        Digest responseSha256,
        Digest modelSha256,
        long promptTokens,
        long completionTokens,
        ScreeningVerdict screeningVerdict,
        Digest screeningRulesSha256,
        Outcome outcome) {

    /** Checks every field, so an invalid record never reaches the log. */
    public TransferRecord {
        RecordCodec.checkText("requestId", requestId);
        RecordCodec.checkText("tenant", tenant);
        RecordCodec.checkText("edgeId", edgeId);
        RecordCodec.checkText("jurisdiction", jurisdiction);
        if (departedAtMillis < arrivedAtMillis) {
            throw new IllegalArgumentException("transfer record " + requestId + ": departedAtMillis "
                    + departedAtMillis + " is before arrivedAtMillis " + arrivedAtMillis);
        }
        checkCount("bytesIn", bytesIn);
        checkCount("bytesOut", bytesOut);
        checkCount("promptTokens", promptTokens);
        checkCount("completionTokens", completionTokens);
        if (requestSha256 == null || responseSha256 == null) {
            throw new IllegalArgumentException("transfer record " + requestId
                    + ": requestSha256 and responseSha256 are required");
        }
        if (screeningVerdict == null || outcome == null) {
            throw new IllegalArgumentException("transfer record " + requestId
                    + ": screeningVerdict and outcome are required");
        }
        if (outcome instanceof Outcome.Refused r) {
            RecordCodec.checkText("refusal reason", r.reason());
        }
    }

    private static void checkCount(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("transfer record field " + field + " is negative: " + value);
        }
    }

    /** The canonical, deterministic encoding: the Merkle leaf data of this record. */
    public byte[] canonicalBytes() {
        return RecordCodec.encode(this);
    }

    /** The Merkle leaf hash of this record, {@code SHA-256(0x00 || canonicalBytes())}. */
    public Digest leafHash() {
        return MerkleHashes.leafHash(canonicalBytes());
    }

    /**
     * Decodes canonical bytes.
     *
     * @throws AuditException naming the field and byte offset where the bytes are wrong
     */
    public static TransferRecord fromCanonicalBytes(byte[] bytes) {
        return RecordCodec.decode(bytes);
    }
}
