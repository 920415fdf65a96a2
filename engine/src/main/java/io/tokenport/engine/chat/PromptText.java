package io.tokenport.engine.chat;

import java.util.Arrays;

/**
 * The prompt a template is writing, keeping apart what the template writes ({@link #markup}) from what the
 * conversation's authors wrote ({@link #content}). Anything derived from a message's text, even a stripped or
 * split piece of it, is content; role names and fixed strings are markup.
 */
final class PromptText {
    private final StringBuilder text = new StringBuilder();
    private int[] ranges = new int[16];
    private int rangeInts;

    PromptText markup(String markup) {
        text.append(markup);
        return this;
    }

    PromptText markup(char markup) {
        text.append(markup);
        return this;
    }

    PromptText content(String content) {
        if (content.isEmpty()) {
            return this;
        }
        int start = text.length();
        text.append(content);
        if (rangeInts > 0 && ranges[rangeInts - 1] == start) {
            ranges[rangeInts - 1] = text.length(); // content right after content: one range
            return this;
        }
        if (rangeInts == ranges.length) {
            ranges = Arrays.copyOf(ranges, rangeInts * 2);
        }
        ranges[rangeInts++] = start;
        ranges[rangeInts++] = text.length();
        return this;
    }

    ChatPrompt toPrompt() {
        return new ChatPrompt(text.toString(), Arrays.copyOf(ranges, rangeInts));
    }
}
