package dev.chat.tokens;

/** A token that is malformed, forged, expired or meant for another audience. */
public final class InvalidTokenException extends RuntimeException {
    public InvalidTokenException(String reason) {
        super(reason);
    }

    public InvalidTokenException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
