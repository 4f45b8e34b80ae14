package dev.chat.fanout;

import dev.chat.protocol.EventType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An event encoded once, as it travels from api through the broker to the clients: {@code frame}
 * is the exact WebSocket frame clients get (the client form of an {@link Envelope}), and the rest
 * is routing data that travels beside it in AMQP properties and headers, never in the body. A
 * ws-node routes by these fields and writes the same bytes to every local session without parsing
 * them.
 *
 * @param type     what happened (the AMQP {@code type} property)
 * @param to       the users whose sessions receive it (routing key and {@code CC}); empty for broadcasts
 * @param session  when set, only this session of the single recipient receives it
 * @param atMillis when the server accepted the change (for the delivery latency meter)
 * @param trace    the request id of the change, for logs, or null
 * @param frame    the client frame, UTF-8 JSON
 */
public record EncodedEvent(EventType type, List<UUID> to, UUID session, long atMillis, String trace, byte[] frame) {
    public EncodedEvent {
        Objects.requireNonNull(type, "type");
        to = List.copyOf(Objects.requireNonNull(to, "to"));
        Objects.requireNonNull(frame, "frame");
        if (to.isEmpty() != type.broadcast()) {
            throw new IllegalArgumentException(type.broadcast()
                    ? "a broadcast event names no recipients" : "an event needs at least one recipient");
        }
    }

    /** The frame as text, for a WebSocket text frame. */
    public String text() {
        return new String(frame, StandardCharsets.UTF_8);
    }
}
