package io.tokenport.engine.generate;

/**
 * Receives a generation's output as it is produced.
 *
 * <p>{@code text} is the newly releasable text: never half a UTF-8 character, never part of a possible stop
 * string. It may be empty (a token that completes nothing yet) and arrives after the token that made it
 * releasable.
 */
@FunctionalInterface
public interface TokenSink {
    /** A sink that drops everything. */
    TokenSink NONE = (token, text) -> { };

    /**
     * @param token the id just generated, or -1 when only held-back text is released at the end
     * @param text  text that became final with it; possibly empty
     */
    void accept(int token, String text);
}
