package io.tokenport.engine.chat;

import java.util.List;

/**
 * Plain ChatML, as Qwen 2 and 2.5 and many fine-tunes use it:
 * {@code <|im_start|>role\ncontent<|im_end|>\n} per message, then {@code <|im_start|>assistant\n}. It is also
 * the default for a model file without a template, as in llama.cpp's server.
 */
final class ChatMlTemplate implements ChatTemplate {

    @Override
    public String name() {
        return "chatml";
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        TemplateText.requireMessages(messages);
        StringBuilder out = new StringBuilder();
        for (ChatMessage message : messages) {
            out.append("<|im_start|>").append(message.role().wireName()).append('\n')
                    .append(message.content()).append("<|im_end|>\n");
        }
        if (addGenerationPrompt) {
            out.append("<|im_start|>assistant\n");
        }
        return out.toString();
    }

    @Override
    public boolean rendersBos() {
        return false;
    }

    @Override
    public String toString() {
        return name();
    }
}
