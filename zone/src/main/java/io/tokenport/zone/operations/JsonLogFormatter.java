package io.tokenport.zone.operations;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One JSON object per log line: {@code time}, {@code level}, {@code logger}, {@code message}, the fields of a
 * structured event (a record whose only parameter is a {@code Map}, as {@link AccessLog} writes), and
 * {@code error} with the stack trace when there is one.
 *
 * <p>What the zone logs never holds prompts, completions or keys (invariant 2): events carry ids, counts, hashes
 * and durations; the format only makes them machine-readable.
 */
public final class JsonLogFormatter extends Formatter {
    private final JsonFactory json = new JsonFactory();

    @Override
    public String format(LogRecord record) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", record.getInstant().toString());
            g.writeStringField("level", record.getLevel().getName());
            g.writeStringField("logger", record.getLoggerName());
            Object[] params = record.getParameters();
            if (params != null && params.length == 1 && params[0] instanceof Map<?, ?> fields) {
                g.writeStringField("message", record.getMessage());
                for (Map.Entry<?, ?> e : fields.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    writeValue(g, e.getValue());
                }
            } else {
                g.writeStringField("message", formatMessage(record));
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                g.writeStringField("error", trace.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case Boolean b -> g.writeBoolean(b);
            default -> g.writeString(String.valueOf(v));
        }
    }
}
