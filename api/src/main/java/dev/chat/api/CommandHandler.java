package dev.chat.api;

import dev.chat.telemetry.RequestId;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.fanout.Command;
import dev.chat.fanout.CommandType;
import dev.chat.fanout.Envelope;
import dev.chat.fanout.EventPublisher;
import dev.chat.fanout.EventType;
import dev.chat.fanout.PublishException;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Handles WebSocket commands that ws-nodes put on the commands queue, through the same code as
 * REST ({@link Messaging}, {@link Receipts}), and answers the one session that sent each with a
 * {@code command.reply} event: {@code {"frameId", "ok": true, "result": …}} or
 * {@code {"frameId", "ok": false, "code", "detail"}}. The identity is the node's, from the
 * authenticated socket. Handlers are idempotent, so a command redelivered after an api instance
 * died has the same effect once.
 */
public final class CommandHandler implements Consumer<Command> {
    private static final Logger LOG = Logger.getLogger(CommandHandler.class.getName());

    private final Messaging messaging;
    private final Receipts receipts;
    private final Reactions reactions;
    private final ConversationStore conversations;
    private final Db db;
    private final EventPublisher publisher;
    private final PresenceService presence;
    private final Json json;

    public CommandHandler(Messaging messaging, Receipts receipts, Reactions reactions, ConversationStore conversations, Db db,
                          EventPublisher publisher, PresenceService presence, Json json) {
        this.reactions = reactions;
        this.presence = presence;
        this.messaging = messaging;
        this.receipts = receipts;
        this.conversations = conversations;
        this.db = db;
        this.publisher = publisher;
        this.json = json;
    }

    @Override
    public void accept(Command c) {
        RequestId.with(c.trace(), () -> handle(c));
    }

    private void handle(Command c) {
        ObjectNode reply = json.object().put("frameId", c.frameId());
        try {
            JsonBody body = new JsonBody(c.data().isObject() ? (ObjectNode) c.data() : json.object());
            JsonNode result = switch (c.type()) {
                case SEND -> {
                    String clientMsgId = body.string("clientMsgId", 8, 64, Messaging.CLIENT_MSG_ID,
                            "must be 8 to 64 letters, digits, '-' or '_' (a UUID fits)");
                    yield json.tree(messaging.send(c.user(), c.conversation(), clientMsgId, Messaging.Draft.from(body)).message());
                }
                case REACT -> {
                    Boolean on = body.optionalBoolean("on");
                    if (on == null) {
                        throw ChatException.validation("'on' is required: true to react, false to take it back.");
                    }
                    yield json.tree(reactions.set(c.user(), c.conversation(), seq(body), body.node().path("emoji").asText(""), on));
                }
                case READ -> json.tree(receipts.read(c.user(), c.conversation(), seq(body)));
                case DELIVERED -> json.tree(receipts.delivered(c.user(), c.conversation(), seq(body)));
                case TYPING -> typing(c, body);
                case PRESENCE -> {
                    presence.announce(c.user(), body.string("state", 6, 7));
                    yield json.object();
                }
            };
            reply.put("ok", true).set("result", result);
        } catch (ChatException e) {
            reply.put("ok", false).put("code", e.code().code()).put("detail", e.getMessage());
            if (e.retryAfterSeconds() != null) {
                reply.put("retryAfter", e.retryAfterSeconds());
            }
        } catch (RuntimeException e) {
            ChatException mapped = Problems.fromDatabase(e);
            if (mapped.code() == ErrorCode.INTERNAL_ERROR) {
                LOG.log(Level.SEVERE, "command " + c.type().wireName() + " failed", e);
            }
            reply.put("ok", false).put("code", mapped.code().code()).put("detail", mapped.getMessage());
        }
        if (c.type() == CommandType.PRESENCE) {
            return; // from a node, not a client: nobody waits for an answer
        }
        try {
            publisher.publish(Envelope.toSession(EventType.COMMAND_REPLY, c.user(), c.session(), Instant.now(), reply));
        } catch (PublishException e) {
            LOG.log(Level.FINE, "reply lost; the client retries idempotently", e);
        }
    }

    /** Typing goes to the other members only; it is ephemeral and never stored. */
    private JsonNode typing(Command c, JsonBody body) {
        String state = body.string("state", 4, 5);
        if (!state.equals("start") && !state.equals("stop")) {
            throw ChatException.validation("'state' must be \"start\" or \"stop\".");
        }
        List<UUID> members = conversations.members(db.client().execute(), c.conversation());
        if (!members.contains(c.user())) {
            throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
        }
        List<UUID> others = members.stream().filter(m -> !m.equals(c.user())).toList();
        if (!others.isEmpty()) {
            ObjectNode data = json.object().put("user", c.user().toString()).put("state", state)
                    .put("expiresInMs", 6000);
            publisher.publish(Envelope.of(EventType.TYPING, c.conversation(), null, Instant.now(), data, others));
        }
        return json.object();
    }

    static long seq(JsonBody body) {
        JsonNode n = body.node().get("seq");
        if (n == null || !n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
            throw ChatException.validation("'seq' must be a whole number >= 0.");
        }
        return n.asLong();
    }
}
