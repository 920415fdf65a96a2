package io.tokenport.zone.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.admission.KeyLimits;
import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.metering.PriceBook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad requests of every kind get OpenAI's error shape and the right status, never a 500. */
class ErrorResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BODY_LIMIT = 64 * 1024;
    private static RunningZone zone;

    @BeforeAll
    static void start() {
        zone = RunningZone.start(RunningZone.STORIES, new BatchScheduler.Settings(4, 16, 64), BODY_LIMIT,
                PriceBook.FREE);
    }

    @AfterAll
    static void stop() {
        zone.close();
    }

    /** Status, then the error object; asserts the shape has all four fields. */
    private static JsonNode error(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertThat(error).isNotNull();
        assertThat(error.fieldNames()).toIterable().containsExactlyInAnyOrder("message", "type", "param", "code");
        assertThat(error.get("message").asText()).isNotBlank();
        return error;
    }

    private static String chat(String extra) {
        return "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":4"
                + extra + "}";
    }

    @Test
    void missingKeyIs401InvalidApiKey() throws Exception {
        JsonNode e = error(zone.post("/chat/completions", chat(""), null), 401);
        assertThat(e.get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void unknownKeyIs401AndTheMessageDoesNotRepeatIt() throws Exception {
        String wrong = "tp-not-a-real-key-123456789";
        HttpResponse<String> response = zone.post("/chat/completions", chat(""), wrong);
        assertThat(error(response, 401).get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(response.body()).doesNotContain(wrong);
        assertThatThrownBy(() -> zone.client(wrong).models().list()).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void revokedKeyIsRefusedAtOnce() throws Exception {
        var issued = zone.server.tenants().createKey("acme");
        assertThat(zone.post("/chat/completions", chat(""), issued.secret()).statusCode()).isEqualTo(200);
        assertThat(zone.server.tenants().revokeKey(issued.info().id())).isTrue();
        error(zone.post("/chat/completions", chat(""), issued.secret()), 401);
    }

    @Test
    void keyOverItsRequestsPerMinuteIs429WithRetryAfter() throws Exception {
        var limited = zone.server.tenants().createKey("acme", new KeyLimits(2, 0));
        assertThat(zone.post("/chat/completions", chat(""), limited.secret()).statusCode()).isEqualTo(200);
        assertThat(zone.post("/chat/completions", chat(""), limited.secret()).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = zone.post("/chat/completions", chat(""), limited.secret());
        JsonNode e = error(refused, 429);
        assertThat(e.get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(e.get("type").asText()).isEqualTo("requests");
        assertThat(refused.headers().firstValue("retry-after").map(Long::parseLong)).hasValueSatisfying(
                s -> assertThat(s).isBetween(1L, 30L));
        assertThatThrownBy(() -> zone.client(limited.secret()).chat().completions().create(
                ChatCompletionCreateParams.builder().model("stories260K").addUserMessage("Hi").maxCompletionTokens(2)
                        .build())).isInstanceOf(RateLimitException.class);
        // Other keys are not affected.
        assertThat(zone.post("/chat/completions", chat(""), zone.key).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownModelIs404ModelNotFound() throws Exception {
        JsonNode e = error(zone.post("/chat/completions",
                "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", zone.key), 404);
        assertThat(e.get("code").asText()).isEqualTo("model_not_found");
        assertThat(e.get("param").asText()).isEqualTo("model");
        assertThatThrownBy(() -> zone.client().chat().completions().create(ChatCompletionCreateParams.builder()
                .model("gpt-9").addUserMessage("Hi").build())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void malformedJsonIs400() throws Exception {
        JsonNode e = error(zone.post("/chat/completions", "{\"model\": \"stories260K\", \"messages\": [", zone.key),
                400);
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.get("message").asText()).contains("not valid JSON");
    }

    @ParameterizedTest(name = "{0} -> param {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"stories260K\"}                                                  | messages",
            "{\"model\":\"stories260K\",\"messages\":[]}                                  | messages",
            "{\"model\":\"stories260K\",\"messages\":\"Hi\"}                              | messages",
            "{\"model\":7,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}          | model",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}                      | model",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"wizard\",\"content\":\"Hi\"}]} | messages[0].role",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":5}]} | messages[0].content",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]} | messages[0].content[0].type",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":\"hot\"} | temperature",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":3} | temperature",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"top_p\":0} | top_p",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2.5} | max_tokens",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":0} | max_tokens",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"n\":2} | n",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stop\":[1]} | stop",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"seed\":\"x\"} | seed",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream\":\"yes\"} | stream",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"stream_options\":{\"include_usage\":true}} | stream_options",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"logit_bias\":{\"abc\":1}} | logit_bias",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"logit_bias\":{\"99999\":1}} | logit_bias",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"presence_penalty\":-5} | presence_penalty",
            "{\"model\":\"stories260K\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"tools\":[{\"type\":\"function\"}]} | tools",
    })
    void badChatParameterIs400NamingIt(String body, String param) throws Exception {
        JsonNode e = error(zone.post("/chat/completions", body, zone.key), 400);
        assertThat(e.get("param").asText()).isEqualTo(param);
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void textPartsAndTheDeveloperRoleAreAccepted() throws Exception {
        HttpResponse<String> response = zone.post("/chat/completions", "{\"model\":\"stories260K\",\"max_tokens\":3,"
                + "\"messages\":[{\"role\":\"developer\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"Once upon\"},{\"type\":\"text\",\"text\":\" a time\"}]}]}", zone.key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/usage/completion_tokens").asInt()).isBetween(1, 3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[1, 2, 3]",
            "\"just a string\"",
            "null",
            "{} {}",
    })
    void bodyThatIsNotOneObjectIs400(String body) throws Exception {
        error(zone.post("/completions", body, zone.key), 400);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "\\ud800 lone high surrogate",
            "\\udc00 lone low surrogate",
            "nul \\u0000 inside",
            "<|im_start|>system\\nspecial tokens as text",
            "' '",
    })
    void oddPromptTextIsServedNotAnError(String prompt) throws Exception {
        HttpResponse<String> chat = zone.post("/chat/completions", "{\"model\":\"stories260K\",\"max_tokens\":2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}", zone.key);
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        HttpResponse<String> completion = zone.post("/completions", "{\"model\":\"stories260K\",\"max_tokens\":2,"
                + "\"prompt\":\"" + prompt + "\"}", zone.key);
        assertThat(completion.statusCode()).as(completion.body()).isIn(200, 400);
        if (completion.statusCode() == 400) {
            assertThat(error(completion, 400).get("param").asText()).isEqualTo("prompt");
        }
    }

    @Test
    void badCompletionPromptIs400() throws Exception {
        JsonNode e = error(zone.post("/completions", "{\"model\":\"stories260K\",\"prompt\":[\"a\",\"b\"]}", zone.key),
                400);
        assertThat(e.get("param").asText()).isEqualTo("prompt");
        e = error(zone.post("/completions", "{\"model\":\"stories260K\"}", zone.key), 400);
        assertThat(e.get("param").asText()).isEqualTo("prompt");
    }

    @Test
    void promptPlusMaxTokensOverTheContextWindowIs400ContextLengthExceeded() throws Exception {
        JsonNode e = error(zone.post("/chat/completions", chat(",\"max_completion_tokens\":100000"), zone.key), 400);
        assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(e.get("param").asText()).isEqualTo("messages");
        assertThat(e.get("message").asText()).contains("512");

        String longPrompt = "Once upon a time ".repeat(400);
        e = error(zone.post("/completions", "{\"model\":\"stories260K\",\"prompt\":\"" + longPrompt + "\"}", zone.key),
                400);
        assertThat(e.get("code").asText()).isEqualTo("context_length_exceeded");
        assertThat(e.get("param").asText()).isEqualTo("prompt");
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        String big = chat(",\"user\":\"" + "x".repeat(BODY_LIMIT) + "\"");
        JsonNode e = error(zone.post("/chat/completions", big, zone.key), 413);
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void chunkedBodyOverTheLimitIs413Too() throws Exception {
        byte[] big = chat(",\"user\":\"" + "x".repeat(BODY_LIMIT) + "\"").getBytes();
        HttpRequest request = HttpRequest.newBuilder(URI.create(zone.server.baseUrl() + "/chat/completions"))
                .header("Authorization", "Bearer " + zone.key)
                .header("Content-Type", "application/json")
                // A publisher of unknown length: the client sends the body chunked, with no Content-Length.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build();
        error(zone.send(request), 413);
    }

    @Test
    void unknownUrlIs404InTheSameShape() throws Exception {
        HttpResponse<String> response = zone.send(HttpRequest.newBuilder(
                URI.create(zone.server.baseUrl() + "/engines")).GET().build());
        error(response, 404);
    }
}
