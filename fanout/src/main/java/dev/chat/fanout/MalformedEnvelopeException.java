package dev.chat.fanout;

/** Bytes from the broker that are not a valid envelope of a version this code understands. */
public final class MalformedEnvelopeException extends RuntimeException {
    public MalformedEnvelopeException(String reason) {
        super(reason);
    }

    public MalformedEnvelopeException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
