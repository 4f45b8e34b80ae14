package dev.chat.ws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Frames a client may send. A sealed set: handling is an exhaustive switch, so a new frame type
 * does not compile until it is handled. Parsing never throws; bad input becomes {@link Invalid}.
 */
sealed interface ClientFrame {
    /** The client's frame id, echoed in the reply ("" if it sent none). */
    String id();

    /** Keep-alive and round-trip probe; answered with a pong. */
    record Ping(String id) implements ClientFrame {
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
        String id = idNode != null && idNode.isTextual() && idNode.textValue().length() <= 64 ? idNode.textValue() : "";
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            return new Invalid(id, "validation_failed", "'type' is required and must be a string.");
        }
        return switch (type.textValue()) {
            case "ping" -> new Ping(id);
            default -> new Invalid(id, "unknown_frame", "Unknown frame type.");
        };
    }
}
