package io.tokenport.engine.chat;

import java.util.List;

/** Checks and string operations the templates share, with Python's (and so Jinja's) exact semantics. */
final class TemplateText {

    private TemplateText() {
    }

    /** Rejects an empty conversation or a null message, which no template can render. */
    static void requireMessages(List<ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one message");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                throw new IllegalArgumentException("message " + i + " is null");
            }
        }
    }

    /**
     * Checks the shape the Llama 2 and Mistral templates demand (their Jinja raises an exception otherwise):
     * an optional system message first, then user and assistant messages alternating, starting with user.
     *
     * @return the index of the first user message
     */
    static int requireAlternating(String family, List<ChatMessage> messages) {
        requireMessages(messages);
        int first = messages.getFirst().role() == ChatRole.SYSTEM ? 1 : 0;
        if (first == messages.size()) {
            throw new IllegalArgumentException("the " + family + " chat template needs a user message after the "
                    + "system message");
        }
        for (int i = first; i < messages.size(); i++) {
            ChatRole expected = (i - first) % 2 == 0 ? ChatRole.USER : ChatRole.ASSISTANT;
            ChatRole actual = messages.get(i).role();
            if (actual != expected) {
                throw new IllegalArgumentException("the " + family + " chat template needs an optional system "
                        + "message first, then user and assistant messages alternating, starting with user; "
                        + "message " + i + " is '" + actual.wireName() + "' where '" + expected.wireName()
                        + "' was expected");
            }
        }
        return first;
    }

    /** Python's {@code str.strip()}, which Jinja's {@code trim} filter calls. */
    static String strip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isPythonSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    /** Python's {@code str.rstrip()}. */
    static String stripTrailing(String text) {
        int end = text.length();
        while (end > 0 && isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    /** Python's {@code str.lstrip('\n')}. */
    static String stripLeadingNewlines(String text) {
        int start = 0;
        while (start < text.length() && text.charAt(start) == '\n') {
            start++;
        }
        return text.substring(start);
    }

    /** Python's {@code str.rstrip('\n')}. */
    static String stripTrailingNewlines(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '\n') {
            end--;
        }
        return text.substring(0, end);
    }

    /** Python's {@code str.strip('\n')}. */
    static String stripNewlines(String text) {
        return stripLeadingNewlines(stripTrailingNewlines(text));
    }

    /**
     * Python's {@code str.isspace()} for one char. Java's {@code isWhitespace} leaves out the no-break spaces
     * and {@code isSpaceChar} the control characters, so it takes both, plus NEXT LINE (U+0085), which
     * Python counts and neither Java method does.
     */
    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }
}
