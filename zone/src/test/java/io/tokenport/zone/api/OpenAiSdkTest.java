package io.tokenport.zone.api;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import io.tokenport.engine.chat.ChatMessage;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.batching.BatchScheduler;
import io.tokenport.zone.metering.Price;
import io.tokenport.zone.metering.PriceBook;
import io.tokenport.zone.metering.UsageRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The official OpenAI Java SDK against a running zone serving TinyStories 260K. */
class OpenAiSdkTest {
    private static RunningZone zone;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        // $1 per million prompt tokens, $2 per million generated ones.
        PriceBook prices = new PriceBook(Map.of("stories260K", new Price(1_000_000, 2_000_000)), new Price(0, 0));
        zone = RunningZone.start(RunningZone.STORIES, new BatchScheduler.Settings(8, 64, 64), 1 << 20, prices);
        client = zone.client();
    }

    @AfterAll
    static void stop() {
        zone.close();
    }

    @Test
    void listsTheServedModel() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly("stories260K");
        assertThat(models.getFirst().ownedBy()).isEqualTo("tokenport");
    }

    @Test
    void completionContinuesThePromptAsTheModelWasTrained() {
        Completion completion = client.completions().create(CompletionCreateParams.builder()
                .model("stories260K")
                .prompt("Once upon a time")
                .maxTokens(12)
                .temperature(0.0)
                .build());
        String text = completion.choices().getFirst().text();
        // llama.cpp's greedy continuation of this prompt on this model (../shared/models/README.md).
        assertThat(text).startsWith(", there was a little girl named Lily");
        assertThat(completion.choices().getFirst().finishReason().asString()).isEqualTo("length");
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(12);
        int promptTokens = zone.server.model().model().encodePrompt("Once upon a time").length;
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(promptTokens);
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(promptTokens + 12);
        assertThat(completion.systemFingerprint()).contains(zone.server.model().systemFingerprint());
        assertThat(completion.id()).startsWith("cmpl-");
    }

    @Test
    @SuppressWarnings("deprecation") // OpenAI deprecated system_fingerprint; the zone still sends it
    void chatCompletionAnswersWithUsageCountedByTheZonesTokenizer() {
        ChatCompletion chat = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("stories260K")
                .addSystemMessage("You tell stories.")
                .addUserMessage("Tell me about a cat.")
                .maxCompletionTokens(20)
                .temperature(0.0)
                .build());
        var choice = chat.choices().getFirst();
        assertThat(choice.message().content()).isPresent();
        assertThat(choice.finishReason().asString()).isIn("stop", "length");
        var loaded = zone.server.model();
        int promptTokens = loaded.model().encodeChat(loaded.template(),
                List.of(ChatMessage.system("You tell stories."), ChatMessage.user("Tell me about a cat."))).length;
        assertThat(chat.usage().orElseThrow().promptTokens()).isEqualTo(promptTokens);
        assertThat(chat.usage().orElseThrow().completionTokens()).isBetween(1L, 20L);
        assertThat(chat.systemFingerprint()).hasValue(loaded.systemFingerprint());
        assertThat(chat.model()).isEqualTo("stories260K");
        assertThat(chat.id()).startsWith("chatcmpl-");
    }

    @Test
    void streamedChatHasTheSameTextAsTheWholeAnswerAndEndsWithUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("stories260K")
                .addUserMessage("Once upon a time")
                .maxCompletionTokens(30)
                .temperature(0.0)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (ChatCompletionChunk c : chunks) {
            for (var choice : c.choices()) {
                choice.delta().content().ifPresent(text::append);
                if (choice.finishReason().isPresent()) {
                    finish = choice.finishReason().get().asString();
                }
            }
        }
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        var usage = last.usage().orElseThrow();
        assertThat(finish).isIn("stop", "length");

        ChatCompletion whole = client.chat().completions().create(params.toBuilder().streamOptions(
                java.util.Optional.empty()).build());
        assertThat(text.toString()).isEqualTo(whole.choices().getFirst().message().content().orElseThrow());
        assertThat(usage.completionTokens()).isEqualTo(whole.usage().orElseThrow().completionTokens());
        assertThat(usage.promptTokens()).isEqualTo(whole.usage().orElseThrow().promptTokens());
    }

    @Test
    void streamedCompletionMatchesTheGreedyReference() {
        StringBuilder text = new StringBuilder();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(CompletionCreateParams.builder()
                .model("stories260K")
                .prompt("Once upon a time")
                .maxTokens(12)
                .temperature(0.0)
                .build())) {
            stream.stream().forEach(c -> c.choices().forEach(choice -> text.append(choice.text())));
        }
        assertThat(text.toString()).startsWith(", there was a little girl named Lily");
    }

    @Test
    void stopStringEndsTheTextBeforeIt() {
        Completion completion = client.completions().create(CompletionCreateParams.builder()
                .model("stories260K")
                .prompt("Once upon a time")
                .maxTokens(30)
                .temperature(0.0)
                .stop("girl")
                .build());
        assertThat(completion.choices().getFirst().text()).isEqualTo(", there was a little ");
        assertThat(completion.choices().getFirst().finishReason().asString()).isEqualTo("stop");
    }

    @Test
    void everyRequestIsMeteredAndPricedInMicroUsd() {
        int before = zone.server.usage().forTenant(zone.tenant.id()).size();
        Completion completion = client.completions().create(CompletionCreateParams.builder()
                .model("stories260K")
                .prompt("Once upon a time")
                .maxTokens(10)
                .temperature(0.0)
                .build());
        List<UsageRecord> records = zone.server.usage().forTenant(zone.tenant.id());
        assertThat(records).hasSize(before + 1);
        UsageRecord r = records.getLast();
        long prompt = completion.usage().orElseThrow().promptTokens();
        assertThat(r.promptTokens()).isEqualTo(prompt);
        assertThat(r.completionTokens()).isEqualTo(10);
        assertThat(r.keyId()).isEqualTo(zone.keyId);
        assertThat(r.model()).isEqualTo("stories260K");
        assertThat(r.endpoint()).isEqualTo("completions");
        assertThat(r.finishReason()).isEqualTo("length");
        assertThat(r.timeToFirstTokenUs()).isPositive();
        assertThat(r.timePerOutputTokenUs()).isPositive();
        // $1/M prompt + $2/M completion: one micro-USD per prompt token, two per generated token.
        assertThat(r.priceMicroUsd()).isEqualTo(prompt + 20);
    }
}
