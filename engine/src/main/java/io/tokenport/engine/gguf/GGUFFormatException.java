package io.tokenport.engine.gguf;

/**
 * A GGUF file that cannot be used: truncated, corrupt, hostile, or missing something a model needs.
 *
 * <p>The message names the file, the key or tensor concerned and, where it applies, the byte offsets, so that
 * a user can tell a truncated download from a wrong file.
 */
public final class GGUFFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GGUFFormatException(String message) {
        super(message);
    }

    public GGUFFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
