package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
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

    /**
     * A frame read once with a streaming parser: its top-level fields as a small tree, and its
     * {@code data}: a new or edited message straight into its {@link Message} (no tree: load
     * clients read thousands a second), any other as JSON.
     */
    private record Frame(ObjectNode top, JsonNode data, Message message) {
    }

    /** The record of one text frame from the server. */
    public ToClient decode(String text) {
        Frame f;
        try (JsonParser p = mapper.createParser(text)) {
            f = read(p);
        } catch (IOException e) {
            throw new IllegalArgumentException("a server frame is a JSON object: " + e.getMessage(), e);
        }
        ObjectNode root = f.top();
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
                        .orElseThrow(() -> new IllegalArgumentException("no frame or event has the type '" + type + "'")), f);
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new IllegalArgumentException("not a '" + type + "' frame as the server writes it: " + e.getMessage() + ": " + text, e);
        }
    }

    private Frame read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new IllegalArgumentException("a server frame is a JSON object");
        }
        ObjectNode top = mapper.createObjectNode();
        JsonNode data = null;
        Message message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (name.equals("data") && p.currentToken() == JsonToken.START_OBJECT && carriesMessage(top.path("type").asText(""))) {
                message = mapper.readValue(p, Message.class);
            } else if (name.equals("data")) {
                data = mapper.readTree(p);
            } else {
                top.set(name, scalar(p));
            }
        }
        if (p.nextToken() != null) {
            throw new IllegalArgumentException("nothing follows a server frame");
        }
        return new Frame(top, data == null ? MissingNode.getInstance() : data, message);
    }

    /** The value at the parser: a scalar made directly (a tree read per field costs a context each), else a tree. */
    private JsonNode scalar(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case VALUE_STRING -> TextNode.valueOf(p.getText());
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? mapper.getNodeFactory().numberNode(p.getBigIntegerValue()) : LongNode.valueOf(p.getLongValue());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            default -> mapper.readTree(p);
        };
    }

    /** Events whose data is a message and nothing else (a tombstone also says whether a moderator removed it). */
    private static boolean carriesMessage(String type) {
        return type.equals(EventType.MESSAGE_CREATED.wireName()) || type.equals(EventType.MESSAGE_UPDATED.wireName());
    }

    /** An ack's result as {@code type}: a {@link Message} for a send, {@link Message.Reactions} for a react. */
    public <T> T result(ServerFrame.Ack ack, Class<T> type) {
        return mapper.convertValue(ack.result(), type);
    }

    @SuppressWarnings("deprecation") // the retired command.reply is named, to be refused
    private ServerEvent event(EventType type, Frame f) {
        JsonNode root = f.top();
        UUID id = uuid(root, "id");
        Instant at = Instant.parse(text(root, "at"));
        JsonNode d = f.data();
        return switch (type) {
            case MESSAGE_CREATED -> new ServerEvent.MessageCreated(id, uuid(root, "conversation"), number(root, "seq"), at, message(f));
            case MESSAGE_UPDATED -> new ServerEvent.MessageUpdated(id, uuid(root, "conversation"), number(root, "seq"), at, message(f));
            case MESSAGE_DELETED -> new ServerEvent.MessageDeleted(id, uuid(root, "conversation"), number(root, "seq"), at, message(f),
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
            case CALL_INCOMING -> new ServerEvent.CallIncoming(id, uuid(root, "conversation"), at, uuid(d, "call"), uuid(d, "from"),
                    bool(d, "video"), text(d, "sdp"));
            case CALL_RINGING -> new ServerEvent.CallRinging(id, uuid(root, "conversation"), at, uuid(d, "call"));
            case CALL_ANSWERED -> new ServerEvent.CallAnswered(id, uuid(root, "conversation"), at, uuid(d, "call"), text(d, "sdp"));
            case CALL_ANSWERED_ELSEWHERE -> new ServerEvent.CallAnsweredElsewhere(id, uuid(root, "conversation"), at,
                    uuid(d, "call"), uuid(d, "session"));
            case CALL_ICE -> new ServerEvent.CallIce(id, uuid(root, "conversation"), at, uuid(d, "call"), text(d, "candidate"),
                    d.hasNonNull("sdpMid") ? text(d, "sdpMid") : null,
                    d.hasNonNull("sdpMLineIndex") ? (int) number(d, "sdpMLineIndex") : null);
            case CALL_MEDIA -> new ServerEvent.CallMedia(id, uuid(root, "conversation"), at, uuid(d, "call"), uuid(d, "user"),
                    bool(d, "audio"), bool(d, "video"));
            case CALL_RENEGOTIATE -> new ServerEvent.CallRenegotiate(id, uuid(root, "conversation"), at, uuid(d, "call"), text(d, "sdp"),
                    "offer".equals(text(d, "kind")));
            case CALL_ENDED -> new ServerEvent.CallEnded(id, uuid(root, "conversation"), at, uuid(d, "call"), text(d, "reason"),
                    d.hasNonNull("by") ? uuid(d, "by") : null, number(d, "durationMs"));
            case HUDDLE_UPDATED -> new ServerEvent.HuddleUpdated(id, uuid(root, "conversation"), at, uuid(d, "huddle"),
                    number(d, "version"), "live".equals(text(d, "state")), peers(d.path("participants")));
            case HUDDLE_SIGNAL -> new ServerEvent.HuddleSignal(id, uuid(root, "conversation"), at, uuid(d, "huddle"), uuid(d, "from"),
                    uuid(d, "fromSession"), text(d, "kind"), d.hasNonNull("sdp") ? text(d, "sdp") : null,
                    d.hasNonNull("candidate") ? text(d, "candidate") : null, d.hasNonNull("sdpMid") ? text(d, "sdpMid") : null,
                    d.hasNonNull("sdpMLineIndex") ? (int) number(d, "sdpMLineIndex") : null);
            case COMMAND_REPLY, SESSION_REVOKED -> throw new IllegalArgumentException(type.wireName() + " is never sent to clients");
        };
    }

    /** The message a frame carries (read as it was parsed, or from its data when the type came after it). */
    private Message message(Frame f) {
        if (f.message() != null) {
            return f.message();
        }
        try {
            return mapper.treeToValue(object(f.data()), Message.class);
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

    private static List<ServerEvent.HuddlePeer> peers(JsonNode list) {
        if (!list.isArray()) {
            throw new IllegalArgumentException("'participants' is a list");
        }
        List<ServerEvent.HuddlePeer> out = new ArrayList<>(list.size());
        list.forEach(p -> out.add(new ServerEvent.HuddlePeer(uuid(p, "user"), uuid(p, "session"), bool(p, "audio"), bool(p, "video"),
                bool(p, "screen"))));
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
