package io.tokenport.zone.operations;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One structured log event per request that crossed the zone boundary (logger {@code io.tokenport.zone.access}),
 * written when its transfer record is: ids, counts, durations and the outcome, never any text of the request
 * or the response, and never a key.
 */
public final class AccessLog {
    private static final Logger LOG = Logger.getLogger("io.tokenport.zone.access");

    private AccessLog() {
    }

    /** Logs one finished request. */
    public static void request(String requestId, String tenant, String edgeId, String jurisdiction, String outcome,
                               long bytesIn, long bytesOut, long promptTokens, long completionTokens,
                               long durationMillis, long leafIndex) {
        if (!LOG.isLoggable(Level.INFO)) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("request_id", requestId);
        fields.put("tenant", tenant);
        fields.put("edge", edgeId);
        fields.put("jurisdiction", jurisdiction);
        fields.put("outcome", outcome);
        fields.put("bytes_in", bytesIn);
        fields.put("bytes_out", bytesOut);
        fields.put("prompt_tokens", promptTokens);
        fields.put("completion_tokens", completionTokens);
        fields.put("duration_ms", durationMillis);
        fields.put("leaf_index", leafIndex);
        LogRecord record = new LogRecord(Level.INFO, "request");
        record.setLoggerName(LOG.getName());
        record.setParameters(new Object[] {fields});
        LOG.log(record);
    }
}
