package dev.chat.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** JSON form of {@link Command} on the commands queue. Thread-safe. */
public final class CommandCodec {
    private final ObjectMapper mapper;

    public CommandCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public byte[] encode(Command c) {
        ObjectNode n = mapper.createObjectNode()
                .put("v", c.v())
                .put("id", c.id().toString())
                .put("type", c.type().wireName())
                .put("user", c.user().toString())
                .put("session", c.session().toString())
                .put("frameId", c.frameId())
                .put("at", c.at().toString());
        if (c.conversation() != null) {
            n.put("conversation", c.conversation().toString());
        }
        n.set("data", c.data());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    public Command decode(byte[] bytes) {
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (IOException e) {
            throw new MalformedEnvelopeException("command is not JSON", e);
        }
        if (root == null || !root.isObject() || root.path("v").asInt(-1) != Command.VERSION) {
            throw new MalformedEnvelopeException("not a command of version " + Command.VERSION);
        }
        CommandType type = CommandType.fromWire(root.path("type").asText(""))
                .orElseThrow(() -> new MalformedEnvelopeException("unknown command type"));
        try {
            return new Command(Command.VERSION, UUID.fromString(root.path("id").asText()), type,
                    UUID.fromString(root.path("user").asText()), UUID.fromString(root.path("session").asText()),
                    root.path("frameId").asText(""),
                    root.hasNonNull("conversation") ? UUID.fromString(root.get("conversation").asText()) : null,
                    root.path("data"), Instant.parse(root.path("at").asText()));
        } catch (IllegalArgumentException | DateTimeParseException | NullPointerException e) {
            throw new MalformedEnvelopeException("invalid command field: " + e.getMessage(), e);
        }
    }
}
