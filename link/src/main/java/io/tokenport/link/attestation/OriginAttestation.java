package io.tokenport.link.attestation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An edge's statement about where a request came from, signed with the edge's key and sent to the zone with the
 * request (DESIGN invariant 1: no request is served without an attested overseas origin).
 *
 * <p>Canonical form (what is signed, after the domain-separation prefix {@code "TokenPort-Attestation-v1\0"}):
 * <pre>
 *   u8 n, n bytes   edge id (UTF-8)
 *   u8 n, n bytes   client address (ASCII IP literal)
 *   2 bytes         client jurisdiction (ISO 3166-1 alpha-2, upper case)
 *   8 bytes         time, epoch milliseconds, big-endian
 *   16 bytes        nonce
 *   32 bytes        SHA-256 of the request body
 * </pre>
 * The prefix keeps an edge's signature over these bytes from ever being valid for any other protocol message.
 *
 * @param edgeId        the edge that saw the client (its certificate's CN)
 * @param clientAddress the client's IP address as the edge's socket saw it
 * @param jurisdiction  the client's jurisdiction, ISO 3166-1 alpha-2
 * @param timeMillis    when the edge forwarded the request
 * @param nonce         128 random bits, unique per request
 * @param bodySha256    SHA-256 of the request body (of the empty body for a GET)
 */
public record OriginAttestation(String edgeId, String clientAddress, String jurisdiction, long timeMillis,
                                byte[] nonce, byte[] bodySha256) {
    /** The HTTP header that carries an attestation. */
    public static final String HEADER = "TokenPort-Attestation";

    static final byte[] DOMAIN = "TokenPort-Attestation-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final String VERSION = "v1";
    private static final Pattern JURISDICTION = Pattern.compile("[A-Z]{2}");
    private static final int MAX_FIELD = 255;

    public OriginAttestation {
        Objects.requireNonNull(edgeId, "edgeId");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(jurisdiction, "jurisdiction");
        if (edgeId.isEmpty() || edgeId.getBytes(StandardCharsets.UTF_8).length > MAX_FIELD) {
            throw new IllegalArgumentException("edge id must be 1 to 255 bytes");
        }
        if (clientAddress.isEmpty() || clientAddress.length() > MAX_FIELD
                || !StandardCharsets.US_ASCII.newEncoder().canEncode(clientAddress)) {
            throw new IllegalArgumentException("client address must be 1 to 255 ASCII characters");
        }
        if (!JURISDICTION.matcher(jurisdiction).matches()) {
            throw new IllegalArgumentException("jurisdiction must be an ISO 3166-1 alpha-2 code such as SG, got '"
                    + jurisdiction + "'");
        }
        if (nonce == null || nonce.length != 16) {
            throw new IllegalArgumentException("nonce must be 16 bytes");
        }
        if (bodySha256 == null || bodySha256.length != 32) {
            throw new IllegalArgumentException("body hash must be a 32-byte SHA-256");
        }
        nonce = nonce.clone();
        bodySha256 = bodySha256.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] bodySha256() {
        return bodySha256.clone();
    }

    /** The nonce as hex, for the replay cache and for records. */
    public String nonceHex() {
        return HexFormat.of().formatHex(nonce);
    }

    /** True if {@code sha256} is the body hash attested (constant time). */
    public boolean bodyMatches(byte[] sha256) {
        return java.security.MessageDigest.isEqual(bodySha256, sha256);
    }

    /** The canonical fields, without the domain prefix. */
    byte[] fields() {
        byte[] edge = edgeId.getBytes(StandardCharsets.UTF_8);
        byte[] address = clientAddress.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(1 + edge.length + 1 + address.length + 2 + 8 + 16 + 32);
        out.put((byte) edge.length).put(edge);
        out.put((byte) address.length).put(address);
        out.put(jurisdiction.getBytes(StandardCharsets.US_ASCII));
        out.putLong(timeMillis).put(nonce).put(bodySha256);
        return out.array();
    }

    /** The bytes the edge signs: the domain prefix then the canonical fields. */
    static byte[] signedBytes(byte[] fields) {
        byte[] signed = Arrays.copyOf(DOMAIN, DOMAIN.length + fields.length);
        System.arraycopy(fields, 0, signed, DOMAIN.length, fields.length);
        return signed;
    }

    /** The header value {@code v1.<base64url fields>.<base64url signature>}. */
    String header(byte[] signature) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return VERSION + "." + b64.encodeToString(fields()) + "." + b64.encodeToString(signature);
    }

    /** A header split into its parsed attestation, the exact fields signed, and the signature. */
    record Signed(OriginAttestation attestation, byte[] fields, byte[] signature) {
    }

    /**
     * Parses a header value.
     *
     * @throws IllegalArgumentException with a reason a person can act on if it is not a v1 attestation
     */
    static Signed parse(String header) {
        if (header == null || header.isEmpty()) {
            throw new IllegalArgumentException("no " + HEADER + " header");
        }
        if (header.length() > 2048) {
            throw new IllegalArgumentException(HEADER + " is too long");
        }
        String[] parts = header.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new IllegalArgumentException(HEADER + " is not of the form v1.<fields>.<signature>");
        }
        byte[] fields;
        byte[] signature;
        try {
            fields = Base64.getUrlDecoder().decode(parts[1]);
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(HEADER + " is not base64url: " + e.getMessage());
        }
        ByteBuffer in = ByteBuffer.wrap(fields);
        try {
            String edge = new String(take(in, Byte.toUnsignedInt(in.get())), StandardCharsets.UTF_8);
            String address = new String(take(in, Byte.toUnsignedInt(in.get())), StandardCharsets.US_ASCII);
            String jurisdiction = new String(take(in, 2), StandardCharsets.US_ASCII);
            long time = in.getLong();
            byte[] nonce = take(in, 16);
            byte[] hash = take(in, 32);
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(HEADER + " has " + in.remaining() + " bytes after its fields");
            }
            return new Signed(new OriginAttestation(edge, address, jurisdiction, time, nonce, hash), fields,
                    signature);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException(HEADER + " fields are truncated");
        }
    }

    private static byte[] take(ByteBuffer in, int n) {
        byte[] out = new byte[n];
        in.get(out);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OriginAttestation a && edgeId.equals(a.edgeId) && clientAddress.equals(a.clientAddress)
                && jurisdiction.equals(a.jurisdiction) && timeMillis == a.timeMillis
                && Arrays.equals(nonce, a.nonce) && Arrays.equals(bodySha256, a.bodySha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(edgeId, clientAddress, jurisdiction, timeMillis, Arrays.hashCode(nonce),
                Arrays.hashCode(bodySha256));
    }

    @Override
    public String toString() {
        return "OriginAttestation[edge=" + edgeId + ", client=" + clientAddress + ", jurisdiction=" + jurisdiction
                + ", time=" + timeMillis + ", nonce=" + nonceHex() + "]";
    }
}
