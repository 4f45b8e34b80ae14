package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads what a server writes to a socket, for Java clients (bench, tests): a text frame becomes its
 * {@link ServerFrame} or {@link ServerEvent} record. Unknown fields are ignored, as the protocol
 * says; a frame that is not one the server writes (not JSON, an unknown type, a missing or
 * malformed field) is an {@link IllegalArgumentException}, since a client cannot go on from it.
 * The server never uses this: api encodes each event once and nodes pass the bytes on unread.
 * Thread-safe.
 */
public final class ServerEvents {
    private final ObjectMapper mapper = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The record of one text frame from the server. */
    public ToClient decode(String text) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a server frame is JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a server frame is a JSON object");
        }
        String type = root.path("type").asText("");
        try {
            return switch (type) {
                case ServerFrame.WELCOME -> new ServerFrame.Welcome(text(root, "node"), uuid(root, "session"),
                        number(root, "heartbeatSeconds"), uuid(root.path("user"), "id"), text(root.path("user"), "username"));
                case ServerFrame.PONG -> new ServerFrame.Pong(root.path("id").asText(""));
                case ServerFrame.ACK -> new ServerFrame.Ack(text(root, "id"), root.hasNonNull("seq") ? number(root, "seq") : null,
                        root.path("result"));
                case ServerFrame.ERROR -> new ServerFrame.Error(text(root, "id"), ErrorCode.fromWire(text(root, "code"))
                        .orElseThrow(() -> new IllegalArgumentException("unknown error code " + root.get("code"))),
                        text(root, "detail"), root.hasNonNull("retryAfter") ? (int) number(root, "retryAfter") : null);
                default -> event(EventType.fromWire(type)
                        .orElseThrow(() -> new IllegalArgumentException("no frame or event has the type '" + type + "'")), root);
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("not a '" + type + "' frame as the server writes it: " + e.getMessage() + ": " + text, e);
        }
    }

    /** An ack's result as {@code type}: a {@link Message} for a send, {@link Message.Reactions} for a react. */
    public <T> T result(ServerFrame.Ack ack, Class<T> type) {
        return mapper.convertValue(ack.result(), type);
    }

    @SuppressWarnings("deprecation") // the retired command.reply is named, to be refused
    private ServerEvent event(EventType type, JsonNode root) {
        UUID id = uuid(root, "id");
        Instant at = Instant.parse(text(root, "at"));
        JsonNode d = root.path("data");
        return switch (type) {
            case MESSAGE_CREATED -> new ServerEvent.MessageCreated(id, uuid(root, "conversation"), number(root, "seq"), at, message(d));
            case MESSAGE_UPDATED -> new ServerEvent.MessageUpdated(id, uuid(root, "conversation"), number(root, "seq"), at, message(d));
            case MESSAGE_DELETED -> new ServerEvent.MessageDeleted(id, uuid(root, "conversation"), number(root, "seq"), at, message(d),
                    d.path("moderated").asBoolean(false));
            case CONVERSATION_CREATED -> new ServerEvent.ConversationCreated(id, uuid(root, "conversation"), at, object(d));
            case CONVERSATION_UPDATED -> new ServerEvent.ConversationUpdated(id, uuid(root, "conversation"), at, object(d));
            case CONTACT_UPDATED -> new ServerEvent.ContactUpdated(id, at, object(d));
            case USER_UPDATED -> new ServerEvent.UserUpdated(id, at, uuid(d, "id"), text(d, "username"), text(d, "displayName"));
            case GROUP_UPDATED -> new ServerEvent.GroupUpdated(id, at, object(d));
            case GROUP_DELETED -> new ServerEvent.GroupDeleted(id, at, uuid(d, "id"));
            case GROUP_MEMBER_ADDED -> new ServerEvent.GroupMemberAdded(id, at, uuid(d, "group"), uuid(d, "user"), text(d, "role"));
            case GROUP_MEMBER_REMOVED -> new ServerEvent.GroupMemberRemoved(id, at, uuid(d, "group"), uuid(d, "user"));
            case REACTION_UPDATED -> new ServerEvent.ReactionUpdated(id, uuid(root, "conversation"), number(root, "seq"), at,
                    number(d, "version"), uuid(d, "user"), text(d, "emoji"), bool(d, "on"), reactions(d.path("reactions")));
            case RECEIPT_UPDATED -> new ServerEvent.ReceiptUpdated(id, uuid(root, "conversation"), at, uuid(d, "user"),
                    number(d, "deliveredSeq"), number(d, "readSeq"));
            case RECEIPTS_ADVANCED -> new ServerEvent.ReceiptsAdvanced(id, uuid(root, "conversation"), at,
                    number(d, "deliveredSeq"), number(d, "readSeq"));
            case TYPING -> new ServerEvent.Typing(id, uuid(root, "conversation"), at, uuid(d, "user"), TypingState.fromWire(text(d, "state"))
                    .orElseThrow(() -> new IllegalArgumentException("typing state " + d.get("state"))), number(d, "expiresInMs"));
            case PRESENCE -> new ServerEvent.Presence(id, at, uuid(d, "user"), "online".equals(text(d, "state")),
                    d.hasNonNull("lastSeen") ? Instant.parse(text(d, "lastSeen")) : null);
            case ANNOUNCEMENT -> new ServerEvent.Announcement(id, at, uuid(d, "id"), text(d, "text"), text(d, "by"));
            case COMMAND_REPLY, SESSION_REVOKED -> throw new IllegalArgumentException(type.wireName() + " is never sent to clients");
        };
    }

    private Message message(JsonNode data) {
        try {
            return mapper.treeToValue(object(data), Message.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a message: " + e.getOriginalMessage(), e);
        }
    }

    private List<Message.Reaction> reactions(JsonNode list) {
        if (!list.isArray()) {
            throw new IllegalArgumentException("'reactions' is a list");
        }
        List<Message.Reaction> out = new ArrayList<>(list.size());
        list.forEach(r -> out.add(mapper.convertValue(r, Message.Reaction.class)));
        return out;
    }

    private static JsonNode object(JsonNode data) {
        if (!data.isObject()) {
            throw new IllegalArgumentException("'data' is an object");
        }
        return data;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + field + "' is a string");
        }
        return v.textValue();
    }

    private static UUID uuid(JsonNode node, String field) {
        return UUID.fromString(text(node, field));
    }

    private static long number(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("'" + field + "' is a whole number");
        }
        return v.longValue();
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("'" + field + "' is true or false");
        }
        return v.booleanValue();
    }
}
