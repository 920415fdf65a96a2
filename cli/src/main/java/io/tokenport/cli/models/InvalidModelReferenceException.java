package io.tokenport.cli.models;

/** A {@code --model} value that is neither a path nor a well-formed {@code hf:} reference; the message says why. */
public final class InvalidModelReferenceException extends IllegalArgumentException {
    public InvalidModelReferenceException(String message) {
        super(message);
    }
}
