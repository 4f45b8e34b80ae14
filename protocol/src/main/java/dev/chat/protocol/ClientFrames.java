package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * The codec of {@link ClientFrame}s, three ways:
 * <ul>
 *   <li>{@link #peek}: what a ws-node needs to route a frame (type, id, conversation), read with a
 *       streaming parser that skips everything else and builds no tree; the frame then goes to api
 *       as it came;</li>
 *   <li>{@link #decode}: the whole frame into its record, with every rule that needs no database
 *       (api's; what needs the database, membership above all, stays in api);</li>
 *   <li>{@link #encode}: a record as the JSON text a client sends (Java clients: bench, tests).</li>
 * </ul>
 * Reading never throws: a frame that breaks a rule becomes {@link ClientFrame.Refused} with the
 * code and detail of its answer. A frame the node passes on passes decode's envelope rules too, so
 * api's refusals are about fields only. Thread-safe.
 */
public final class ClientFrames {
    static final String NOT_AN_OBJECT = "A frame must be a JSON object.";
    static final String NOT_JSON = "The frame is not valid JSON.";
    static final String BAD_ID = "'id' must be a string of at most " + ClientFrame.MAX_ID_LENGTH + " characters.";
    static final String NO_TYPE = "'type' is required and must be a string.";
    static final String UNKNOWN = "Unknown frame type.";
    static final String NO_ID = "'id' is required: the reply echoes it.";
    static final String BAD_CONVERSATION = "'conversation' must be a conversation id.";

    /** JSON's own escapes, and U+FFFD as JSON's six-character escape of it. */
    private static final CharacterEscapes REPLACEMENT_ESCAPED = new CharacterEscapes() {
        private final int[] ascii = standardAsciiEscapesForJSON();
        private final SerializableString replacement = new SerializedString("\\ufffd");

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return ch == 0xFFFD ? replacement : null;
        }
    };

    private final ObjectMapper mapper;

    /** {@code mapper}'s factory makes the parsers and generators (and its buffer recycling with them). */
    public ClientFrames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Reads only {@code type}, {@code id} and {@code conversation}, skipping the rest without
     * building a tree. Malformed JSON anywhere in the object is still refused; what follows the
     * object is not read.
     */
    public Peeked peek(String text) {
        String id = "";
        boolean badId = false;
        String type = null;
        String conversation = "";
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new ClientFrame.Refused("", ErrorCode.MALFORMED_JSON, NOT_AN_OBJECT);
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "id" -> {
                        boolean isText = value == JsonToken.VALUE_STRING && p.getText().length() <= ClientFrame.MAX_ID_LENGTH;
                        id = isText ? p.getText() : "";
                        badId = !isText && value != JsonToken.VALUE_NULL;
                    }
                    case "type" -> type = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "conversation" -> conversation = value.isScalarValue() ? p.getText() : "";
                    default -> {
                        // not the node's business
                    }
                }
                if (value.isStructStart()) {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return new ClientFrame.Refused("", ErrorCode.MALFORMED_JSON, NOT_JSON);
            }
        } catch (IOException e) {
            return new ClientFrame.Refused("", ErrorCode.MALFORMED_JSON, NOT_JSON);
        }
        return route(id, badId, type, conversation);
    }

    /**
     * The rules of a frame's envelope, the same for {@link #peek} and {@link #decode}: an id that
     * cannot be echoed is refused in every frame (ping too, never answered with another id); then
     * the type; every frame but ping needs an id and a conversation.
     */
    private static Peeked route(String id, boolean badId, String type, String conversation) {
        if (badId) {
            return new ClientFrame.Refused("", ErrorCode.VALIDATION_FAILED, BAD_ID);
        }
        if (type == null) {
            return new ClientFrame.Refused(id, ErrorCode.VALIDATION_FAILED, NO_TYPE);
        }
        FrameType frameType = FrameType.fromWire(type).orElse(null);
        if (frameType == null) {
            return new ClientFrame.Refused(id, ErrorCode.UNKNOWN_FRAME, UNKNOWN);
        }
        return switch (frameType) {
            case PING -> new ClientFrame.Ping(id);
            case SEND, REACT, TYPING, READ, DELIVERED, CALL_INVITE, CALL_RINGING, CALL_ANSWER, CALL_REJECT, CALL_CANCEL,
                 CALL_HANGUP, CALL_ICE, CALL_MEDIA, CALL_RENEGOTIATE, HUDDLE_JOIN, HUDDLE_LEAVE, HUDDLE_MEDIA, HUDDLE_SIGNAL ->
                    forApi(id, frameType, conversation);
            case PRESENCE -> new ClientFrame.Refused(id, ErrorCode.UNKNOWN_FRAME, UNKNOWN); // the nodes' own, never a client's
        };
    }

    private static Peeked forApi(String id, FrameType type, String conversation) {
        if (id.isEmpty()) {
            return new ClientFrame.Refused(id, ErrorCode.VALIDATION_FAILED, NO_ID);
        }
        try {
            return new Peeked.ForApi(id, type, UUID.fromString(conversation));
        } catch (IllegalArgumentException e) {
            return new ClientFrame.Refused(id, ErrorCode.VALIDATION_FAILED, BAD_CONVERSATION);
        }
    }

    /** The whole frame: its record if it keeps every rule, else the refusal. Nothing may follow the object. */
    public ClientFrame decode(String text) {
        JsonNode tree;
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            tree = mapper.readTree(p);
            if (tree != null && p.nextToken() != null) {
                return new ClientFrame.Refused("", ErrorCode.MALFORMED_JSON, NOT_JSON);
            }
        } catch (IOException e) {
            return new ClientFrame.Refused("", ErrorCode.MALFORMED_JSON, NOT_JSON);
        }
        if (tree == null || !tree.isObject()) {
            return new ClientFrame.Refused("", ErrorCode.MALFORMED_JSON, NOT_AN_OBJECT);
        }
        JsonNode id = tree.path("id");
        boolean idIsText = id.isTextual() && id.textValue().length() <= ClientFrame.MAX_ID_LENGTH;
        JsonNode conversation = tree.path("conversation");
        Peeked routed = route(idIsText ? id.textValue() : "", !idIsText && !id.isMissingNode() && !id.isNull(),
                tree.path("type").isTextual() ? tree.path("type").textValue() : null,
                conversation.isValueNode() ? conversation.asText() : "");
        return switch (routed) {
            case ClientFrame.Ping p -> p;
            case ClientFrame.Refused r -> r;
            case Peeked.ForApi f -> decode(f.type(), f.id(), f.conversation(), tree);
        };
    }

    /**
     * The fields of a frame of {@code type} about {@code conversation}, from a frame or from a REST
     * body that stands for one ({@code POST …/messages} is a send, {@code POST …/read} a read;
     * their id is ""). The fields are checked in a fixed order and the first broken rule answers.
     */
    public ClientFrame decode(FrameType type, String id, UUID conversation, JsonNode fields) {
        FrameFields f = new FrameFields(fields, FrameFields.Refusal::new);
        try {
            return switch (type) {
                case PING -> new ClientFrame.Ping(id);
                case SEND -> send(id, conversation, f);
                case REACT -> react(id, conversation, f);
                case TYPING -> new ClientFrame.Typing(id, conversation, typingState(f));
                case READ -> new ClientFrame.Read(id, conversation, f.seq());
                case DELIVERED -> new ClientFrame.Delivered(id, conversation, f.seq());
                case PRESENCE -> new ClientFrame.Refused(id, ErrorCode.UNKNOWN_FRAME, UNKNOWN);
                case CALL_INVITE, CALL_RINGING, CALL_ANSWER, CALL_REJECT, CALL_CANCEL, CALL_HANGUP, CALL_ICE, CALL_MEDIA,
                     CALL_RENEGOTIATE ->
                        CallFrames.decode(type, id, conversation, fields, f);
                case HUDDLE_JOIN, HUDDLE_LEAVE, HUDDLE_MEDIA, HUDDLE_SIGNAL -> HuddleFrames.decode(type, id, conversation, fields, f);
            };
        } catch (FrameFields.Refusal r) {
            return new ClientFrame.Refused(id, ErrorCode.VALIDATION_FAILED, r.getMessage());
        }
    }

    private static ClientFrame.Send send(String id, UUID conversation, FrameFields f) {
        String clientMsgId = f.string("clientMsgId", 8, 64, ClientFrame.CLIENT_MSG_ID,
                "must be 8 to 64 letters, digits, '-' or '_' (a UUID fits)");
        UUID attachment = f.optionalUuid("attachment");
        String text = attachment == null ? f.string("text", 1, ClientFrame.MAX_TEXT)
                : f.optionalString("text", 0, ClientFrame.MAX_TEXT).orElse("");
        return new ClientFrame.Send(id, conversation, clientMsgId, text, attachment, f.optionalLong("replyTo", 1, Long.MAX_VALUE));
    }

    private static ClientFrame.React react(String id, UUID conversation, FrameFields f) {
        Boolean on = f.optionalBoolean("on");
        if (on == null) {
            throw f.refuse("'on' is required: true to react, false to take it back.");
        }
        long seq = f.seq();
        String emoji = f.text("emoji");
        if (!Emoji.isOne(emoji)) {
            throw f.refuse(Emoji.NOT_ONE);
        }
        return new ClientFrame.React(id, conversation, seq, emoji, on);
    }

    private static TypingState typingState(FrameFields f) {
        return TypingState.fromWire(f.string("state", 4, 5))
                .orElseThrow(() -> f.refuse("'state' must be \"start\" or \"stop\"."));
    }

    /**
     * The frame as a client sends it; a {@link ClientFrame.Refused} is an answer, never sent, and is
     * refused. A U+FFFD in a string goes escaped (as JSON's six-character escape): a node takes a raw one for bytes
     * that were not UTF-8 and closes the socket (docs/PROTOCOL.md, close code 1007).
     */
    public String encode(ClientFrame frame) {
        StringWriter out = new StringWriter(160);
        try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
            g.setCharacterEscapes(REPLACEMENT_ESCAPED);
            g.writeStartObject();
            switch (frame) {
                case ClientFrame.Ping p -> head(g, FrameType.PING, p.id(), null);
                case ClientFrame.Send s -> send(g, s);
                case ClientFrame.React r -> {
                    head(g, FrameType.REACT, r.id(), r.conversation());
                    g.writeNumberField("seq", r.seq());
                    g.writeStringField("emoji", r.emoji());
                    g.writeBooleanField("on", r.on());
                }
                case ClientFrame.Typing t -> {
                    head(g, FrameType.TYPING, t.id(), t.conversation());
                    g.writeStringField("state", t.state().wireName());
                }
                case ClientFrame.Read r -> {
                    head(g, FrameType.READ, r.id(), r.conversation());
                    g.writeNumberField("seq", r.seq());
                }
                case ClientFrame.Delivered d -> {
                    head(g, FrameType.DELIVERED, d.id(), d.conversation());
                    g.writeNumberField("seq", d.seq());
                }
                case ClientFrame.CallInvite c -> CallFrames.write(g, c);
                case ClientFrame.CallAnswer c -> CallFrames.write(g, c);
                case ClientFrame.CallStep c -> CallFrames.write(g, c);
                case ClientFrame.CallIce c -> CallFrames.write(g, c);
                case ClientFrame.CallMedia c -> CallFrames.write(g, c);
                case ClientFrame.CallRenegotiate c -> CallFrames.write(g, c);
                case ClientFrame.HuddleJoin h -> HuddleFrames.write(g, h);
                case ClientFrame.HuddleLeave h -> HuddleFrames.write(g, h);
                case ClientFrame.HuddleMedia h -> HuddleFrames.write(g, h);
                case ClientFrame.HuddleSignal h -> HuddleFrames.write(g, h);
                case ClientFrame.Refused r -> throw new IllegalArgumentException("a refusal is answered, never sent: " + r);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a " + frame.getClass().getSimpleName() + " frame", e);
        }
        return out.toString();
    }

    static void head(JsonGenerator g, FrameType type, String id, UUID conversation) throws IOException {
        g.writeStringField("type", type.wireName());
        g.writeStringField("id", id);
        if (conversation != null) {
            g.writeStringField("conversation", conversation.toString());
        }
    }

    private static void send(JsonGenerator g, ClientFrame.Send s) throws IOException {
        head(g, FrameType.SEND, s.id(), s.conversation());
        g.writeStringField("clientMsgId", s.clientMsgId());
        if (s.text() != null) {
            g.writeStringField("text", s.text());
        }
        if (s.attachment() != null) {
            g.writeStringField("attachment", s.attachment().toString());
        }
        if (s.replyTo() != null) {
            g.writeNumberField("replyTo", s.replyTo());
        }
    }
}
