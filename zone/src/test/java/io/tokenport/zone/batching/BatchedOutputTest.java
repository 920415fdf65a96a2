package io.tokenport.zone.batching;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import io.tokenport.zone.RunningZone;
import io.tokenport.zone.metering.UsageRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batching must not change what a request gets: each sequence reads its own logits and its own KV cache, so
 * greedy text from many concurrent streams equals the text each prompt gets alone.
 */
class BatchedOutputTest {
    private static final List<String> PROMPTS = List.of("Once upon a time", "The cat sat", "Lily and Ben went",
            "One day, a big dog", "The sun was", "Tom had a red ball", "In the park", "She was very happy");
    private static RunningZone zone;

    @BeforeAll
    static void start() {
        zone = RunningZone.start(RunningZone.STORIES);
    }

    @AfterAll
    static void stop() {
        zone.close();
    }

    private static CompletionCreateParams params(String prompt) {
        return CompletionCreateParams.builder()
                .model("stories260K")
                .prompt(prompt)
                .maxTokens(400)
                .temperature(0.0)
                .build();
    }

    @Test
    void concurrentStreamsGetExactlyTheTextEachPromptGetsAlone() throws Exception {
        OpenAIClient client = zone.client();
        List<String> alone = new ArrayList<>();
        for (String prompt : PROMPTS) {
            Completion c = client.completions().create(params(prompt));
            alone.add(c.choices().getFirst().text());
        }
        long sharedBefore = zone.server.scheduler().sharedSteps();

        List<CompletableFuture<String>> together = new ArrayList<>();
        // One thread per client (the common pool may have a single thread on a small machine).
        var clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        for (String prompt : PROMPTS) {
            together.add(CompletableFuture.supplyAsync(() -> {
                StringBuilder text = new StringBuilder();
                try (StreamResponse<Completion> s = client.completions().createStreaming(params(prompt))) {
                    s.stream().forEach(c -> c.choices().forEach(choice -> text.append(choice.text())));
                }
                return text.toString();
            }, clients));
        }
        for (int i = 0; i < PROMPTS.size(); i++) {
            assertThat(together.get(i).get(120, TimeUnit.SECONDS)).as(PROMPTS.get(i)).isEqualTo(alone.get(i));
        }
        assertThat(zone.server.scheduler().sharedSteps()).isGreaterThan(sharedBefore);
        assertThat(zone.server.scheduler().activeSequences()).isZero();
        List<UsageRecord> records = zone.server.usage().forTenant(zone.tenant.id());
        assertThat(records).hasSize(2 * PROMPTS.size());
    }

    /**
     * On quantized weights, where a token alone and tokens in a batch take different kernels, greedy output does
     * not depend on what else runs. Prompts of 3 to 130 tokens, chunks of 32, eight requests at once.
     */
    @Test
    void quantizedModelUnderLoadGivesWhatEachRequestGetsAlone(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("q4k.gguf");
        io.tokenport.engine.synth.RandomModelGenerator.generate(new io.tokenport.engine.synth.RandomModelGenerator.Request(
                io.tokenport.engine.synth.ModelShape.of("llama", 256, 2, 4, 2, 512, 512, 512),
                io.tokenport.engine.synth.WeightFormat.parse("Q4_K"), 11, null), file, null);
        try (RunningZone q = RunningZone.start(file, new io.tokenport.zone.batching.BatchScheduler.Settings(8, 64, 32),
                1 << 20, io.tokenport.zone.metering.PriceBook.FREE)) {
            OpenAIClient client = q.client();
            List<String> prompts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                prompts.add("the quick brown fox " .repeat(1 + 3 * i).substring(0, 3 + 17 * i));
            }
            java.util.function.Function<String, CompletionCreateParams> params = p -> CompletionCreateParams.builder()
                    .model(q.modelId()).prompt(p).maxTokens(24).temperature(0.0).build();
            List<String> alone = new ArrayList<>();
            for (String p : prompts) {
                alone.add(client.completions().create(params.apply(p)).choices().getFirst().text());
            }
            var clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            List<CompletableFuture<String>> together = new ArrayList<>();
            for (String p : prompts) {
                together.add(CompletableFuture.supplyAsync(
                        () -> client.completions().create(params.apply(p)).choices().getFirst().text(), clients));
            }
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(together.get(i).get(120, TimeUnit.SECONDS)).as("prompt " + i).isEqualTo(alone.get(i));
            }
            assertThat(q.server.scheduler().sharedSteps()).isPositive();
        }
    }
}
