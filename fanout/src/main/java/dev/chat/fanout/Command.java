package dev.chat.fanout;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A client's WebSocket frame as ws-node hands it to api. The identity ({@code user}, {@code
 * session}) is set by the node from the authenticated socket, never taken from the frame.
 *
 * @param id           unique command id
 * @param type         what is asked
 * @param user         the authenticated user who sent it
 * @param session      the socket it came from: the reply goes back to exactly this session
 * @param frameId      the client's frame id, echoed in the reply
 * @param conversation the conversation it is about (null only for presence)
 * @param data         the type's fields, validated again by api
 * @param at           when the node received it
 */
public record Command(int v, UUID id, CommandType type, UUID user, UUID session, String frameId,
                      UUID conversation, JsonNode data, Instant at) {
    public static final int VERSION = 1;

    public Command {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(frameId, "frameId");
        if (conversation == null && type != CommandType.PRESENCE) {
            throw new IllegalArgumentException("a " + type.wireName() + " command needs a conversation");
        }
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(at, "at");
    }

    /** The request id of this command in logs: derived from its id, so both sides agree without a field. */
    public String trace() {
        return Long.toHexString(id.getMostSignificantBits());
    }

    public static Command of(CommandType type, UUID user, UUID session, String frameId, UUID conversation, JsonNode data) {
        return new Command(VERSION, UUID.randomUUID(), type, user, session, frameId, conversation, data, Instant.now());
    }
}
