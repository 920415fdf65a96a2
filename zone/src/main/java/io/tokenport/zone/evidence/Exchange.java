package io.tokenport.zone.evidence;

import io.tokenport.audit.Digest;
import io.tokenport.audit.Outcome;
import io.tokenport.audit.Receipt;
import io.tokenport.audit.ScreeningVerdict;
import io.tokenport.audit.TransferRecord;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;

/**
 * What one request brought in and took out, gathered while it is served, and turned into its one transfer record
 * by {@link #finish()}. Only hashes and counts are kept: the body bytes pass through and are forgotten.
 *
 * <p>Not thread-safe: one request's handler thread owns it.
 */
public final class Exchange {
    /** The tenant named in records of requests that were refused before their key was known. */
    public static final String UNAUTHENTICATED = "unauthenticated";

    private final TransferEvidence evidence;
    private final InstantSource clock;
    private final String requestId;
    private final long arrivedAtMillis;
    private final MessageDigest responseDigest = sha256();
    private String edgeId;
    private String jurisdiction;
    private String tenant = UNAUTHENTICATED;
    private Digest requestSha256 = Digest.sha256(new byte[0]);
    private long bytesIn;
    private long bytesOut;
    private Digest modelSha256;
    private long promptTokens;
    private long completionTokens;
    private ScreeningVerdict screening = ScreeningVerdict.NOT_SCREENED;
    private Digest screeningRules;
    private Outcome outcome = Outcome.served();
    private Receipt receipt;

    /**
     * Starts the exchange of a request that arrived now.
     *
     * @param origin the attested origin (edge and jurisdiction)
     */
    public Exchange(TransferEvidence evidence, InstantSource clock, String requestId, Origin origin) {
        this.evidence = evidence;
        this.clock = clock;
        this.requestId = requestId;
        this.arrivedAtMillis = clock.millis();
        this.edgeId = origin.edgeId();
        this.jurisdiction = origin.jurisdiction();
    }

    /** The request's id (also the response's {@code id} and the record's {@code requestId}). */
    public String requestId() {
        return requestId;
    }

    /** The edge the request came through ({@code loopback} on the zone's plain API). */
    public String edgeId() {
        return edgeId;
    }

    /** The request body as received. */
    public void requestBody(byte[] body) {
        requestSha256 = Digest.sha256(body);
        bytesIn = body.length;
    }

    /** The authenticated tenant's id. */
    public void tenant(String tenantId) {
        tenant = tenantId;
    }

    /** The model file that produces the tokens, by its SHA-256 (hex). */
    public void model(String sha256Hex) {
        modelSha256 = Digest.fromHex(sha256Hex, "model file SHA-256");
    }

    /** Tokens counted by the zone's tokenizer. */
    public void tokens(long prompt, long completion) {
        promptTokens = prompt;
        completionTokens = completion;
    }

    /** What screening said, and the SHA-256 of the rules it applied. */
    public void screened(boolean passed, byte[] rulesSha256) {
        screening = passed ? ScreeningVerdict.PASSED : ScreeningVerdict.BLOCKED;
        screeningRules = Digest.of(rulesSha256);
    }

    /** The request was refused; {@code reason} is a machine-readable code such as {@code invalid_api_key}. */
    public void refused(String reason) {
        outcome = Outcome.refused(reason);
    }

    /** Counts and hashes a whole response body (JSON responses). */
    public void responseBody(byte[] body) {
        responseDigest.update(body);
        bytesOut += body.length;
    }

    /** Wraps a streamed response body so that what is written to it is counted and hashed. */
    public OutputStream counting(OutputStream body) {
        return new FilterOutputStream(body) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                responseDigest.update((byte) b);
                bytesOut++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                responseDigest.update(b, off, len);
                bytesOut += len;
            }
        };
    }

    /**
     * Appends the request's transfer record (once; later calls return the same receipt) and returns its signed
     * receipt. The response hash covers the bytes sent so far: for a stream, everything before the receipt.
     */
    public Receipt finish() {
        if (receipt == null) {
            long departed = Math.max(arrivedAtMillis, clock.millis());
            TransferRecord record = new TransferRecord(requestId, tenant, edgeId, jurisdiction, arrivedAtMillis,
                    departed, bytesIn, bytesOut, requestSha256, Digest.of(responseDigest.digest()), modelSha256,
                    promptTokens, completionTokens, screening, screeningRules, outcome);
            receipt = evidence.record(record);
            io.tokenport.zone.operations.AccessLog.request(requestId, tenant, edgeId, jurisdiction,
                    outcome instanceof Outcome.Refused r ? "refused:" + r.reason() : "served", bytesIn, bytesOut,
                    promptTokens, completionTokens, departed - arrivedAtMillis, receipt.index());
        }
        return receipt;
    }

    /** Whether {@link #finish()} has run. */
    public boolean finished() {
        return receipt != null;
    }

    /** A new request id: 24 hex digits from {@code random}. */
    public static String newRequestId(java.util.random.RandomGenerator random) {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
