package dev.chat.fanout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import dev.chat.protocol.EventType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node routes by properties and headers alone: what the publisher puts there, the node reads back. */
class NodeRoutingTest {
    private final EnvelopeCodec codec = new EnvelopeCodec(new ObjectMapper());

    @Test
    void recipientsComeFromTheRoutingKeyAndCcAndTheBodyIsTheClientFrame() {
        UUID ana = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        UUID cyd = UUID.randomUUID();
        ObjectNode data = new ObjectMapper().createObjectNode().put("text", "hi");
        dev.chat.fanout.Envelope e = dev.chat.fanout.Envelope.of(EventType.MESSAGE_CREATED, UUID.randomUUID(), 3L,
                Instant.parse("2026-12-04T10:00:00.250Z"), data, List.of(ana, bob, cyd));
        EncodedEvent sent = codec.encode(e);
        Map<String, Object> headers = new HashMap<>();
        headers.put(Topology.CC_HEADER, List.of(Topology.userKey(bob), Topology.userKey(cyd)));
        headers.put(Topology.ACCEPTED_AT_HEADER, sent.atMillis());
        headers.put(Topology.TRACE_HEADER, "abc123");
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().type("message.created").headers(headers).build();

        EncodedEvent got = NodeSubscriber.event(new Envelope(1, false, Topology.EVENTS_EXCHANGE, Topology.userKey(ana)), props,
                sent.frame());
        assertEquals(List.of(ana, bob, cyd), got.to());
        assertEquals(EventType.MESSAGE_CREATED, got.type());
        assertEquals(Instant.parse("2026-12-04T10:00:00.250Z").toEpochMilli(), got.atMillis());
        assertNull(got.session());
        assertArrayEquals(sent.frame(), got.frame(), "the body is passed on as it is");
        String frame = new String(got.frame(), StandardCharsets.UTF_8);
        assertTrue(frame.contains("\"type\":\"message.created\"") && !frame.contains(ana.toString()),
                "the client frame names no recipients");
    }

    @Test
    void aBroadcastNamesNoOneAndAnUnknownTypeIsRefused() {
        AMQP.BasicProperties announcement = new AMQP.BasicProperties.Builder().type("announcement").headers(Map.of()).build();
        EncodedEvent got = NodeSubscriber.event(new Envelope(1, false, Topology.EVENTS_EXCHANGE, Topology.BROADCAST_KEY),
                announcement, "{}".getBytes(StandardCharsets.UTF_8));
        assertTrue(got.to().isEmpty());
        AMQP.BasicProperties unknown = new AMQP.BasicProperties.Builder().type("no.such.event").build();
        assertThrows(MalformedEnvelopeException.class, () -> NodeSubscriber.event(
                new Envelope(2, false, Topology.EVENTS_EXCHANGE, "u." + UUID.randomUUID()), unknown, new byte[0]));
    }

    @Test
    void eventIdsAreVersionFourUuidsAndDistinct() {
        java.util.Set<UUID> seen = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = dev.chat.fanout.Envelope.eventId();
            assertEquals(4, id.version());
            assertEquals(2, id.variant());
            assertTrue(seen.add(id));
        }
    }
}
