package dev.chat.ws;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.handoff.FrameType;

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
    record Invalid(String id, String code, String detail) implements ClientFrame {
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
                return new Invalid("", "malformed_json", "A frame must be a JSON object.");
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
                return new Invalid("", "malformed_json", "The frame is not valid JSON.");
            }
        } catch (java.io.IOException e) {
            return new Invalid("", "malformed_json", "The frame is not valid JSON.");
        }
        if (badId) {
            // an id that cannot be echoed is refused in every frame, ping too (never answered with another id)
            return new Invalid("", "validation_failed", "'id' must be a string of at most " + MAX_ID_LENGTH + " characters.");
        }
        if (type == null) {
            return new Invalid(id, "validation_failed", "'type' is required and must be a string.");
        }
        if (type.equals("ping")) {
            return new Ping(id);
        }
        String frameId = id;
        String conv = conversation;
        return FrameType.fromWire(type)
                .filter(FrameType::fromClients)
                .<ClientFrame>map(ft -> forApi(frameId, ft, conv))
                .orElseGet(() -> new Invalid(frameId, "unknown_frame", "Unknown frame type."));
    }

    private static ClientFrame forApi(String id, FrameType type, String conv) {
        if (id.isEmpty()) {
            return new Invalid(id, "validation_failed", "'id' is required: the reply echoes it.");
        }
        UUID conversation;
        try {
            conversation = UUID.fromString(conv);
        } catch (IllegalArgumentException e) {
            return new Invalid(id, "validation_failed", "'conversation' must be a conversation id.");
        }
        return new ForApi(id, type, conversation);
    }
}
