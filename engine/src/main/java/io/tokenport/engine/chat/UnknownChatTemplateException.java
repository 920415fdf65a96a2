package io.tokenport.engine.chat;

import java.util.List;

/**
 * A model file's chat template matches none of the known families. The message quotes the template's start
 * and names the families that can be chosen explicitly instead.
 */
public final class UnknownChatTemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final int QUOTED_CHARS = 80;

    private final String templateStart;

    UnknownChatTemplateException(String template, List<String> familyNames) {
        super(message(template, familyNames));
        this.templateStart = start(template);
    }

    /**
     * The first characters of the unrecognised template.
     *
     * @return up to 80 characters of the template
     */
    public String templateStart() {
        return templateStart;
    }

    private static String start(String template) {
        return template.length() <= QUOTED_CHARS ? template : template.substring(0, QUOTED_CHARS);
    }

    private static String message(String template, List<String> familyNames) {
        String start = start(template);
        // One line: newlines and tabs in the template are shown escaped.
        String quoted = start.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
                .replace("\"", "\\\"");
        return "unrecognised chat template \"" + quoted + (start.length() < template.length() ? "...\"" : "\"")
                + "; choose a template explicitly, one of: " + String.join(", ", familyNames);
    }
}
