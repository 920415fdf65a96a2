package io.tokenport.engine.tokenizer;

/**
 * A token's type, as GGUF stores it in {@code tokenizer.ggml.token_type} (llama.cpp's {@code llama_token_type}).
 *
 * <p>The type decides how a token takes part in tokenization: {@link #CONTROL} and {@link #UNKNOWN} tokens are
 * recognised in text only when special tokens are parsed, {@link #USER_DEFINED} tokens always, and
 * {@link #BYTE} tokens ({@code <0x0A>}) carry one raw byte for SentencePiece's byte fallback.
 */
public enum TokenType {
    UNDEFINED(0),
    NORMAL(1),
    UNKNOWN(2),
    CONTROL(3),
    USER_DEFINED(4),
    UNUSED(5),
    BYTE(6);

    private static final TokenType[] BY_CODE = values();

    private final int code;

    TokenType(int code) {
        this.code = code;
    }

    /** The number GGUF stores for this type. */
    public int code() {
        return code;
    }

    /** The type for a GGUF code; codes outside 1..6 are {@link #UNDEFINED}, as in llama.cpp. */
    public static TokenType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNDEFINED;
    }
}
