package io.tokenport.zone.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tokenport.zone.RunningZone;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a client sends, the zone answers 200 or a 4xx in OpenAI's error shape: never a 500, never a hang.
 * Bodies are valid requests with random values (of any JSON type) in their fields, and plain random text.
 */
class AnyRequestBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("model", "messages", "prompt", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "seed", "stop", "n", "logit_bias", "stream",
            "stream_options", "presence_penalty", "frequency_penalty", "user", "logprobs", "response_format");
    private static RunningZone zone;

    @BeforeContainer
    static void start() {
        zone = RunningZone.start(RunningZone.STORIES);
    }

    @AfterContainer
    static void stop() {
        zone.close();
    }

    @Property(tries = 150)
    void fieldOfAnyTypeGetsAnAnswerNotAnError(@ForAll("fieldName") String field, @ForAll("anyJson") JsonNode value,
                                              @ForAll boolean chat) throws Exception {
        ObjectNode body = NODES.objectNode();
        body.put("model", "stories260K");
        if (chat) {
            body.putArray("messages").addObject().put("role", "user").put("content", "Hello");
        } else {
            body.put("prompt", "Once upon a time");
        }
        body.put("max_tokens", 3);
        body.set(field, value);
        check(zone.post(chat ? "/chat/completions" : "/completions", JSON.writeValueAsString(body), zone.key));
    }

    @Property(tries = 100)
    void randomTextIsA400(@ForAll("garbage") String body) throws Exception {
        HttpResponse<String> response = zone.post("/chat/completions", body, zone.key);
        assertThat(response.statusCode()).as(body).isEqualTo(400);
        check(response);
    }

    private static void check(HttpResponse<String> response) throws Exception {
        int status = response.statusCode();
        assertThat(status).as(response.body()).isIn(200, 400, 404);
        if (status == 200) {
            if (response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream")) {
                assertThat(response.body()).endsWith("data: [DONE]\n\n");
            } else {
                assertThat(JSON.readTree(response.body()).get("choices")).isNotNull();
            }
        } else {
            JsonNode error = JSON.readTree(response.body()).get("error");
            assertThat(error.get("message").asText()).isNotBlank();
            assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        }
    }

    @Provide
    Arbitrary<String> fieldName() {
        return Arbitraries.of(FIELDS);
    }

    @Provide
    Arbitrary<String> garbage() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars("{}[]\":,0123456789.-eE tfnalrsu\\").ofMaxLength(60));
    }

    @Provide
    Arbitrary<JsonNode> anyJson() {
        return Arbitraries.lazyOf(
                () -> Arbitraries.strings().ofMaxLength(20).map(NODES::textNode),
                () -> Arbitraries.integers().map(i -> (JsonNode) NODES.numberNode(i)),
                () -> Arbitraries.integers().between(-3, 600).map(i -> (JsonNode) NODES.numberNode(i)),
                () -> Arbitraries.longs().map(l -> (JsonNode) NODES.numberNode(l)),
                () -> Arbitraries.doubles().between(-5, 5).map(d -> (JsonNode) NODES.numberNode(d)),
                () -> Arbitraries.of(Double.MAX_VALUE, -0.0, 1e300).map(d -> (JsonNode) NODES.numberNode(d)),
                () -> Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b)),
                () -> Arbitraries.just(NODES.nullNode()),
                () -> anyJson().list().ofMaxSize(3).map(items -> {
                    ArrayNode array = NODES.arrayNode();
                    items.forEach(array::add);
                    return (JsonNode) array;
                }),
                () -> Arbitraries.maps(Arbitraries.of("role", "content", "type", "text", "include_usage", "1",
                        "x"), anyJson()).ofMaxSize(3).map(AnyRequestBodyTest::object));
    }

    private static JsonNode object(Map<String, JsonNode> fields) {
        ObjectNode node = NODES.objectNode();
        fields.forEach(node::set);
        return node;
    }
}
