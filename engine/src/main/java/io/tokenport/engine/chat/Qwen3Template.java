package io.tokenport.engine.chat;

import java.util.List;

/**
 * Qwen 3: ChatML plus its handling of reasoning, rendering exactly what Qwen 3's Jinja template renders for
 * plain messages without tools and with {@code add_generation_prompt}.
 *
 * <p>What differs from plain ChatML, all about assistant messages:
 * <ul>
 *   <li>An assistant message containing {@code </think>} is split there: the reasoning (between
 *   {@code <think>} and the first {@code </think>}) and the answer (after the last {@code </think>}).</li>
 *   <li>Assistant messages before the last real user message lose their reasoning: the model never sees old
 *   thoughts.</li>
 *   <li>Assistant messages after it keep their reasoning inside {@code <think>\n...\n</think>\n\n}; the last
 *   message of the conversation gets that block even when the reasoning is empty.</li>
 * </ul>
 * A user message wholly wrapped in {@code <tool_response>} tags does not count as a real user message, as in
 * the template. A system message first is the system prompt; a later one is rendered like a user message.
 */
final class Qwen3Template implements ChatTemplate {

    private static final String THINK_OPEN = "<think>";
    private static final String THINK_CLOSE = "</think>";

    @Override
    public String name() {
        return "qwen3";
    }

    @Override
    public ChatPrompt renderPrompt(List<ChatMessage> messages, boolean addGenerationPrompt) {
        TemplateText.requireMessages(messages);
        int lastQuery = lastQueryIndex(messages);
        PromptText out = new PromptText();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            String role = message.role().wireName();
            if (message.role() != ChatRole.ASSISTANT) {
                // The first system message is written the same way, just before the loop in the template.
                out.markup("<|im_start|>").markup(role).markup('\n').content(message.content()).markup("<|im_end|>\n");
                continue;
            }
            String content = message.content();
            String reasoning = "";
            int close = content.indexOf(THINK_CLOSE);
            if (close >= 0) {
                // content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n')
                String before = TemplateText.stripTrailingNewlines(content.substring(0, close));
                int open = before.lastIndexOf(THINK_OPEN);
                reasoning = TemplateText.stripLeadingNewlines(
                        open >= 0 ? before.substring(open + THINK_OPEN.length()) : before);
                // content.split('</think>')[-1].lstrip('\n')
                content = TemplateText.stripLeadingNewlines(
                        content.substring(content.lastIndexOf(THINK_CLOSE) + THINK_CLOSE.length()));
            }
            boolean last = i == messages.size() - 1;
            out.markup("<|im_start|>").markup(role).markup('\n');
            if (i > lastQuery && (last || !reasoning.isEmpty())) {
                out.markup(THINK_OPEN).markup('\n').content(TemplateText.stripNewlines(reasoning)).markup('\n')
                        .markup(THINK_CLOSE).markup("\n\n").content(TemplateText.stripLeadingNewlines(content));
            } else {
                out.content(content);
            }
            out.markup("<|im_end|>\n");
        }
        if (addGenerationPrompt) {
            out.markup("<|im_start|>assistant\n");
        }
        return out.toPrompt();
    }

    /** The template's {@code ns.last_query_index}: the last user message that is not a tool response. */
    private static int lastQueryIndex(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatMessage message = messages.get(i);
            String content = message.content();
            if (message.role() == ChatRole.USER
                    && !(content.startsWith("<tool_response>") && content.endsWith("</tool_response>"))) {
                return i;
            }
        }
        return messages.size() - 1;
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
