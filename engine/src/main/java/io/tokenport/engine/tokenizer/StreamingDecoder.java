package io.tokenport.engine.tokenizer;

import java.util.Arrays;

/**
 * Turns generated tokens into text as they arrive, for streaming responses.
 *
 * <p>A token can end in the middle of a UTF-8 character (byte-fallback tokens, byte-level BPE pieces of CJK
 * text or emoji), so each {@link #push} returns only the text that is complete: trailing bytes that start a
 * well-formed but unfinished character are held until the next token finishes it. Bytes that can never become
 * a character are written as U+FFFD at once (one per maximal ill-formed subpart, as {@link Tokenizer#decode}
 * does); {@link #flush} writes what is still held as U+FFFD.
 *
 * <p>The text is the concatenation of the tokens' bytes ({@link Tokenizer#tokenBytes}), as llama.cpp's server
 * streams it: the first token keeps its leading space (generated text continues a prompt), and the
 * {@code clean_spaces} pass of {@link Tokenizer#decode} is not applied. Control tokens are left out unless the
 * decoder is made to render them.
 *
 * <p>Per token, nothing is allocated beyond the returned string ({@code ""} when nothing completed), and
 * nothing at all through {@link #push(int, StringBuilder)}. Not thread-safe: one decoder per stream.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean renderSpecial;
    private byte[] work = new byte[64];
    private final byte[] pending = new byte[4];
    private int pendingLength;
    private final StringBuilder text = new StringBuilder(64);

    /** A decoder that leaves control and unknown tokens out. */
    public StreamingDecoder(Tokenizer tokenizer) {
        this(tokenizer, false);
    }

    /**
     * @param renderSpecial write control and unknown tokens as their text (for {@code <think>}-style markers that
     *                      a client should see)
     */
    public StreamingDecoder(Tokenizer tokenizer, boolean renderSpecial) {
        this.tokenizer = tokenizer;
        this.renderSpecial = renderSpecial;
    }

    /**
     * Adds a token; returns the text that became complete with it, possibly empty.
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String push(int tokenId) {
        text.setLength(0);
        push(tokenId, text);
        return text.isEmpty() ? "" : text.toString();
    }

    /** Adds a token and appends the text that became complete to {@code out}; allocates nothing. */
    public void push(int tokenId, StringBuilder out) {
        tokenizer.checkId(tokenId);
        if (!renderSpecial && tokenizer.isHiddenWhenDecoding(tokenId)) {
            return;
        }
        int from = tokenizer.pieceStart[tokenId];
        int length = tokenizer.pieceStart[tokenId + 1] - from;
        if (length == 0) {
            return;
        }
        int total = pendingLength + length;
        if (work.length < total) {
            work = Arrays.copyOf(work, Math.max(total, work.length * 2));
        }
        System.arraycopy(pending, 0, work, 0, pendingLength);
        System.arraycopy(tokenizer.piecePool, from, work, pendingLength, length);
        int consumed = Utf8.decode(work, 0, total, out, false);
        pendingLength = total - consumed;
        System.arraycopy(work, consumed, pending, 0, pendingLength);
    }

    /** Ends the stream: returns what is still held (an unfinished character, as U+FFFD) and resets. */
    public String flush() {
        if (pendingLength == 0) {
            return "";
        }
        text.setLength(0);
        Utf8.decode(pending, 0, pendingLength, text, true);
        pendingLength = 0;
        return text.toString();
    }

    /** Whether bytes of an unfinished character are held. */
    public boolean hasPending() {
        return pendingLength > 0;
    }
}
