package dev.chat.fanout;

import dev.chat.protocol.EventType;
import dev.chat.telemetry.RequestId;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * JSON forms of {@link Envelope}. {@link #encode} makes the client frame once, with the routing
 * data beside it ({@link EncodedEvent}): that is what is stored in the outbox, published and
 * written to sockets. {@link #decode} reads the older broker form (the frame with {@code to},
 * {@code session} and {@code trace} inside it), which outbox rows written before the encode-once
 * change still hold.
 *
 * <p>Timestamps are RFC 3339 UTC strings. Unknown fields are ignored, so a newer api can add
 * fields without breaking older nodes; an unknown {@code type} or a newer {@code v} is refused.
 * Thread-safe.
 */
public final class EnvelopeCodec {
    private final ObjectMapper mapper;

    public EnvelopeCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public EnvelopeCodec() {
        this(Mappers.create());
    }

    /** The client frame, encoded once, with the routing data beside it. */
    public EncodedEvent encode(Envelope e) {
        byte[] frame = write(clientNode(e)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new EncodedEvent(e.type(), e.to(), e.session(), e.at().toEpochMilli(), e.trace(), frame);
    }

    /** The older broker form: every field, recipients included (kept to read and test older outbox rows). */
    public byte[] encodeLegacy(Envelope e) {
        ObjectNode node = clientNode(e);
        ArrayNode to = node.putArray("to");
        e.to().forEach(u -> to.add(u.toString()));
        if (e.session() != null) {
            node.put("session", e.session().toString());
        }
        if (e.trace() != null) {
            node.put("trace", e.trace());
        }
        return write(node).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public Envelope decode(byte[] bytes) {
        JsonNode root;
        try {
            root = mapper.readTree(bytes);
        } catch (IOException ex) {
            throw new MalformedEnvelopeException("not JSON", ex);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedEnvelopeException("not a JSON object");
        }
        int v = root.path("v").asInt(-1);
        if (v != Envelope.VERSION) {
            throw new MalformedEnvelopeException("unsupported envelope version " + v);
        }
        EventType type = EventType.fromWire(root.path("type").asText(""))
                .orElseThrow(() -> new MalformedEnvelopeException("unknown event type"));
        try {
            UUID id = UUID.fromString(root.path("id").asText());
            UUID conversation = root.hasNonNull("conversation") ? UUID.fromString(root.get("conversation").asText()) : null;
            Long seq = root.hasNonNull("seq") ? root.get("seq").asLong() : null;
            Instant at = Instant.parse(root.path("at").asText());
            JsonNode data = root.path("data");
            if (!data.isObject()) {
                throw new MalformedEnvelopeException("data must be an object");
            }
            List<UUID> to = new ArrayList<>();
            for (JsonNode u : root.path("to")) {
                to.add(UUID.fromString(u.asText()));
            }
            UUID session = root.hasNonNull("session") ? UUID.fromString(root.get("session").asText()) : null;
            String trace = root.hasNonNull("trace") ? RequestId.accept(root.get("trace").asText()) : null;
            return new Envelope(v, id, type, conversation, seq, at, data, to, session, trace);
        } catch (IllegalArgumentException | DateTimeParseException | NullPointerException ex) {
            throw new MalformedEnvelopeException("invalid field: " + ex.getMessage(), ex);
        }
    }

    private ObjectNode clientNode(Envelope e) {
        ObjectNode node = mapper.createObjectNode();
        node.put("type", e.type().wireName());
        node.put("v", e.v());
        node.put("id", e.id().toString());
        if (e.conversation() != null) {
            node.put("conversation", e.conversation().toString());
        }
        if (e.seq() != null) {
            node.put("seq", e.seq());
        }
        node.put("at", e.at().toString());
        node.set("data", e.data());
        return node;
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialise envelope", ex);
        }
    }
}
