package dev.chat.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    static ClientFrame parse(ObjectMapper mapper, String text) {
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (Exception e) {
            return new Invalid("", "malformed_json", "The frame is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            return new Invalid("", "malformed_json", "A frame must be a JSON object.");
        }
        JsonNode idNode = node.get("id");
        boolean validId = idNode != null && idNode.isTextual() && idNode.textValue().length() <= MAX_ID_LENGTH;
        String id = validId ? idNode.textValue() : "";
        if (!validId && idNode != null && !idNode.isNull()) {
            // an id that cannot be echoed is refused in every frame, ping too (never answered with another id)
            return new Invalid("", "validation_failed", "'id' must be a string of at most " + MAX_ID_LENGTH + " characters.");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            return new Invalid(id, "validation_failed", "'type' is required and must be a string.");
        }
        if (type.textValue().equals("ping")) {
            return new Ping(id);
        }
        return FrameType.fromWire(type.textValue())
                .filter(FrameType::fromClients)
                .<ClientFrame>map(t -> forApi(id, t, (ObjectNode) node))
                .orElseGet(() -> new Invalid(id, "unknown_frame", "Unknown frame type."));
    }

    private static ClientFrame forApi(String id, FrameType type, ObjectNode node) {
        if (id.isEmpty()) {
            return new Invalid(id, "validation_failed", "'id' is required: the reply echoes it.");
        }
        JsonNode conv = node.get("conversation");
        UUID conversation;
        try {
            conversation = UUID.fromString(conv == null ? "" : conv.asText());
        } catch (IllegalArgumentException e) {
            return new Invalid(id, "validation_failed", "'conversation' must be a conversation id.");
        }
        return new ForApi(id, type, conversation);
    }
}
