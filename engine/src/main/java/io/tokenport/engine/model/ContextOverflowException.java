package io.tokenport.engine.model;

/**
 * More tokens than a sequence's context window holds. Thrown before any work is done, so the sequence is left
 * as it was.
 */
public final class ContextOverflowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int contextWindow;
    private final int requestedTokens;

    private ContextOverflowException(String message, int contextWindow, int requestedTokens) {
        super(message);
        this.contextWindow = contextWindow;
        this.requestedTokens = requestedTokens;
    }

    /** {@code tokens} new tokens do not fit after the {@code position} tokens a sequence already holds. */
    static ContextOverflowException appending(int position, int tokens, int contextWindow) {
        String what = position == 0 ? "prompt of " + tokens + " tokens exceeds"
                : tokens + (tokens == 1 ? " more token" : " more tokens") + " after the " + position
                        + " already in the sequence " + (tokens == 1 ? "exceeds" : "exceed");
        return new ContextOverflowException(what + " the context window of " + contextWindow + " tokens",
                contextWindow, position + tokens);
    }

    /**
     * Checks a request before it starts: a prompt of {@code promptTokens} plus up to {@code maxNewTokens} to
     * generate must fit in {@code contextWindow}.
     *
     * @throws ContextOverflowException naming all three numbers when it does not
     */
    public static void checkRequest(int promptTokens, int maxNewTokens, int contextWindow) {
        if ((long) promptTokens + maxNewTokens > contextWindow) {
            throw new ContextOverflowException("prompt of " + promptTokens + " tokens plus " + maxNewTokens
                    + " to generate exceeds the context window of " + contextWindow + " tokens", contextWindow,
                    (int) Math.min(Integer.MAX_VALUE, (long) promptTokens + maxNewTokens));
        }
    }

    /** The context window that was exceeded, in tokens. */
    public int contextWindow() {
        return contextWindow;
    }

    /** How many tokens the sequence would have needed to hold. */
    public int requestedTokens() {
        return requestedTokens;
    }
}
