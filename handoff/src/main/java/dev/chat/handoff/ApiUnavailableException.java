package dev.chat.handoff;

/** No api instance answered a hand-off in time; the client is told to retry. */
public final class ApiUnavailableException extends RuntimeException {
    public ApiUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
