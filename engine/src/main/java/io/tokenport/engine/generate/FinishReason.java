package io.tokenport.engine.generate;

/** Why a generation ended, named as in OpenAI's API. */
public enum FinishReason {
    /** An end-of-generation token or a stop string. */
    STOP,
    /** The token limit. */
    LENGTH,
    /** The caller cancelled it (a client went away). */
    CANCELLED;

    /** The name used in API responses: {@code stop}, {@code length} or {@code cancelled}. */
    public String apiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
