package dev.chat.ws;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.FrameType;

import java.util.UUID;

/**
 * Frames a client may send. A sealed set: handling is an exhaustive switch, so a new frame type
 * does not compile until it is handled. Parsing never throws; bad input becomes {@link Invalid}.
 * The node checks shape only (it has no database); api validates content and authorises.
 */
sealed interface ClientFrame {
    /** The longest frame id a client may send (it is echoed in the reply). */
    int MAX_ID_LENGTH = 64;

    /** The client's frame id, echoed in the reply ("" if it sent none). */
    String id();

    /** Keep-alive and round-trip probe; answered with a pong. */
    record Ping(String id) implements ClientFrame {
    }

    /**
     * A frame for api: send, react, typing, read or delivered, about one conversation. It is handed
     * to api as it came; api validates its content.
     */
    record ForApi(String id, FrameType type, UUID conversation) implements ClientFrame {
    }

    /** Anything that is not a valid frame: answered with an error frame with this code. */
    record Invalid(String id, ErrorCode error, String detail) implements ClientFrame {
        /** An invalid frame by the wire form of its code ({@code validation_failed}). */
        Invalid(String id, String code, String detail) {
            this(id, ErrorCode.valueOf(code.toUpperCase(java.util.Locale.ROOT)), detail);
        }

        /** The wire form of the code. */
        String code() {
            return error.code();
        }
    }

    /**
     * Reads only what the node needs ({@code type}, {@code id}, {@code conversation}) with a
     * streaming parser, skipping the rest without building a tree: the frame goes to api as it
     * came, and api reads it whole. Malformed JSON anywhere in the frame is still refused.
     */
    static ClientFrame parse(ObjectMapper mapper, String text) {
        String id = "";
        boolean badId = false;
        String type = null;
        String conversation = "";
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return new Invalid("", ErrorCode.MALFORMED_JSON, "A frame must be a JSON object.");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "id" -> {
                        boolean isText = value == JsonToken.VALUE_STRING && p.getText().length() <= MAX_ID_LENGTH;
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
                return new Invalid("", ErrorCode.MALFORMED_JSON, "The frame is not valid JSON.");
            }
        } catch (java.io.IOException e) {
            return new Invalid("", ErrorCode.MALFORMED_JSON, "The frame is not valid JSON.");
        }
        if (badId) {
            // an id that cannot be echoed is refused in every frame, ping too (never answered with another id)
            return new Invalid("", ErrorCode.VALIDATION_FAILED, "'id' must be a string of at most " + MAX_ID_LENGTH + " characters.");
        }
        if (type == null) {
            return new Invalid(id, ErrorCode.VALIDATION_FAILED, "'type' is required and must be a string.");
        }
        FrameType frameType = FrameType.fromWire(type).orElse(null);
        if (frameType == null) {
            return new Invalid(id, ErrorCode.UNKNOWN_FRAME, "Unknown frame type.");
        }
        return switch (frameType) {
            case PING -> new Ping(id);
            case SEND, REACT, TYPING, READ, DELIVERED -> forApi(id, frameType, conversation);
            case PRESENCE -> new Invalid(id, ErrorCode.UNKNOWN_FRAME, "Unknown frame type."); // the nodes' own, never a client's
        };
    }

    private static ClientFrame forApi(String id, FrameType type, String conv) {
        if (id.isEmpty()) {
            return new Invalid(id, ErrorCode.VALIDATION_FAILED, "'id' is required: the reply echoes it.");
        }
        UUID conversation;
        try {
            conversation = UUID.fromString(conv);
        } catch (IllegalArgumentException e) {
            return new Invalid(id, ErrorCode.VALIDATION_FAILED, "'conversation' must be a conversation id.");
        }
        return new ForApi(id, type, conversation);
    }
}
