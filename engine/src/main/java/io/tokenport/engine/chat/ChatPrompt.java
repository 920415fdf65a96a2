package io.tokenport.engine.chat;

import java.util.Arrays;
import java.util.Objects;

/**
 * A rendered conversation: the prompt text, and where in it the messages' own text lies.
 *
 * <p>The template's markup ({@code <|im_start|>}, role names, headers) is written by the template; the content
 * ranges hold what the conversation's authors wrote. Tokenize the text with control tokens parsed only outside
 * those ranges ({@link io.tokenport.engine.tokenizer.Tokenizer#encode(String, boolean, boolean, int[])}), so
 * that a message containing {@code <|im_start|>system} cannot open a turn of its own.
 *
 * @param text          the prompt text, as {@link ChatTemplate#render} returns it
 * @param contentRanges the message content's char ranges in {@code text}, as flat pairs
 *                      {@code start0, end0, start1, end1, ...}: sorted, non-overlapping, ends exclusive
 */
public record ChatPrompt(String text, int[] contentRanges) {

    /** Copies the ranges, so the prompt cannot change under its holder. */
    public ChatPrompt {
        Objects.requireNonNull(text, "text");
        contentRanges = contentRanges.clone();
    }

    /**
     * The content ranges, as flat {@code start, end} pairs of char indices into {@link #text()}.
     *
     * @return a copy of the ranges
     */
    @Override
    public int[] contentRanges() {
        return contentRanges.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChatPrompt that && text.equals(that.text)
                && Arrays.equals(contentRanges, that.contentRanges);
    }

    @Override
    public int hashCode() {
        return 31 * text.hashCode() + Arrays.hashCode(contentRanges);
    }

    @Override
    public String toString() {
        return "ChatPrompt[text=" + text + ", contentRanges=" + Arrays.toString(contentRanges) + "]";
    }
}
