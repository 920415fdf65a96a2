package io.tokenport.engine.chat;

import java.util.List;

/**
 * Llama 3's template: {@code <|begin_of_text|>}, then per message
 * {@code <|start_header_id|>role<|end_header_id|>\n\n} + the content trimmed of surrounding whitespace +
 * {@code <|eot_id|>}, then the assistant header. The text carries its own BOS ({@link #rendersBos()}), as the
 * real template does with {@code bos_token}.
 *
 * <p>The real template writes the assistant header even without {@code add_generation_prompt}; here it follows
 * the flag, as llama.cpp's built-in version does, so a finished conversation can be rendered too. Llama 3.1 and
 * later templates are detected as this family; their tool and date preamble is not rendered.
 */
final class Llama3Template implements ChatTemplate {

    @Override
    public String name() {
        return "llama3";
    }

    @Override
    public ChatPrompt renderPrompt(List<ChatMessage> messages, boolean addGenerationPrompt) {
        TemplateText.requireMessages(messages);
        PromptText out = new PromptText().markup("<|begin_of_text|>");
        for (ChatMessage message : messages) {
            out.markup("<|start_header_id|>").markup(message.role().wireName()).markup("<|end_header_id|>\n\n")
                    .content(TemplateText.strip(message.content())).markup("<|eot_id|>");
        }
        if (addGenerationPrompt) {
            out.markup("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }
        return out.toPrompt();
    }

    @Override
    public boolean rendersBos() {
        return true;
    }

    @Override
    public String toString() {
        return name();
    }
}
