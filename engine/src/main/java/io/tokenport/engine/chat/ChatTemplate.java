package io.tokenport.engine.chat;

import java.util.List;

/**
 * Turns a conversation into the prompt text one model family was trained on.
 *
 * <p>Each family reproduces what its reference Jinja template (as shipped in the model's GGUF file and on
 * Hugging Face) renders for plain system, user and assistant messages without tools, so no Jinja engine is
 * needed. Get one from {@link ChatTemplates}. The text is then tokenized with special tokens parsed, so
 * markers such as {@code <|im_start|>} become single tokens.
 */
public sealed interface ChatTemplate
        permits ChatMlTemplate, Qwen3Template, Llama2Template, Llama3Template, MistralTemplate {

    /**
     * The family's name, as {@link ChatTemplates#byName(String)} accepts it.
     *
     * @return for example "chatml" or "llama3"
     */
    String name();

    /**
     * Renders a conversation.
     *
     * @param messages            the conversation, oldest first; at least one message
     * @param addGenerationPrompt whether to end with the header that opens the assistant's reply, so the model
     *                            writes the reply (families whose reply needs no header ignore it)
     * @return the prompt text
     * @throws IllegalArgumentException if the conversation is empty or has a shape the family cannot express
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /**
     * Whether the rendered text already begins with the model's beginning-of-sequence token, as Llama 3's
     * template writes it. When true, tokenize without adding BOS, or the prompt starts with two.
     *
     * @return true when the text carries its own BOS
     */
    boolean rendersBos();
}
