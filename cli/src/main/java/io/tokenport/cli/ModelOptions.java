package io.tokenport.cli;

import io.tokenport.cli.models.HubSettings;
import io.tokenport.cli.models.ModelDownloader;
import io.tokenport.cli.models.ModelReference;
import io.tokenport.cli.models.PinnedModel;
import io.tokenport.cli.models.ProgressBar;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code --model} and {@code --model-cache}, shared by the commands that load a model, so that every command names
 * models the same way: a local file, a Hugging Face file, or by default {@link PinnedModel#DEFAULT}.
 */
final class ModelOptions {
    /** The default model in words, for help texts. */
    static final String DEFAULT_MODEL_NAME = "Qwen2.5-0.5B-Instruct (Q4_K_M)";

    @Option(names = "--model", paramLabel = "MODEL",
            description = {"GGUF model: a file path, or",
                    "hf:OWNER/REPO/FILE.gguf[@REVISION] to download",
                    "a file from a Hugging Face repository",
                    "(revision default: main). Default:",
                    DEFAULT_MODEL_NAME + ", pinned by",
                    "commit and SHA-256."})
    String model;

    @Option(names = "--model-cache", paramLabel = "DIR",
            description = {"Where downloaded models are kept (default:",
                    "$TOKENPORT_MODEL_CACHE, else",
                    "~/.cache/tokenport/models)."})
    Path modelCache;

    /** The environment HF_ENDPOINT, HF_TOKEN and TOKENPORT_MODEL_CACHE are read from; tests replace it. */
    Map<String, String> environment = System.getenv();

    /**
     * The GGUF file to load: the one named, or the cached (downloaded first if need be) Hugging Face file named or
     * defaulted to. Progress and notes go to {@code err}.
     */
    Path modelFile(PrintWriter err) throws IOException {
        ModelReference reference = model == null ? PinnedModel.DEFAULT.file() : ModelReference.parse(model);
        return switch (reference) {
            case ModelReference.LocalFile local -> {
                if (!Files.isRegularFile(local.path())) {
                    throw new NoSuchFileException(local.path().toString());
                }
                yield local.path();
            }
            case ModelReference.HuggingFaceFile remote -> new ModelDownloader(
                    HubSettings.fromEnvironment(environment, modelCache), err, ProgressBar.stderrIsTerminal())
                    .fetch(remote);
        };
    }
}
