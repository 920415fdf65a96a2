package io.tokenport.engine.chat;

import java.util.List;

/**
 * Turns a conversation into the prompt text one model family was trained on.
 *
 * <p>Each family reproduces what its reference Jinja template (as shipped in the model's GGUF file and on
 * Hugging Face) renders for plain system, user and assistant messages without tools, so no Jinja engine is
 * needed. Get one from {@link ChatTemplates}. The text is then tokenized with control tokens parsed in the
 * template's markup only, so markers such as {@code <|im_start|>} become single tokens while the same text
 * inside a message stays plain text ({@link #renderPrompt}).
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
     * Renders a conversation, marking where the messages' content lies in the text so that the tokenizer can
     * keep a message from writing control tokens.
     *
     * @param messages            the conversation, oldest first; at least one message
     * @param addGenerationPrompt whether to end with the header that opens the assistant's reply, so the model
     *                            writes the reply (families whose reply needs no header ignore it)
     * @return the prompt text and its content ranges
     * @throws IllegalArgumentException if the conversation is empty or has a shape the family cannot express
     */
    ChatPrompt renderPrompt(List<ChatMessage> messages, boolean addGenerationPrompt);

    /**
     * Renders a conversation as text only, as {@code renderPrompt(messages, addGenerationPrompt).text()}.
     *
     * @param messages            the conversation, oldest first; at least one message
     * @param addGenerationPrompt whether to end with the header that opens the assistant's reply, so the model
     *                            writes the reply (families whose reply needs no header ignore it)
     * @return the prompt text
     * @throws IllegalArgumentException if the conversation is empty or has a shape the family cannot express
     */
    default String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return renderPrompt(messages, addGenerationPrompt).text();
    }

    /**
     * Whether the rendered text already begins with the model's beginning-of-sequence token, as Llama 3's
     * template writes it. When true, tokenize without adding BOS, or the prompt starts with two.
     *
     * @return true when the text carries its own BOS
     */
    boolean rendersBos();
}
