package io.tokenport.zone.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenport.zone.RunningZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a client sends, the zone answers 200 or a 4xx in OpenAI's error shape: never a 500, never a hang.
 * Bodies are valid requests with random values (of any JSON type) in their fields, and plain random text.
 * The cases come from fixed seeds, so a failure reproduces; the case number and input in the message say which.
 */
class AnyRequestBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("model", "messages", "prompt", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "seed", "stop", "n", "logit_bias", "stream",
            "stream_options", "presence_penalty", "frequency_penalty", "user", "logprobs", "response_format");
    private static final List<String> OBJECT_KEYS = List.of("role", "content", "type", "text", "include_usage",
            "1", "x");
    private static final String JSONISH_CHARS = "{}[]\":,0123456789.-eE tfnalrsu\\";
    /** Past this nesting depth only scalars are generated, so values stay small. */
    private static final int MAX_DEPTH = 4;
    private static RunningZone zone;

    @BeforeAll
    static void start() {
        zone = RunningZone.start(RunningZone.STORIES);
    }

    @AfterAll
    static void stop() {
        zone.close();
    }

    @Test
    void fieldOfAnyTypeGetsAnAnswerNotAnError() throws Exception {
        Random random = new Random(1);
        for (int i = 0; i < 150; i++) {
            String field = FIELDS.get(random.nextInt(FIELDS.size()));
            JsonNode value = anyJson(random, 0);
            boolean chat = random.nextBoolean();
            ObjectNode body = NODES.objectNode();
            body.put("model", "stories260K");
            if (chat) {
                body.putArray("messages").addObject().put("role", "user").put("content", "Hello");
            } else {
                body.put("prompt", "Once upon a time");
            }
            body.put("max_tokens", 3);
            body.set(field, value);
            String json = JSON.writeValueAsString(body);
            String path = chat ? "/chat/completions" : "/completions";
            check("case %d: %s %s".formatted(i, path, json), zone.post(path, json, zone.key));
        }
    }

    @Test
    void randomTextIsA400() throws Exception {
        Random random = new Random(2);
        for (int i = 0; i < 100; i++) {
            String body = garbage(random);
            HttpResponse<String> response = zone.post("/chat/completions", body, zone.key);
            String what = "case %d: %s".formatted(i, body);
            assertThat(response.statusCode()).as(what).isEqualTo(400);
            check(what, response);
        }
    }

    private static void check(String what, HttpResponse<String> response) throws Exception {
        int status = response.statusCode();
        assertThat(status).as("%s -> %s", what, response.body()).isIn(200, 400, 404);
        if (status == 200) {
            if (response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream")) {
                assertThat(response.body()).as(what).endsWith("data: [DONE]\n\n");
            } else {
                assertThat(JSON.readTree(response.body()).get("choices")).as("%s -> %s", what, response.body())
                        .isNotNull();
            }
        } else {
            JsonNode error = JSON.readTree(response.body()).get("error");
            assertThat(error.get("message").asText()).as("%s -> %s", what, response.body()).isNotBlank();
            assertThat(error.get("type").asText()).as("%s -> %s", what, response.body())
                    .isEqualTo("invalid_request_error");
        }
    }

    /** Any text up to 200 chars, or up to 60 chars of JSON punctuation, digits and keyword letters. */
    private static String garbage(Random random) {
        if (random.nextBoolean()) {
            return anyString(random, 200);
        }
        StringBuilder sb = new StringBuilder();
        for (int n = random.nextInt(61); n > 0; n--) {
            sb.append(JSONISH_CHARS.charAt(random.nextInt(JSONISH_CHARS.length())));
        }
        return sb.toString();
    }

    /**
     * Text of 0..maxLength chars: a quarter of the chars ASCII (controls included), the rest from the whole
     * char range less private-use chars and noncharacters, so lone surrogates come up too.
     */
    private static String anyString(Random random, int maxLength) {
        StringBuilder sb = new StringBuilder();
        for (int n = random.nextInt(maxLength + 1); n > 0; n--) {
            char c;
            if (random.nextInt(4) == 0) {
                c = (char) random.nextInt(128);
            } else {
                do {
                    c = (char) random.nextInt(Character.MAX_VALUE + 1);
                } while ((c >= '\uE000' && c <= '\uF8FF') || (c >= '\uFDD0' && c <= '\uFDEF') || c >= '\uFFFE');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** One of ten kinds, equally likely: text, four kinds of number, boolean, null, array, object. */
    private static JsonNode anyJson(Random random, int depth) {
        int kinds = depth < MAX_DEPTH ? 10 : 8;
        return switch (random.nextInt(kinds)) {
            case 0 -> NODES.textNode(anyString(random, 20));
            case 1 -> NODES.numberNode(anyInt(random));
            case 2 -> NODES.numberNode(-3 + random.nextInt(604)); // -3..600
            case 3 -> NODES.numberNode(anyLong(random));
            case 4 -> NODES.numberNode(anyDoubleWithin5(random));
            case 5 -> NODES.numberNode(pick(random, Double.MAX_VALUE, -0.0, 1e300));
            case 6 -> NODES.booleanNode(random.nextBoolean());
            case 7 -> NODES.nullNode();
            case 8 -> {
                ArrayNode array = NODES.arrayNode();
                for (int n = random.nextInt(4); n > 0; n--) {
                    array.add(anyJson(random, depth + 1));
                }
                yield array;
            }
            default -> {
                List<String> keys = new ArrayList<>(OBJECT_KEYS);
                Collections.shuffle(keys, random);
                ObjectNode object = NODES.objectNode();
                for (String key : keys.subList(0, random.nextInt(4))) {
                    object.set(key, anyJson(random, depth + 1));
                }
                yield object;
            }
        };
    }

    /** Edge values a quarter of the time, small values a quarter, else any int. */
    private static int anyInt(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> pick(random, Integer.MIN_VALUE, Integer.MIN_VALUE + 1, -2, -1, 0, 1, 2, Integer.MAX_VALUE - 1,
                    Integer.MAX_VALUE);
            case 1 -> random.nextInt(-1000, 1001);
            default -> random.nextInt();
        };
    }

    private static long anyLong(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> pick(random, Long.MIN_VALUE, Long.MIN_VALUE + 1, -2L, -1L, 0L, 1L, 2L, Long.MAX_VALUE - 1,
                    Long.MAX_VALUE);
            case 1 -> random.nextLong(-1000, 1001);
            default -> random.nextLong();
        };
    }

    /** In -5..5: the ends and zero, two-decimal values, or full-precision ones. */
    private static double anyDoubleWithin5(Random random) {
        double d = random.nextDouble(-5, 5);
        return switch (random.nextInt(4)) {
            case 0 -> pick(random, -5.0, -0.01, 0.0, 0.01, 5.0);
            case 1 -> Math.round(d * 100) / 100.0;
            default -> d;
        };
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }
}
