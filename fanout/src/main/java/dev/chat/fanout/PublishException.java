package dev.chat.fanout;

/** The broker did not confirm a publish (unreachable, nacked or timed out): retry later. */
public final class PublishException extends RuntimeException {
    public PublishException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
