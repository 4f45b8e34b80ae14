package dev.chat.protocol;

import java.util.Objects;
import java.util.UUID;

/**
 * The frames the server writes to a socket that are not events (events are envelopes, see
 * {@link EventType}): the welcome on open, and the answers to a client's own frames, each echoing
 * the client's frame {@code id} ("" when it sent none). Written by {@link ServerFrames}; read by
 * Java clients with {@link ServerEvents} (an ack's result is then JSON: see {@link
 * ServerEvents#result}).
 */
public sealed interface ServerFrame extends ToClient {
    /** The protocol version a welcome announces. */
    int VERSION = 1;
    /** The wire types of these frames ({@code type}); the events' are in {@link EventType}. */
    String WELCOME = "welcome";
    String PONG = "pong";
    String ACK = "ack";
    String ERROR = "error";

    /**
     * The first frame on an open socket: from now on every event for the user reaches it.
     *
     * @param heartbeatSeconds how often the client should ping at least
     */
    record Welcome(String node, UUID session, long heartbeatSeconds, UUID userId, String username) implements ServerFrame {
    }

    /** The answer to a ping. */
    record Pong(String id) implements ServerFrame {
    }

    /**
     * Success of a frame that has a result ({@code send}, {@code react}).
     *
     * @param seq    the message's seq for a send, else null
     * @param result what the frame produced, written as JSON by the codec's mapper
     */
    record Ack(String id, Long seq, Object result) implements ServerFrame {
        public Ack {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * A frame refused: the socket stays open.
     *
     * @param retryAfter seconds to wait before sending the same frame again, or null
     */
    record Error(String id, ErrorCode code, String detail, Integer retryAfter) implements ServerFrame {
        public Error {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(detail, "detail");
        }

        public Error(String id, ErrorCode code, String detail) {
            this(id, code, detail, null);
        }
    }
}
