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
    public ChatPrompt renderPrompt(List<ChatMessage> messages, boolean addGenerationPrompt) {
        int first = TemplateText.requireAlternating(name(), messages);
        String system = first == 1 ? messages.getFirst().content() : null;
        PromptText out = new PromptText();
        for (int i = first; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message.role() == ChatRole.USER) {
                if (i > first) {
                    out.markup("<s>");
                }
                out.markup("[INST] ");
                if (i == first && system != null) {
                    writeWithSystem(out, system, message.content());
                } else {
                    out.content(TemplateText.strip(message.content()));
                }
                out.markup(" [/INST]");
            } else {
                out.markup(' ').content(TemplateText.strip(message.content())).markup(" </s>");
            }
        }
        return out.toPrompt();
    }

    /**
     * Writes the template's {@code ("<<SYS>>\n" + system + "\n<</SYS>>\n\n" + user) | trim}. The block starts
     * with {@code <}, so the trim takes nothing from the front and the system text stays whole; at the end it
     * takes the user text's trailing whitespace, and when that is all the user text, the blank line too.
     */
    private static void writeWithSystem(PromptText out, String system, String user) {
        out.markup("<<SYS>>\n").content(system).markup("\n<</SYS>>");
        String kept = TemplateText.stripTrailing(user);
        if (!kept.isEmpty()) {
            out.markup("\n\n").content(kept);
        }
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
