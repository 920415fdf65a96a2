package io.tokenport.engine.tokenizer;

/**
 * A vocabulary that cannot be turned into a tokenizer: an unsupported tokenizer model or pre-tokenizer, or
 * inconsistent arrays. The message names what is wrong and, where there is a choice, what is supported.
 */
public final class TokenizerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TokenizerException(String message) {
        super(message);
    }
}
