package dev.chat.api.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.Problems;
import dev.chat.api.http.Views;
import dev.chat.fanout.Envelope;
import dev.chat.fanout.EventPublisher;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.protocol.FrameType;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ServerFrames;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers the WebSocket frames that ws-nodes hand off ({@code send}, {@code react}, {@code typing},
 * {@code read}, {@code delivered}) through the same code as REST ({@link Messaging}, {@link
 * Receipts}, {@link Reactions}). The identity is the node's, from the authenticated socket, never
 * the frame's. The answer is the frame the node writes back to that socket, made here once:
 * {@code ack} (with the result, and {@code seq} for sends) or {@code error} with the client's
 * frame id; {@code typing}, {@code read} and {@code delivered} are answered only when refused (no
 * client waits for their success). Every frame is idempotent, so a node may hand one off again
 * after an api instance died mid-call. Thread-safe.
 */
public final class FrameHandler {
    private static final Logger LOG = Logger.getLogger(FrameHandler.class.getName());

    private final Messaging messaging;
    private final Receipts receipts;
    private final Reactions reactions;
    private final ConversationStore conversations;
    private final Db db;
    private final EventPublisher publisher;
    private final Json json;
    private final ServerFrames frames;

    public FrameHandler(Messaging messaging, Receipts receipts, Reactions reactions, ConversationStore conversations, Db db,
                        EventPublisher publisher, Json json) {
        this.messaging = messaging;
        this.receipts = receipts;
        this.reactions = reactions;
        this.conversations = conversations;
        this.db = db;
        this.publisher = publisher;
        this.json = json;
        this.frames = new ServerFrames(json.mapper());
    }

    /** The answer to one frame of {@code user}'s socket, or null when none is due. */
    public String handle(UUID user, String text) {
        ObjectNode frame;
        try {
            JsonNode parsed = json.mapper().readTree(text);
            if (parsed == null || !parsed.isObject()) {
                return error("", new ChatException(ErrorCode.MALFORMED_JSON, "A frame must be a JSON object."));
            }
            frame = (ObjectNode) parsed;
        } catch (JsonProcessingException e) {
            return error("", new ChatException(ErrorCode.MALFORMED_JSON, "The frame is not valid JSON."));
        }
        String id = frame.path("id").isTextual() ? frame.path("id").textValue() : "";
        try {
            return answer(user, id, new JsonBody(frame));
        } catch (ChatException e) {
            return error(id, e);
        } catch (RuntimeException e) {
            ChatException mapped = Problems.fromDatabase(e);
            if (mapped.code() == ErrorCode.INTERNAL_ERROR) {
                LOG.log(Level.SEVERE, "frame " + frame.path("type").asText("") + " failed", e);
            }
            return error(id, mapped);
        }
    }

    private String answer(UUID user, String id, JsonBody body) {
        FrameType type = FrameType.fromWire(body.node().path("type").asText("")).orElseThrow(FrameHandler::unknown);
        return switch (type) {
            case SEND -> send(user, id, conversation(body), body);
            case REACT -> react(user, id, conversation(body), body);
            case READ -> {
                receipts.read(user, conversation(body), seq(body));
                yield null;
            }
            case DELIVERED -> {
                receipts.delivered(user, conversation(body), seq(body));
                yield null;
            }
            case TYPING -> {
                typing(user, conversation(body), body);
                yield null;
            }
            // the node answers pings itself, and presence comes on its own path: neither is handed off as a frame
            case PING, PRESENCE -> throw unknown();
        };
    }

    private String send(UUID user, String id, UUID conversation, JsonBody body) {
        String clientMsgId = body.string("clientMsgId", 8, 64, Messaging.CLIENT_MSG_ID,
                "must be 8 to 64 letters, digits, '-' or '_' (a UUID fits)");
        Views.Message m = messaging.send(user, conversation, clientMsgId, Messaging.Draft.from(body)).message();
        return frames.encode(new ServerFrame.Ack(id, m.seq(), m));
    }

    private String react(UUID user, String id, UUID conversation, JsonBody body) {
        Boolean on = body.optionalBoolean("on");
        if (on == null) {
            throw ChatException.validation("'on' is required: true to react, false to take it back.");
        }
        Views.Reactions tally = reactions.set(user, conversation, seq(body), body.node().path("emoji").asText(""), on);
        return frames.encode(new ServerFrame.Ack(id, null, tally));
    }

    private static ChatException unknown() {
        return ChatException.validation("Unknown frame type.");
    }

    private static UUID conversation(JsonBody body) {
        try {
            return UUID.fromString(body.node().path("conversation").asText(""));
        } catch (IllegalArgumentException e) {
            throw ChatException.validation("'conversation' must be a conversation id.");
        }
    }

    /** Typing goes to the other members only; it is ephemeral and never stored. */
    private void typing(UUID user, UUID conversation, JsonBody body) {
        String state = body.string("state", 4, 5);
        if (!state.equals("start") && !state.equals("stop")) {
            throw ChatException.validation("'state' must be \"start\" or \"stop\".");
        }
        List<UUID> members = conversations.members(db.client().execute(), conversation);
        if (!members.contains(user)) {
            throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
        }
        List<UUID> others = members.stream().filter(m -> !m.equals(user)).toList();
        if (!others.isEmpty()) {
            ObjectNode data = json.object().put("user", user.toString()).put("state", state).put("expiresInMs", 6000);
            Envelope event = Envelope.of(EventType.TYPING, conversation, null, Instant.now(), data, others);
            // best effort and answered only when refused: the socket's next frame (often the message
            // itself) does not wait for the broker's confirm
            Thread.ofVirtual().name("typing-publish").start(() -> {
                try {
                    publisher.publish(event);
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "typing not published: {0}", e.getMessage());
                }
            });
        }
    }

    private String error(String id, ChatException e) {
        return frames.encode(new ServerFrame.Error(id, e.code(), e.getMessage(), e.retryAfterSeconds()));
    }

    static long seq(JsonBody body) {
        JsonNode n = body.node().get("seq");
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
            throw ChatException.validation("'seq' must be a whole number >= 0.");
        }
        return n.asLong();
    }
}
