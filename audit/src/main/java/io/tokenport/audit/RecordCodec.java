package io.tokenport.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The canonical byte encoding of a {@link TransferRecord}, version 1. Length-prefixed binary, big-endian, in a
 * fixed field order, so there is exactly one encoding per record and no parser ambiguity (unlike JSON, where
 * key order, whitespace and number forms would have to be pinned down first):
 *
 * <pre>
 *   u8   version = 1
 *   str  requestId, tenant, edgeId, jurisdiction      str = u16 byte length, then UTF-8 (1..1024 bytes)
 *   i64  arrivedAtMillis, departedAtMillis
 *   i64  bytesIn, bytesOut
 *   h32  requestSha256, responseSha256                h32 = 32 bytes
 *   opt  modelSha256                                  opt = u8 0 (absent) or u8 1 then h32
 *   i64  promptTokens, completionTokens
 *   u8   screeningVerdict (1 passed, 2 blocked, 3 not screened)
 *   opt  screeningRulesSha256
 *   u8   outcome (1 served, 2 refused), then for refused: str reason
 * </pre>
 *
 * Decoding is strict (no trailing bytes, no malformed UTF-8, flags only 0 or 1), so decode and encode are
 * inverse and a decoded record re-encodes to the very same bytes.
 */
final class RecordCodec {

    static final int VERSION = 1;
    static final int MAX_TEXT_BYTES = 1024;

    private RecordCodec() {
    }

    static void checkText(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("transfer record field " + field + " is empty");
        }
        int length = utf8(field, value).length;
        if (length > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("transfer record field " + field + " has " + length
                    + " UTF-8 bytes, at most " + MAX_TEXT_BYTES + " are allowed");
        }
    }

    private static byte[] utf8(String field, String value) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            return Arrays.copyOf(b.array(), b.limit());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("transfer record field " + field
                    + " is not valid Unicode (an unpaired surrogate)");
        }
    }

    static byte[] encode(TransferRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(VERSION);
        text(out, "requestId", r.requestId());
        text(out, "tenant", r.tenant());
        text(out, "edgeId", r.edgeId());
        text(out, "jurisdiction", r.jurisdiction());
        i64(out, r.arrivedAtMillis());
        i64(out, r.departedAtMillis());
        i64(out, r.bytesIn());
        i64(out, r.bytesOut());
        out.writeBytes(r.requestSha256().bytes());
        out.writeBytes(r.responseSha256().bytes());
        optional(out, r.modelSha256());
        i64(out, r.promptTokens());
        i64(out, r.completionTokens());
        out.write(r.screeningVerdict().code);
        optional(out, r.screeningRulesSha256());
        switch (r.outcome()) {
            case Outcome.Served s -> out.write(1);
            case Outcome.Refused refused -> {
                out.write(2);
                text(out, "refusal reason", refused.reason());
            }
        }
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String field, String value) {
        byte[] b = utf8(field, value);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    private static void i64(ByteArrayOutputStream out, long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
    }

    private static void optional(ByteArrayOutputStream out, Digest d) {
        if (d == null) {
            out.write(0);
        } else {
            out.write(1);
            out.writeBytes(d.bytes());
        }
    }

    static TransferRecord decode(byte[] bytes) {
        Reader in = new Reader(bytes);
        int version = in.u8("version");
        if (version != VERSION) {
            throw new AuditException("transfer record: unknown encoding version " + version + " at byte 0"
                    + " (this build reads version " + VERSION + ")");
        }
        String requestId = in.text("requestId");
        String tenant = in.text("tenant");
        String edgeId = in.text("edgeId");
        String jurisdiction = in.text("jurisdiction");
        long arrived = in.i64("arrivedAtMillis");
        long departed = in.i64("departedAtMillis");
        long bytesIn = in.i64("bytesIn");
        long bytesOut = in.i64("bytesOut");
        Digest request = in.digest("requestSha256");
        Digest response = in.digest("responseSha256");
        Digest model = in.optional("modelSha256");
        long prompt = in.i64("promptTokens");
        long completion = in.i64("completionTokens");
        ScreeningVerdict verdict = ScreeningVerdict.ofCode(in.u8("screeningVerdict"));
        Digest rules = in.optional("screeningRulesSha256");
        int outcomeCode = in.u8("outcome");
        Outcome outcome = switch (outcomeCode) {
            case 1 -> Outcome.served();
            case 2 -> Outcome.refused(in.text("refusal reason"));
            default -> throw new AuditException("transfer record: unknown outcome code " + outcomeCode
                    + " (known: 1 served, 2 refused)");
        };
        if (in.position < bytes.length) {
            throw new AuditException("transfer record: " + (bytes.length - in.position)
                    + " unexpected bytes after the last field, at byte " + in.position);
        }
        try {
            return new TransferRecord(requestId, tenant, edgeId, jurisdiction, arrived, departed, bytesIn,
                    bytesOut, request, response, model, prompt, completion, verdict, rules, outcome);
        } catch (IllegalArgumentException e) {
            throw new AuditException("transfer record: " + e.getMessage(), e);
        }
    }

    /** Reads fields in order; every error names the field and the byte offset. */
    private static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        private void need(int n, String field) {
            if (bytes.length - position < n) {
                throw new AuditException("transfer record truncated: field " + field + " needs " + n
                        + " bytes at byte " + position + ", only " + (bytes.length - position) + " remain");
            }
        }

        int u8(String field) {
            need(1, field);
            return bytes[position++] & 0xff;
        }

        long i64(String field) {
            need(8, field);
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (bytes[position++] & 0xff);
            }
            return v;
        }

        Digest digest(String field) {
            need(Digest.SIZE, field);
            Digest d = Digest.of(Arrays.copyOfRange(bytes, position, position + Digest.SIZE));
            position += Digest.SIZE;
            return d;
        }

        Digest optional(String field) {
            int at = position;
            int flag = u8(field);
            return switch (flag) {
                case 0 -> null;
                case 1 -> digest(field);
                default -> throw new AuditException("transfer record: field " + field + " has presence flag "
                        + flag + " at byte " + at + ", expected 0 or 1");
            };
        }

        String text(String field) {
            need(2, field);
            int at = position;
            int length = ((bytes[position] & 0xff) << 8) | (bytes[position + 1] & 0xff);
            position += 2;
            if (length == 0 || length > MAX_TEXT_BYTES) {
                throw new AuditException("transfer record: field " + field + " has length " + length
                        + " at byte " + at + ", expected 1.." + MAX_TEXT_BYTES);
            }
            need(length, field);
            try {
                String s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, position, length))
                        .toString();
                position += length;
                return s;
            } catch (CharacterCodingException e) {
                throw new AuditException("transfer record: field " + field + " at byte " + at
                        + " is not valid UTF-8");
            }
        }
    }
}
