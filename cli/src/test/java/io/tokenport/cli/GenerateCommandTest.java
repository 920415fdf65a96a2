package io.tokenport.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tokenport.cli.models.HubServer;
import io.tokenport.engine.tensor.FloatTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateCommandTest {
    private static final Path MODELS = Path.of("../shared/models");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        return run(Map.of(), args);
    }

    /** Runs {@code tokenport ARGS} with {@code environment} as the model options' environment. */
    static Run run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = TokenPort.commandLine();
        cl.getSubcommands().get("generate").<GenerateCommand>getCommand().modelOptions.environment = environment;
        cl.getSubcommands().get("up").<UpCommand>getCommand().zoneOptions.modelOptions.environment = environment;
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void jsonOutputMatchesLlamaCppGreedyReference() throws Exception {
        JsonNode reference = JSON.readTree(MODELS.resolve("reference.json").toFile())
                .path("models").path("stories260K").path("greedy");

        Run run = run("generate", "--model", MODELS.resolve("stories260K.gguf").toString(),
                "--prompt", "Once upon a time", "--max-tokens", "32", "--ignore-eos", "--threads", "2", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = JSON.readTree(run.out());
        assertThat(ints(result.path("prompt_ids"))).isEqualTo(ints(reference.path("prompt_ids")));
        assertThat(ints(result.path("tokens"))).isEqualTo(ints(reference.path("ids")));
        assertThat(result.path("text").asText()).startsWith(", there was a little girl named Lily.");
        assertThat(result.path("prompt_tokens").asInt()).isEqualTo(reference.path("prompt_ids").size());
        assertThat(result.path("completion_tokens").asInt()).isEqualTo(32);
        assertThat(result.path("finish_reason").asText()).isEqualTo("length");
        assertThat(result.path("prefill_tokens_per_second").asDouble()).isPositive();
        assertThat(result.path("decode_tokens_per_second").asDouble()).isPositive();
        // Exactly one JSON object on stdout, nothing else.
        assertThat(run.out().strip().lines()).hasSize(1);
    }

    @Test
    void anHfModelIsDownloadedIntoTheCacheAndGenerates(@TempDir Path cache) throws Exception {
        try (HubServer hub = new HubServer("tiny", "stories-GGUF", "main", "stories260K.gguf",
                Files.readAllBytes(MODELS.resolve("stories260K.gguf")))) {
            Run run = run(Map.of("HF_ENDPOINT", hub.endpoint(), "TOKENPORT_MODEL_CACHE", cache.toString()),
                    "generate", "--model", "hf:tiny/stories-GGUF/stories260K.gguf", "--prompt", "Once upon a time",
                    "--max-tokens", "20", "--threads", "1");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).startsWith(", there was a little girl named Lily.");
            assertThat(run.err()).contains("loading " + cache.resolve("tiny/stories-GGUF/main/stories260K.gguf"));
        }
    }

    @Test
    void plainOutputPrintsTheTextAndTimingsGoToStderr() {
        Run run = run("generate", "--model", MODELS.resolve("stories260K.gguf").toString(),
                "--prompt", "Once upon a time", "--max-tokens", "20", "--threads", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith(", there was a little girl named Lily.");
        assertThat(run.err()).contains("loaded stories260K").contains("generated: 20 tokens")
                .contains("finish: length").contains(", 1 thread, " + FloatTensor.vectorLanes() + "-float vectors");
        assertThat(FloatTensor.vectorLanes()).isIn(8, 16);
    }

    @Test
    void stopStringEndsTheTextBeforeIt() throws Exception {
        Run run = run("generate", "--model", MODELS.resolve("stories260K.gguf").toString(),
                "--prompt", "Once upon a time", "--max-tokens", "64", "--stop", "Lily", "--json");

        JsonNode result = JSON.readTree(run.out());
        assertThat(result.path("text").asText()).isEqualTo(", there was a little girl named ");
        assertThat(result.path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void chatWrapsThePromptInTheModelsTemplate() throws Exception {
        Run run = run("generate", "--model", MODELS.resolve("qwen2-vocab.gguf").toString(), "--prompt", "Hi there",
                "--chat", "--system", "Be brief", "--max-tokens", "3", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Integer> ids = ints(JSON.readTree(run.out()).path("prompt_ids"));
        int imStart = 151644;
        int imEnd = 151645;
        // <|im_start|>system\nBe brief<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n
        assertThat(ids.getFirst()).isEqualTo(imStart);
        assertThat(ids.stream().filter(id -> id == imStart).count()).isEqualTo(3);
        assertThat(ids.stream().filter(id -> id == imEnd).count()).isEqualTo(2);
        assertThat(ids.subList(ids.size() - 3, ids.size())).containsExactly(imStart, 77091, 198);
    }

    @Test
    void unknownTemplateNameFailsBeforeLoadingTheModel() {
        Run run = run("generate", "--model", MODELS.resolve("qwen2-vocab.gguf").toString(), "--prompt", "hi",
                "--chat", "--template", "nope");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("valid names: chatml, qwen3, llama2, llama3, mistral")
                .doesNotContain("loading");
    }

    @Test
    void missingModelFileIsAClearErrorNotAStackTrace() {
        Run run = run("generate", "--model", "no/such/model.gguf", "--prompt", "hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("file not found: no/such/model.gguf").doesNotContain("Exception");
    }

    @Test
    void truncatedModelFileNamesTheProblem(@TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(MODELS.resolve("stories260K.gguf"));
        Path truncated = dir.resolve("truncated.gguf");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));

        Run run = run("generate", "--model", truncated.toString(), "--prompt", "hi");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("truncated").contains("tensor").doesNotContain("Exception");
    }

    @Test
    void badArgumentsAreRefusedWithTheirName() {
        Run zero = run("generate", "--model", MODELS.resolve("stories260K.gguf").toString(), "--prompt", "hi",
                "--max-tokens", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--max-tokens must be at least 1");

        Run hot = run("generate", "--model", MODELS.resolve("stories260K.gguf").toString(), "--prompt", "hi",
                "--temperature", "7");
        assertThat(hot.exitCode()).isEqualTo(2);
        assertThat(hot.err()).contains("temperature");

        Run tooLong = run("generate", "--model", MODELS.resolve("aidreams260K.gguf").toString(), "--prompt", "hi",
                "--max-tokens", "100000");
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.err()).contains("context");
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(n -> values.add(n.asInt()));
        return values;
    }
}
