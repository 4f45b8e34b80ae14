package dev.chat.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.EventType;
import dev.chat.telemetry.RequestId;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The versioned event envelope carried from api through the broker to ws-node and, without its
 * recipient list, to clients.
 *
 * @param v            envelope version, {@link #VERSION}
 * @param id           unique event id: consumers drop an id they have already seen
 * @param type         what happened
 * @param conversation the conversation it happened in, or {@code null} for user-level events
 * @param seq          the conversation's sequence number the event is at, or {@code null}
 * @param at           when the server accepted the change (UTC)
 * @param data         the event's payload, documented per type in docs/PROTOCOL.md
 * @param to           the users whose sessions receive it (never sent to clients)
 * @param session      when set, only this session of the (single) recipient receives it
 * @param trace        the request id of the change it announces, for logs (never sent to clients)
 */
public record Envelope(int v, UUID id, EventType type, UUID conversation, Long seq, Instant at,
                       JsonNode data, List<UUID> to, UUID session, String trace) {
    public static final int VERSION = 1;

    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(data, "data");
        to = List.copyOf(Objects.requireNonNull(to, "to"));
        if (to.isEmpty() != type.broadcast()) {
            throw new IllegalArgumentException(type.broadcast()
                    ? "a broadcast envelope names no recipients" : "an envelope needs at least one recipient");
        }
        if (seq != null && seq < 1) {
            throw new IllegalArgumentException("seq starts at 1");
        }
    }

    /** A new envelope of the current version with a fresh id. */
    public static Envelope of(EventType type, UUID conversation, Long seq, Instant at, JsonNode data, List<UUID> to) {
        return new Envelope(VERSION, eventId(), type, conversation, seq, at, data, to, null, RequestId.current());
    }

    /** An event for every node (see {@link EventType#broadcast()}). */
    public static Envelope broadcast(EventType type, Instant at, JsonNode data) {
        return new Envelope(VERSION, eventId(), type, null, null, at, data, List.of(), null, RequestId.current());
    }

    /** An event about {@code conversation} for one session of one user (a call's signal for the device in the call). */
    public static Envelope toSession(EventType type, UUID conversation, UUID user, UUID session, Instant at, JsonNode data) {
        return new Envelope(VERSION, eventId(), type, conversation, null, at, data, List.of(user), session, RequestId.current());
    }

    /** A reply for one session of one user. */
    public static Envelope toSession(EventType type, UUID user, UUID session, Instant at, JsonNode data) {
        return new Envelope(VERSION, eventId(), type, null, null, at, data, List.of(user), session, RequestId.current());
    }

    /**
     * A random (version 4) id for an event. Event ids only tell duplicates apart and are no secret,
     * so they come from a fast generator rather than the secure one behind {@link UUID#randomUUID()}.
     */
    static UUID eventId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
