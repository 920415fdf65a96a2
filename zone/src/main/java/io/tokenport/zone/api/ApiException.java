package io.tokenport.zone.api;

/**
 * A request the zone refuses, with everything needed to answer in OpenAI's error shape:
 * {@code {"error": {"message", "type", "param", "code"}}} and the HTTP status.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final long retryAfterSeconds;

    /** An error with every field of OpenAI's shape; {@code param} and {@code code} may be null. */
    public ApiException(int status, String type, String message, String param, String code) {
        this(status, type, message, param, code, 0);
    }

    private ApiException(int status, String type, String message, String param, String code, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400 invalid_request_error about {@code param} (may be null). */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", message, param, null);
    }

    /** 400 invalid_request_error with an error code, such as {@code context_length_exceeded}. */
    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, "invalid_request_error", message, param, code);
    }

    static ApiException invalidApiKey(String message) {
        return new ApiException(401, "invalid_request_error", message, null, "invalid_api_key");
    }

    static ApiException modelNotFound(String model) {
        return new ApiException(404, "invalid_request_error", "The model `" + model
                + "` does not exist or you do not have access to it.", "model", "model_not_found");
    }

    static ApiException tooLarge(long limit) {
        return new ApiException(413, "invalid_request_error", "The request body is larger than the limit of "
                + limit + " bytes.", null, "request_too_large");
    }

    /** 429: a key's allowance is used up; {@code limit} is {@code requests} or {@code tokens}. */
    static ApiException rateLimited(String limit, String message, long retryAfterSeconds) {
        return new ApiException(429, limit, message, null, "rate_limit_exceeded", retryAfterSeconds);
    }

    static ApiException overloaded(String message) {
        return new ApiException(503, "server_error", message, null, "overloaded");
    }

    static ApiException internal(String message) {
        return new ApiException(500, "server_error", message, null, null);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** OpenAI's error type, such as {@code invalid_request_error}. */
    public String type() {
        return type;
    }

    /** The offending parameter as OpenAI names it, or null. */
    public String param() {
        return param;
    }

    /** A machine-readable code such as {@code invalid_api_key}, or null. */
    public String code() {
        return code;
    }

    /** Seconds for the Retry-After header, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
