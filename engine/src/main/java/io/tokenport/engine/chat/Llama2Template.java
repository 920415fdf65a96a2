package io.tokenport.engine.chat;

import java.util.List;

/**
 * Llama 2 chat, as Meta's reference code and Hugging Face template write it:
 * <pre>
 * [INST] &lt;&lt;SYS&gt;&gt;\n{system}\n&lt;&lt;/SYS&gt;&gt;\n\n{user} [/INST] {assistant} &lt;/s&gt;&lt;s&gt;[INST] {user} [/INST]
 * </pre>
 * Each user turn (with the system block in front of the first) and each assistant turn is stripped of
 * surrounding whitespace. The template's leading {@code <s>} is left out because the tokenizer adds BOS, as in
 * llama.cpp's built-in version; the {@code <s>} that opens every later turn is written, since only the text
 * can put it there. Roles must alternate user, assistant, ... after an optional system message, as the
 * reference template demands. The generation prompt flag changes nothing: the reply follows {@code [/INST]}.
 */
final class Llama2Template implements ChatTemplate {

    @Override
    public String name() {
        return "llama2";
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        int first = TemplateText.requireAlternating(name(), messages);
        String system = first == 1 ? messages.getFirst().content() : null;
        StringBuilder out = new StringBuilder();
        for (int i = first; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message.role() == ChatRole.USER) {
                String content = message.content();
                if (i == first && system != null) {
                    content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content;
                }
                if (i > first) {
                    out.append("<s>");
                }
                out.append("[INST] ").append(TemplateText.strip(content)).append(" [/INST]");
            } else {
                out.append(' ').append(TemplateText.strip(message.content())).append(" </s>");
            }
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
