package io.tokenport.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The readable JSON form of a {@link TransferRecord} used in audit bundles, so a regulator can read records
 * with any JSON tool. It is not what is hashed: the verifier turns the JSON back into a record and hashes its
 * canonical bytes, so any edit to the JSON changes the leaf hash. Fields are written in a fixed order; times
 * are ISO-8601 instants in UTC with millisecond precision; hashes are lowercase hex; absent optional hashes
 * are {@code null}.
 */
final class RecordJson {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final List<String> FIELDS = List.of("requestId", "tenant", "edgeId", "jurisdiction",
            "arrivedAt", "departedAt", "bytesIn", "bytesOut", "requestSha256", "responseSha256", "modelSha256",
            "promptTokens", "completionTokens", "screeningVerdict", "screeningRulesSha256", "outcome",
            "refusalReason");

    private RecordJson() {
    }

    static ObjectNode toJson(TransferRecord r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("requestId", r.requestId());
        o.put("tenant", r.tenant());
        o.put("edgeId", r.edgeId());
        o.put("jurisdiction", r.jurisdiction());
        o.put("arrivedAt", Instant.ofEpochMilli(r.arrivedAtMillis()).toString());
        o.put("departedAt", Instant.ofEpochMilli(r.departedAtMillis()).toString());
        o.put("bytesIn", r.bytesIn());
        o.put("bytesOut", r.bytesOut());
        o.put("requestSha256", r.requestSha256().hex());
        o.put("responseSha256", r.responseSha256().hex());
        o.put("modelSha256", r.modelSha256() == null ? null : r.modelSha256().hex());
        o.put("promptTokens", r.promptTokens());
        o.put("completionTokens", r.completionTokens());
        o.put("screeningVerdict", r.screeningVerdict().name().toLowerCase(java.util.Locale.ROOT));
        o.put("screeningRulesSha256", r.screeningRulesSha256() == null ? null : r.screeningRulesSha256().hex());
        switch (r.outcome()) {
            case Outcome.Served s -> {
                o.put("outcome", "served");
                o.putNull("refusalReason");
            }
            case Outcome.Refused refused -> {
                o.put("outcome", "refused");
                o.put("refusalReason", refused.reason());
            }
        }
        return o;
    }

    /**
     * Reads a record back.
     *
     * @throws AuditException naming the field that is missing, unknown or malformed
     */
    static TransferRecord fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new AuditException("transfer record: expected a JSON object");
        }
        Set<String> known = Set.copyOf(FIELDS);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new AuditException("transfer record: unknown field \"" + name + "\"");
            }
        }
        try {
            String outcome = text(node, "outcome");
            Outcome o = switch (outcome) {
                case "served" -> Outcome.served();
                case "refused" -> Outcome.refused(text(node, "refusalReason"));
                default -> throw new AuditException("transfer record: outcome must be served or refused, got "
                        + outcome);
            };
            if (o instanceof Outcome.Served && !field(node, "refusalReason").isNull()) {
                throw new AuditException("transfer record: a served record has no refusalReason");
            }
            return new TransferRecord(text(node, "requestId"), text(node, "tenant"), text(node, "edgeId"),
                    text(node, "jurisdiction"), instant(node, "arrivedAt"), instant(node, "departedAt"),
                    number(node, "bytesIn"), number(node, "bytesOut"), hash(node, "requestSha256", false),
                    hash(node, "responseSha256", false), hash(node, "modelSha256", true),
                    number(node, "promptTokens"), number(node, "completionTokens"), verdict(node),
                    hash(node, "screeningRulesSha256", true), o);
        } catch (IllegalArgumentException e) {
            throw new AuditException("transfer record: " + e.getMessage(), e);
        }
    }

    private static JsonNode field(JsonNode node, String name) {
        JsonNode v = node.get(name);
        if (v == null) {
            throw new AuditException("transfer record: missing field \"" + name + "\"");
        }
        return v;
    }

    private static String text(JsonNode node, String name) {
        JsonNode v = field(node, name);
        if (!v.isTextual()) {
            throw new AuditException("transfer record: field \"" + name + "\" must be a string");
        }
        return v.textValue();
    }

    private static long number(JsonNode node, String name) {
        JsonNode v = field(node, name);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new AuditException("transfer record: field \"" + name + "\" must be an integer");
        }
        return v.longValue();
    }

    private static long instant(JsonNode node, String name) {
        String s = text(node, name);
        try {
            Instant t = Instant.parse(s);
            if (t.getNano() % 1_000_000 != 0) {
                throw new AuditException("transfer record: field \"" + name + "\" has sub-millisecond digits: "
                        + s);
            }
            return t.toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new AuditException("transfer record: field \"" + name + "\" is not an ISO-8601 instant: " + s);
        }
    }

    private static Digest hash(JsonNode node, String name, boolean optional) {
        JsonNode v = field(node, name);
        if (v.isNull() && optional) {
            return null;
        }
        if (!v.isTextual()) {
            throw new AuditException("transfer record: field \"" + name + "\" must be 64 hex digits");
        }
        String s = v.textValue();
        if (!s.equals(s.toLowerCase(java.util.Locale.ROOT))) {
            throw new AuditException("transfer record: field \"" + name + "\" must be lowercase hex");
        }
        return Digest.fromHex(s, "transfer record field " + name);
    }

    private static ScreeningVerdict verdict(JsonNode node) {
        String s = text(node, "screeningVerdict");
        for (ScreeningVerdict v : ScreeningVerdict.values()) {
            if (v.name().toLowerCase(java.util.Locale.ROOT).equals(s)) {
                return v;
            }
        }
        throw new AuditException("transfer record: screeningVerdict must be passed, blocked or not_screened, got "
                + s);
    }
}
