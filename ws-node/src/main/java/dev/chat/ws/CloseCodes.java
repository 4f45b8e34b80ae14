package dev.chat.ws;

/** WebSocket close codes this node uses; the 4xxx ones are documented in docs/PROTOCOL.md. */
public final class CloseCodes {
    /** Node shutting down: reconnect (to any node). */
    public static final int GOING_AWAY = 1001;
    /** A framing error the node itself detects (e.g. a ping over 125 bytes). */
    public static final int PROTOCOL_ERROR = 1002;
    /** A text frame that is not valid UTF-8 (RFC 6455, 8.1). */
    public static final int INVALID_PAYLOAD = 1007;
    /** A frame larger than the limit. */
    public static final int TOO_BIG = 1009;
    /** The broker is unreachable right now: reconnect with backoff. */
    public static final int TRY_AGAIN_LATER = 1013;
    /** No valid access token on the upgrade: refresh it, then reconnect. */
    public static final int UNAUTHENTICATED = 4401;
    /** No frame and no pong within the idle timeout. */
    public static final int IDLE_TIMEOUT = 4408;
    /** The client did not read fast enough: its bounded send queue overflowed. */
    public static final int SLOW_CONSUMER = 4429;

    private CloseCodes() {
    }
}
