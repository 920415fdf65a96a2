package io.tokenport.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenport.engine.chat.ChatMessage;
import io.tokenport.engine.chat.ChatTemplate;
import io.tokenport.engine.chat.ChatTemplates;
import io.tokenport.engine.generate.GenerationRequest;
import io.tokenport.engine.generate.GenerationResult;
import io.tokenport.engine.generate.Generator;
import io.tokenport.engine.generate.LoadedModel;
import io.tokenport.engine.generate.TokenSink;
import io.tokenport.engine.sampling.SamplingParams;
import io.tokenport.engine.tensor.FloatTensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tokenport generate}: runs the engine directly on a GGUF model, no server. */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = {"Generate text with the engine directly from a GGUF model (by default",
                ModelOptions.DEFAULT_MODEL_NAME + ", downloaded once and cached).",
                "Text goes to stdout as it is produced; loading progress and timings go",
                "to stderr."})
final class GenerateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT",
            description = "The prompt (with --chat: the user's message).")
    String prompt;

    @Option(names = "--chat", description = "Wrap the prompt in the model's chat template.")
    boolean chat;

    @Option(names = "--system", paramLabel = "TEXT", description = "System message (implies --chat).")
    String system;

    @Option(names = "--template", paramLabel = "FAMILY",
            description = "Chat template family, overriding the one detected from the model: chatml, qwen3, llama2, llama3, mistral.")
    String template;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "128",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0",
            description = "Sampling temperature; 0 is greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Keep the K most likely tokens; 0 = off.")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1", description = "Nucleus sampling mass; 1 = off.")
    float topP;

    @Option(names = "--min-p", paramLabel = "P", defaultValue = "0", description = "Minimum probability relative to the best; 0 = off.")
    float minP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed: the same seed gives the same tokens.")
    long seed;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop string (repeatable).")
    List<String> stop = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-generation tokens.")
    boolean ignoreEos;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: the number of CPU cores).")
    Integer threads;

    @Option(names = "--json", description = "Print exactly one JSON object on stdout instead of the text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (threadCount < 1 || threadCount > 1024) {
            throw new IllegalArgumentException("--threads must be between 1 and 1024, got " + threadCount);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
        }
        if (template != null && !chat && system == null) {
            throw new IllegalArgumentException("--template only applies with --chat or --system");
        }
        ChatTemplate family = template == null ? null : ChatTemplates.byName(template);
        SamplingParams sampling = SamplingParams.builder()
                .temperature(temperature).topK(topK).topP(topP).minP(minP).seed(seed).build();

        Path model = modelOptions.modelFile(err);
        err.printf("loading %s (%,d MB)%n", model, Files.size(model) >> 20);
        err.flush();
        long t0 = System.nanoTime();
        try (LoadedModel loaded = LoadedModel.load(model, threadCount)) {
            var config = loaded.model().config();
            err.printf("loaded %s in %d ms: %s, %d layers, dim %d, vocab %,d, context %,d, %d thread%s, "
                    + "%d-float vectors%n",
                    loaded.name(), (System.nanoTime() - t0) / 1_000_000, config.architecture().ggufName(),
                    config.blockCount(), config.embeddingLength(), config.vocabularySize(), config.contextLength(),
                    threadCount, threadCount == 1 ? "" : "s", FloatTensor.vectorLanes());

            int[] promptIds = promptIds(loaded, family);
            GenerationRequest request = new GenerationRequest(promptIds, sampling, maxTokens, stop, ignoreEos);
            TokenSink sink = json ? TokenSink.NONE : (token, text) -> {
                out.print(text);
                out.flush();
            };
            GenerationResult result = new Generator(loaded).generate(request, sink);

            if (json) {
                out.println(new ObjectMapper().writeValueAsString(toJson(result)));
            } else {
                out.println();
            }
            out.flush();
            err.printf("prompt: %d tokens, %.1f tokens/s; generated: %d tokens, %.1f tokens/s; finish: %s%n",
                    promptIds.length, result.prefillTokensPerSecond(), result.tokens().length,
                    result.decodeTokensPerSecond(), result.finishReason().apiName());
            return 0;
        }
    }

    /** The prompt's ids: plain text, or a conversation in {@code family} (null: the model's own template). */
    private int[] promptIds(LoadedModel loaded, ChatTemplate family) {
        if (!chat && system == null) {
            return loaded.encodePrompt(prompt);
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(ChatMessage.system(system));
        }
        messages.add(ChatMessage.user(prompt));
        return loaded.encodeChat(family != null ? family : loaded.chatTemplate(), messages);
    }

    private static Map<String, Object> toJson(GenerationResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("prompt_ids", r.promptIds());
        m.put("tokens", r.tokens());
        m.put("text", r.text());
        m.put("prompt_tokens", r.promptIds().length);
        m.put("completion_tokens", r.tokens().length);
        m.put("finish_reason", r.finishReason().apiName());
        m.put("prefill_tokens_per_second", round(r.prefillTokensPerSecond()));
        m.put("decode_tokens_per_second", round(r.decodeTokensPerSecond()));
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
