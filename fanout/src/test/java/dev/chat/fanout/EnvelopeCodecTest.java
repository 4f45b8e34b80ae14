package dev.chat.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.EventType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeCodecTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final EnvelopeCodec codec = new EnvelopeCodec(mapper);
    private final UUID ana = UUID.randomUUID();
    private final UUID bo = UUID.randomUUID();

    private Envelope sample() {
        ObjectNode data = mapper.createObjectNode().put("text", "héllo <b>\u2603</b>");
        return Envelope.of(EventType.MESSAGE_CREATED, UUID.randomUUID(), 7L,
                Instant.parse("2026-11-22T10:15:30.123Z"), data, List.of(ana, bo));
    }

    @Test
    void brokerFormRoundTrips() {
        Envelope e = sample();
        assertEquals(e, codec.decode(codec.encodeLegacy(e)));
    }

    @Test
    void clientFormHidesRecipientsAndKeepsFields() throws Exception {
        Envelope e = sample();
        EncodedEvent encoded = codec.encode(e);
        var json = mapper.readTree(encoded.frame());
        assertFalse(json.has("to"));
        assertFalse(json.has("trace"));
        assertEquals(e.to(), encoded.to());
        assertEquals(e.type(), encoded.type());
        assertEquals(e.at().toEpochMilli(), encoded.atMillis());
        assertEquals("message.created", json.get("type").asText());
        assertEquals(1, json.get("v").asInt());
        assertEquals(7, json.get("seq").asLong());
        assertEquals("2026-11-22T10:15:30.123Z", json.get("at").asText());
        assertEquals(e.conversation().toString(), json.get("conversation").asText());
    }

    @Test
    void unknownFieldsAreIgnored() {
        Envelope e = sample();
        String json = new String(codec.encodeLegacy(e), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"future\":42,");
        assertEquals(e, codec.decode(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesWhatItDoesNotUnderstand() {
        String good = new String(codec.encodeLegacy(sample()), StandardCharsets.UTF_8);
        assertThrows(MalformedEnvelopeException.class, () -> codec.decode("nope".getBytes()));
        assertThrows(MalformedEnvelopeException.class, () -> codec.decode("[1]".getBytes()));
        assertThrows(MalformedEnvelopeException.class,
                () -> codec.decode(good.replace("\"v\":1", "\"v\":2").getBytes()));
        assertThrows(MalformedEnvelopeException.class,
                () -> codec.decode(good.replace("message.created", "message.exploded").getBytes()));
        assertThrows(MalformedEnvelopeException.class,
                () -> codec.decode(good.replace("2026-11-22T10:15:30.123Z", "yesterday").getBytes()));
        assertThrows(MalformedEnvelopeException.class,
                () -> codec.decode(good.replaceFirst("\"to\":\\[[^]]*]", "\"to\":[]").getBytes()));
    }

    @Test
    void envelopeValidatesItself() {
        var data = mapper.createObjectNode();
        assertThrows(IllegalArgumentException.class,
                () -> Envelope.of(EventType.MESSAGE_CREATED, null, 0L, Instant.now(), data, List.of(ana)));
        assertThrows(IllegalArgumentException.class,
                () -> Envelope.of(EventType.MESSAGE_CREATED, null, 1L, Instant.now(), data, List.of()));
    }

    @Test
    void topologyNamesAreStable() {
        assertEquals("u." + ana, Topology.userKey(ana));
        assertEquals("chat.node.ws-1", Topology.nodeQueue("ws-1"));
        assertThrows(IllegalArgumentException.class, () -> Topology.nodeQueue("bad node/id"));
        assertTrue(EventType.fromWire("message.created").isPresent());
    }
}
