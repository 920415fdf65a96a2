package io.tokenport.cli.models;

import java.io.IOException;

/**
 * A model could not be fetched or verified. The message is written for the user: it says what failed and what to
 * do next (set {@code HF_TOKEN}, check the name, pass {@code --model PATH}, free disk space).
 */
public final class ModelDownloadException extends IOException {
    public ModelDownloadException(String message) {
        super(message);
    }

    public ModelDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
