package io.tokenport.engine.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The known chat template families, and how to pick one from a model file or by name. */
public final class ChatTemplates {

    /** Plain ChatML ({@code <|im_start|>}); also the default when a model file has no template. */
    public static final ChatTemplate CHATML = new ChatMlTemplate();
    /** Qwen 3: ChatML with its reasoning ({@code <think>}) handling. */
    public static final ChatTemplate QWEN3 = new Qwen3Template();
    /** Llama 2 chat ({@code [INST]} with {@code <<SYS>>}). */
    public static final ChatTemplate LLAMA2 = new Llama2Template();
    /** Llama 3 ({@code <|start_header_id|>}). */
    public static final ChatTemplate LLAMA3 = new Llama3Template();
    /** Mistral Instruct ({@code [INST]} without {@code <<SYS>>}). */
    public static final ChatTemplate MISTRAL = new MistralTemplate();

    private static final List<ChatTemplate> ALL = List.of(CHATML, QWEN3, LLAMA2, LLAMA3, MISTRAL);

    private ChatTemplates() {
    }

    /**
     * All families, in the order their names are listed in error messages.
     *
     * @return the families
     */
    public static List<ChatTemplate> all() {
        return ALL;
    }

    /**
     * Recognises the family of a model's Jinja chat template (GGUF key {@code tokenizer.chat_template}) by its
     * distinctive markers. No template at all gives ChatML, as llama.cpp's server does.
     *
     * @param jinjaTemplate the template text, or null if the model file has none
     * @return the family that renders plain conversations as that template does
     * @throws UnknownChatTemplateException if no family's markers are present
     */
    public static ChatTemplate detect(String jinjaTemplate) {
        if (jinjaTemplate == null || jinjaTemplate.isBlank()) {
            return CHATML;
        }
        if (jinjaTemplate.contains("<|im_start|>")) {
            // Qwen 3's template is the ChatML one that reads assistant reasoning.
            return jinjaTemplate.contains("reasoning_content") ? QWEN3 : CHATML;
        }
        if (jinjaTemplate.contains("<|start_header_id|>")) {
            return LLAMA3;
        }
        if (jinjaTemplate.contains("[INST]")) {
            return jinjaTemplate.contains("<<SYS>>") ? LLAMA2 : MISTRAL;
        }
        throw new UnknownChatTemplateException(jinjaTemplate, names());
    }

    /**
     * A family chosen by name, for a model whose own template is missing, wrong or unrecognised.
     *
     * @param name "chatml", "qwen3", "llama2", "llama3" or "mistral", in any case
     * @return the family
     * @throws IllegalArgumentException listing the valid names
     */
    public static ChatTemplate byName(String name) {
        if (name != null) {
            String wanted = name.strip().toLowerCase(Locale.ROOT);
            for (ChatTemplate template : ALL) {
                if (template.name().equals(wanted)) {
                    return template;
                }
            }
        }
        throw new IllegalArgumentException("unknown chat template name "
                + (name == null ? "null" : "\"" + name + "\"") + "; valid names: " + String.join(", ", names()));
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>(ALL.size());
        for (ChatTemplate template : ALL) {
            names.add(template.name());
        }
        return names;
    }
}
