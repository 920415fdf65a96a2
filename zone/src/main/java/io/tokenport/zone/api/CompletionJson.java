package io.tokenport.zone.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the response bodies of the two completion endpoints in OpenAI's shapes, field by field with Jackson's
 * streaming generator (no intermediate objects). One instance serves one response: it reuses its buffer for
 * every chunk of a stream.
 */
final class CompletionJson {
    private final JsonFactory factory;
    private final boolean chat;
    private final String id;
    private final long created;
    private final String model;
    private final String fingerprint;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

    CompletionJson(JsonFactory factory, boolean chat, String id, long created, String model, String fingerprint) {
        this.factory = factory;
        this.chat = chat;
        this.id = id;
        this.created = created;
        this.model = model;
        this.fingerprint = fingerprint;
    }

    /** A whole non-streamed response: {@code chat.completion} or {@code text_completion}. */
    byte[] response(String text, String finishReason, int promptTokens, int completionTokens) {
        return write(g -> {
            header(g, chat ? "chat.completion" : "text_completion");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            if (chat) {
                g.writeObjectFieldStart("message");
                g.writeStringField("role", "assistant");
                g.writeStringField("content", text);
                g.writeNullField("refusal");
                g.writeEndObject();
            } else {
                g.writeStringField("text", text);
            }
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", finishReason);
            g.writeEndObject();
            g.writeEndArray();
            usage(g, promptTokens, completionTokens);
            g.writeEndObject();
        });
    }

    /**
     * One streamed chunk with one choice.
     *
     * @param role         true for a chat stream's first chunk, which names the assistant role
     * @param text         new text, or null for none (the last chunk)
     * @param finishReason null until the last chunk
     * @param usageNull    write {@code "usage": null}, as OpenAI does on every chunk when usage was asked for
     */
    byte[] chunk(boolean role, String text, String finishReason, boolean usageNull) {
        return write(g -> {
            header(g, chat ? "chat.completion.chunk" : "text_completion");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            if (chat) {
                g.writeObjectFieldStart("delta");
                if (role) {
                    g.writeStringField("role", "assistant");
                }
                if (text != null) {
                    g.writeStringField("content", text);
                }
                g.writeEndObject();
            } else {
                g.writeStringField("text", text == null ? "" : text);
            }
            g.writeNullField("logprobs");
            if (finishReason == null) {
                g.writeNullField("finish_reason");
            } else {
                g.writeStringField("finish_reason", finishReason);
            }
            g.writeEndObject();
            g.writeEndArray();
            if (usageNull) {
                g.writeNullField("usage");
            }
            g.writeEndObject();
        });
    }

    /** The last chunk of a stream that asked for usage: no choices, only the counts. */
    byte[] usageChunk(int promptTokens, int completionTokens) {
        return write(g -> {
            header(g, chat ? "chat.completion.chunk" : "text_completion");
            g.writeArrayFieldStart("choices");
            g.writeEndArray();
            usage(g, promptTokens, completionTokens);
            g.writeEndObject();
        });
    }

    private void header(JsonGenerator g, String object) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", object);
        g.writeNumberField("created", created);
        g.writeStringField("model", model);
        g.writeStringField("system_fingerprint", fingerprint);
    }

    private static void usage(JsonGenerator g, int promptTokens, int completionTokens) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", promptTokens);
        g.writeNumberField("completion_tokens", completionTokens);
        g.writeNumberField("total_tokens", promptTokens + completionTokens);
        g.writeEndObject();
    }

    @FunctionalInterface
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] write(Body body) {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte buffer cannot fail", e);
        }
        return buffer.toByteArray();
    }
}
