package dev.chat.protocol;

/**
 * The WebSocket close codes the server uses; the 4xxx ones are its own (docs/PROTOCOL.md, "Close
 * codes"). A failure that closes a socket rather than answering with an error frame is one of
 * these; the error catalog says which of its codes do ({@link ErrorCode#closesSocket()}).
 */
public enum CloseCode {
    /** Node shutting down: reconnect (to any node). */
    GOING_AWAY(1001),
    /** A framing error the node itself detects (e.g. a ping over 125 bytes). */
    PROTOCOL_ERROR(1002),
    /** A text frame that is not valid UTF-8 (RFC 6455, 8.1). */
    INVALID_PAYLOAD(1007),
    /** A frame larger than the limit. */
    TOO_BIG(1009),
    /** The broker is unreachable right now: reconnect with backoff. */
    TRY_AGAIN_LATER(1013),
    /** No valid access token on the upgrade, or the session was ended: refresh it, then reconnect. */
    UNAUTHENTICATED(4401),
    /** No frame and no pong within the idle timeout. */
    IDLE_TIMEOUT(4408),
    /** The client did not read fast enough: its bounded send queue overflowed. */
    SLOW_CONSUMER(4429);

    private final int code;

    CloseCode(int code) {
        this.code = code;
    }

    /** The number in the close frame. */
    public int code() {
        return code;
    }
}
