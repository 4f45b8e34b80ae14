package dev.chat.api.http;

import dev.chat.protocol.ErrorCode;

import java.util.Objects;

/**
 * The one exception type handlers throw for an answer that is not a success. Rendered by
 * {@link Problems} as RFC 9457 problem+json; the detail is shown to the client, so it never holds
 * secrets or internal state.
 */
public final class ChatException extends RuntimeException {
    private final ErrorCode code;
    private final Integer retryAfterSeconds;

    public ChatException(ErrorCode code, String detail) {
        this(code, detail, null, null);
    }

    public ChatException(ErrorCode code, String detail, Integer retryAfterSeconds, Throwable cause) {
        super(Objects.requireNonNull(detail, "detail"), cause, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ErrorCode code() {
        return code;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ChatException validation(String detail) {
        return new ChatException(ErrorCode.VALIDATION_FAILED, detail);
    }
}
