package io.tokenport.zone.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenport.engine.chat.ChatMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a request body into {@link CompletionParams}, or an {@link ApiException} that names the offending
 * parameter as OpenAI spells it ({@code messages[2].role}, {@code stop}, ...). Every type is checked here, so
 * nothing later meets a string where it expects a number.
 *
 * <p>Unknown parameters are ignored, as clients send vendor extensions; the few that would change the answer in
 * a way this zone does not implement (tools, log probabilities, echo, ...) are refused rather than silently
 * dropped.
 */
final class CompletionParser {
    private static final int MAX_STOP_STRINGS = 4;
    private static final Set<String> UNSUPPORTED = Set.of("tools", "functions", "tool_choice", "function_call",
            "audio", "modalities", "prediction", "echo", "suffix", "best_of", "top_logprobs");

    private final ObjectMapper json;

    CompletionParser(ObjectMapper json) {
        this.json = json;
    }

    CompletionParams parse(byte[] body, boolean chat) {
        JsonNode root = readJson(body);
        if (!root.isObject()) {
            throw ApiException.invalid(null, "the request body must be a JSON object, got " + kind(root));
        }
        for (String name : UNSUPPORTED) {
            JsonNode v = root.get(name);
            if (v != null && !v.isNull() && !(v.isBoolean() && !v.booleanValue()) && !(v.isArray() && v.isEmpty())) {
                throw ApiException.invalid(name, "'" + name + "' is not supported by this server");
            }
        }
        JsonNode logprobs = root.get("logprobs");
        if (isTrue(logprobs) || (logprobs != null && logprobs.isIntegralNumber() && logprobs.longValue() > 0)) {
            throw ApiException.invalid("logprobs", "'logprobs' is not supported by this server");
        }
        JsonNode format = root.get("response_format");
        if (format != null && !format.isNull() && !"text".equals(format.path("type").asText())) {
            throw ApiException.invalid("response_format", "only response_format {\"type\": \"text\"} is supported");
        }

        String model = requiredString(root, "model");
        List<ChatMessage> messages = chat ? messages(root) : List.of();
        String prompt = chat ? null : prompt(root);

        Integer n = optionalInt(root, "n");
        if (n != null && n != 1) {
            throw ApiException.invalid("n", "n must be 1: this server returns one choice per request, got " + n);
        }
        Integer maxTokens = optionalInt(root, "max_tokens");
        if (chat) {
            Integer maxCompletion = optionalInt(root, "max_completion_tokens");
            if (maxCompletion != null) {
                checkPositive("max_completion_tokens", maxCompletion);
                maxTokens = maxCompletion;
            }
        }
        if (maxTokens != null) {
            checkPositive("max_tokens", maxTokens);
        }
        Float temperature = optionalFloat(root, "temperature");
        Float topP = optionalFloat(root, "top_p");
        Float presence = optionalFloat(root, "presence_penalty");
        Float frequency = optionalFloat(root, "frequency_penalty");
        Long seed = optionalLong(root, "seed");
        Map<Integer, Float> bias = logitBias(root.get("logit_bias"));
        List<String> stop = stop(root.get("stop"));
        optionalString(root, "user");

        Boolean stream = optionalBoolean(root, "stream");
        boolean streaming = stream != null && stream;
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!streaming) {
                throw ApiException.invalid("stream_options",
                        "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
            }
            if (!options.isObject()) {
                throw ApiException.invalid("stream_options", "stream_options must be an object, got " + kind(options));
            }
            Boolean usage = optionalBoolean(options, "include_usage", "stream_options.include_usage");
            includeUsage = usage != null && usage;
        }
        return new CompletionParams(chat, model, messages, prompt, maxTokens, temperature, topP, seed, presence,
                frequency, bias, stop, streaming, includeUsage);
    }

    private JsonNode readJson(byte[] body) {
        if (body.length == 0) {
            throw ApiException.invalid(null, "the request body is empty: send a JSON object");
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.invalid(null, "the request body is empty: send a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            var where = e.getLocation();
            throw ApiException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage()
                    + (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
        } catch (IOException e) {
            throw ApiException.invalid(null, "the request body could not be read: " + e.getMessage());
        }
    }

    private static List<ChatMessage> messages(JsonNode root) {
        JsonNode node = root.get("messages");
        if (node == null || node.isNull()) {
            throw ApiException.invalid("messages", "Missing required parameter: 'messages'.");
        }
        if (!node.isArray()) {
            throw ApiException.invalid("messages", "messages must be an array, got " + kind(node));
        }
        if (node.isEmpty()) {
            throw ApiException.invalid("messages", "messages must contain at least one message");
        }
        List<ChatMessage> messages = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String at = "messages[" + i + "]";
            if (!m.isObject()) {
                throw ApiException.invalid(at, at + " must be an object, got " + kind(m));
            }
            JsonNode roleNode = m.get("role");
            if (roleNode == null || !roleNode.isTextual()) {
                throw ApiException.invalid(at + ".role", at + ".role must be a string such as \"user\"");
            }
            String role = roleNode.textValue();
            // OpenAI's newer name for instructions that rank as a system message.
            if (role.equals("developer")) {
                role = "system";
            }
            String content = content(m.get("content"), at + ".content");
            try {
                messages.add(ChatMessage.of(role, content));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(at + ".role", "Invalid value for " + at + ".role: '" + roleNode.textValue()
                        + "'. Supported values are: 'system', 'developer', 'user' and 'assistant'.");
            }
        }
        return messages;
    }

    /** A message's content: a string, or an array of text parts joined. */
    private static String content(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            throw ApiException.invalid(at, at + " is required");
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (!node.isArray()) {
            throw ApiException.invalid(at, at + " must be a string or an array of text parts, got " + kind(node));
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < node.size(); j++) {
            JsonNode part = node.get(j);
            String partAt = at + "[" + j + "]";
            if (!part.isObject()) {
                throw ApiException.invalid(partAt, partAt + " must be an object, got " + kind(part));
            }
            JsonNode type = part.get("type");
            if (type == null || !type.isTextual() || !type.textValue().equals("text")) {
                throw ApiException.invalid(partAt + ".type", partAt + ".type must be \"text\": this server reads"
                        + " text only");
            }
            JsonNode t = part.get("text");
            if (t == null || !t.isTextual()) {
                throw ApiException.invalid(partAt + ".text", partAt + ".text must be a string");
            }
            text.append(t.textValue());
        }
        return text.toString();
    }

    private static String prompt(JsonNode root) {
        JsonNode node = root.get("prompt");
        if (node == null || node.isNull()) {
            throw ApiException.invalid("prompt", "Missing required parameter: 'prompt'.");
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isArray() && node.size() == 1 && node.get(0).isTextual()) {
            return node.get(0).textValue();
        }
        throw ApiException.invalid("prompt", "prompt must be a string (or an array holding one string): this server"
                + " completes one prompt per request");
    }

    private static Map<Integer, Float> logitBias(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ApiException.invalid("logit_bias", "logit_bias must be an object of token ids to numbers, got "
                    + kind(node));
        }
        Map<Integer, Float> bias = new HashMap<>();
        for (var e : node.properties()) {
            int token;
            try {
                token = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw ApiException.invalid("logit_bias", "logit_bias keys must be token ids (integers), got \""
                        + e.getKey() + "\"");
            }
            if (!e.getValue().isNumber()) {
                throw ApiException.invalid("logit_bias", "logit_bias value for token " + token
                        + " must be a number, got " + kind(e.getValue()));
            }
            bias.put(token, e.getValue().floatValue());
        }
        return bias;
    }

    private static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return node.textValue().isEmpty() ? List.of() : List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw ApiException.invalid("stop", "stop must be a string or an array of strings, got " + kind(node));
        }
        if (node.size() > MAX_STOP_STRINGS) {
            throw ApiException.invalid("stop", "stop may hold at most " + MAX_STOP_STRINGS + " strings, got "
                    + node.size());
        }
        List<String> stop = new ArrayList<>(node.size());
        for (JsonNode s : node) {
            if (!s.isTextual()) {
                throw ApiException.invalid("stop", "stop must be a string or an array of strings, found "
                        + kind(s) + " in the array");
            }
            if (!s.textValue().isEmpty()) {
                stop.add(s.textValue());
            }
        }
        return stop;
    }

    private static void checkPositive(String name, int value) {
        if (value < 1) {
            throw ApiException.invalid(name, name + " must be at least 1, got " + value);
        }
    }

    private static String requiredString(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            throw ApiException.invalid(name, "Missing required parameter: '" + name + "'.");
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(name, name + " must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    private static String optionalString(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.invalid(name, name + " must be a string, got " + kind(v));
        }
        return v.textValue();
    }

    private static Integer optionalInt(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiException.invalid(name, name + " must be an integer, got " + kind(v));
        }
        return v.intValue();
    }

    private static Long optionalLong(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.invalid(name, name + " must be a 64-bit integer, got " + kind(v));
        }
        return v.longValue();
    }

    private static Float optionalFloat(JsonNode root, String name) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiException.invalid(name, name + " must be a number, got " + kind(v));
        }
        return v.floatValue();
    }

    private static Boolean optionalBoolean(JsonNode root, String name) {
        return optionalBoolean(root, name, name);
    }

    private static Boolean optionalBoolean(JsonNode root, String name, String param) {
        JsonNode v = root.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiException.invalid(param, param + " must be a boolean, got " + kind(v));
        }
        return v.booleanValue();
    }

    private static boolean isTrue(JsonNode v) {
        return v != null && v.isBoolean() && v.booleanValue();
    }

    /** How a JSON value is named in messages: "a string", "an array", ... (never its content). */
    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> "an unexpected value";
        };
    }
}
