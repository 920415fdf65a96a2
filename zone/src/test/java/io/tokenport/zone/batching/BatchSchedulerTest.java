package io.tokenport.zone.batching;

import io.tokenport.engine.generate.FinishReason;
import io.tokenport.engine.generate.GenerationRequest;
import io.tokenport.engine.generate.LoadedModel;
import io.tokenport.engine.sampling.SamplingParams;
import io.tokenport.zone.RunningZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduler on its own, driven with a real model. */
class BatchSchedulerTest {
    private static LoadedModel model;

    @BeforeAll
    static void load() throws Exception {
        model = LoadedModel.load(RunningZone.QWEN_VOCAB, 1);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationRequest request(int maxTokens) {
        SamplingParams.Builder sampling = SamplingParams.builder().temperature(0f);
        for (int id : model.tokenizer().endOfGenerationIds()) {
            sampling.logitBias(id, -100f);
        }
        return new GenerationRequest(model.encodePrompt("Count to ten."), sampling.build(), maxTokens, List.of(),
                false);
    }

    @Test
    void oneTenantsFloodDoesNotStarveAnotherTenantsRequest() throws Exception {
        try (BatchScheduler scheduler = new BatchScheduler(model, new BatchScheduler.Settings(1, 16, 64), "test")) {
            Map<String, GenerationStream> streams = new java.util.LinkedHashMap<>();
            // flood-1 runs first and long enough that everything else is queued behind it.
            streams.put("flood-1", scheduler.submit("flood", request(150)));
            streams.get("flood-1").awaitOutput(new StringBuilder());
            for (int i = 2; i <= 5; i++) {
                streams.put("flood-" + i, scheduler.submit("flood", request(10)));
            }
            streams.put("single", scheduler.submit("single", request(10)));
            for (GenerationStream s : streams.values()) {
                s.awaitEnd();
            }
            List<String> finished = new ArrayList<>(streams.keySet());
            finished.sort(java.util.Comparator.comparingLong(name -> streams.get(name).endedNanos()));
            // Round-robin: flood-2, then the other tenant, then the rest of the flood.
            assertThat(finished).containsExactly("flood-1", "flood-2", "single", "flood-3", "flood-4", "flood-5");
        }
    }

    @Test
    void streamCancelledWhileQueuedEndsAtOnceWithoutTokens() throws Exception {
        try (BatchScheduler scheduler = new BatchScheduler(model, new BatchScheduler.Settings(1, 4, 64), "test")) {
            GenerationStream running = scheduler.submit("a", request(400));
            running.awaitOutput(new StringBuilder());
            GenerationStream waiting = scheduler.submit("b", request(10));
            waiting.cancel();
            waiting.awaitEnd();
            assertThat(waiting.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(waiting.completionTokens()).isZero();
            assertThat(scheduler.queuedRequests()).isZero();
            running.cancel();
            running.awaitEnd();
            assertThat(running.finishReason()).isEqualTo(FinishReason.CANCELLED);
        }
    }

    @Test
    void longPromptIsPrefilledInChunksWhileAnotherSequenceKeepsDecoding() throws Exception {
        try (BatchScheduler scheduler = new BatchScheduler(model, new BatchScheduler.Settings(4, 4, 16), "test")) {
            GenerationStream decoding = scheduler.submit("a", request(300));
            StringBuilder sink = new StringBuilder();
            decoding.awaitOutput(sink);
            // About 200 prompt tokens: 13 steps of 16, each also carrying the running sequence's next token.
            int[] prompt = model.encodePrompt("one two three four five six seven eight nine ten ".repeat(20));
            GenerationRequest longPrompt = new GenerationRequest(prompt, request(5).sampling(), 5, List.of(), false);
            long before = scheduler.sharedSteps();
            int tokensBefore = decoding.completionTokens();
            GenerationStream prefilling = scheduler.submit("b", longPrompt);
            prefilling.awaitEnd();
            assertThat(prefilling.finishReason()).isEqualTo(FinishReason.LENGTH);
            assertThat(prefilling.promptTokens()).isEqualTo(prompt.length);
            assertThat(scheduler.sharedSteps() - before).isGreaterThanOrEqualTo(prompt.length / 16);
            assertThat(decoding.completionTokens() - tokensBefore).isGreaterThanOrEqualTo(prompt.length / 16);
            decoding.cancel();
            decoding.awaitEnd();
        }
    }
}
