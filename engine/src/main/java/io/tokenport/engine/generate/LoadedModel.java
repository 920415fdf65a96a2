package io.tokenport.engine.generate;

import io.tokenport.engine.chat.ChatMessage;
import io.tokenport.engine.chat.ChatPrompt;
import io.tokenport.engine.chat.ChatTemplate;
import io.tokenport.engine.chat.ChatTemplates;
import io.tokenport.engine.gguf.GGUFFile;
import io.tokenport.engine.model.Model;
import io.tokenport.engine.tensor.ComputePool;
import io.tokenport.engine.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model ready to produce tokens: its mapped GGUF file, weights, tokenizer and compute threads.
 *
 * <p>The file stays mapped while the model is open; {@link #close()} unmaps it and stops the threads. Like
 * {@link Model}, it is driven by one thread at a time.
 */
public final class LoadedModel implements AutoCloseable {
    private final GGUFFile file;
    private final ComputePool pool;
    private final Model model;
    private final Tokenizer tokenizer;
    private final String templateSource;

    private LoadedModel(GGUFFile file, ComputePool pool, Model model, Tokenizer tokenizer) {
        this.file = file;
        this.pool = pool;
        this.model = model;
        this.tokenizer = tokenizer;
        this.templateSource = file.metadata().getString("tokenizer.chat_template", null);
    }

    /**
     * Opens a GGUF model and prepares it on {@code threads} compute threads.
     *
     * @throws io.tokenport.engine.gguf.GGUFFormatException if the file is not a usable model
     * @throws IOException                                   if it cannot be read
     */
    public static LoadedModel load(Path path, int threads) throws IOException {
        GGUFFile file = GGUFFile.open(path);
        ComputePool pool = null;
        try {
            pool = new ComputePool(threads);
            Tokenizer tokenizer = Tokenizer.fromMetadata(file.metadata());
            Model model = Model.load(file, pool);
            if (tokenizer.vocabSize() != model.config().vocabularySize()) {
                throw new io.tokenport.engine.gguf.GGUFFormatException(path + ": the tokenizer has "
                        + tokenizer.vocabSize() + " tokens but the output layer has "
                        + model.config().vocabularySize() + " rows");
            }
            return new LoadedModel(file, pool, model, tokenizer);
        } catch (RuntimeException | Error e) {
            if (pool != null) {
                pool.close();
            }
            file.close();
            throw e;
        }
    }

    public GGUFFile file() {
        return file;
    }

    public Model model() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ComputePool pool() {
        return pool;
    }

    /** The model's name from its metadata, or the file name. */
    public String name() {
        return file.metadata().getString("general.name", file.path().getFileName().toString());
    }

    /** The context window the model was trained for. */
    public int contextLength() {
        return model.config().contextLength();
    }

    /**
     * The chat template family of this model: detected from {@code tokenizer.chat_template}, or ChatML when the
     * file has none (as llama.cpp's server does).
     *
     * @throws io.tokenport.engine.chat.UnknownChatTemplateException if the file's template is of no known
     *                                                               family; choose one with {@link ChatTemplates#byName}
     */
    public ChatTemplate chatTemplate() {
        return ChatTemplates.detect(templateSource);
    }

    /**
     * Renders a conversation with {@code template} and tokenizes it. Control tokens are parsed in the template's
     * markup only: written inside a message, {@code <|im_start|>} is plain text, so a message cannot forge a turn.
     */
    public int[] encodeChat(ChatTemplate template, List<ChatMessage> messages) {
        ChatPrompt prompt = template.renderPrompt(messages, true);
        return tokenizer.encode(prompt.text(), !template.rendersBos(), true, prompt.contentRanges());
    }

    /** Tokenizes plain text as a prompt: BOS added where the model asks for it, special tokens not parsed. */
    public int[] encodePrompt(String text) {
        return tokenizer.encode(text, true, false);
    }

    @Override
    public void close() {
        pool.close();
        file.close();
    }
}
