package io.tokenport.engine.chat;

import java.util.List;

/**
 * Mistral Instruct v0.1 to v0.3:
 * {@code [INST] {user} [/INST]{assistant}</s>[INST] {user} [/INST]}. A system message (only first) goes in
 * front of the first user message, separated by a blank line, as llama.cpp's built-in Mistral template does.
 * The template's leading {@code <s>} is left out because the tokenizer adds BOS. Roles must alternate as in
 * the reference template; the generation prompt flag changes nothing.
 */
final class MistralTemplate implements ChatTemplate {

    @Override
    public String name() {
        return "mistral";
    }

    @Override
    public ChatPrompt renderPrompt(List<ChatMessage> messages, boolean addGenerationPrompt) {
        int first = TemplateText.requireAlternating(name(), messages);
        PromptText out = new PromptText();
        for (int i = first; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message.role() == ChatRole.USER) {
                out.markup("[INST] ");
                if (i == first && first == 1) {
                    out.content(messages.getFirst().content()).markup("\n\n");
                }
                out.content(message.content()).markup(" [/INST]");
            } else {
                out.content(message.content()).markup("</s>");
            }
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
