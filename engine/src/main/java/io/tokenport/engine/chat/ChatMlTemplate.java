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
    public ChatPrompt renderPrompt(List<ChatMessage> messages, boolean addGenerationPrompt) {
        TemplateText.requireMessages(messages);
        PromptText out = new PromptText();
        for (ChatMessage message : messages) {
            out.markup("<|im_start|>").markup(message.role().wireName()).markup('\n')
                    .content(message.content()).markup("<|im_end|>\n");
        }
        if (addGenerationPrompt) {
            out.markup("<|im_start|>assistant\n");
        }
        return out.toPrompt();
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
