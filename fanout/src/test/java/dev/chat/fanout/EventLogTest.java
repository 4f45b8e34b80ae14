package dev.chat.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import dev.chat.protocol.EventType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What goes to the event log, with which retention, and how a reading's start and its lines are read and written. */
class EventLogTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static EncodedEvent event(EventType type) {
        List<UUID> to = type.broadcast() ? List.of() : List.of(UUID.randomUUID(), UUID.randomUUID());
        return new EncodedEvent(type, to, null, 1L, "trace-1", "{}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void durableEventsNameTheLogInBccAndEphemeralOnesDoNot() {
        for (EventType type : List.of(EventType.MESSAGE_CREATED, EventType.MESSAGE_UPDATED, EventType.REACTION_UPDATED,
                EventType.RECEIPT_UPDATED, EventType.SESSION_REVOKED)) {
            AMQP.BasicProperties p = EventPublisher.properties(event(type));
            assertEquals(List.of(Topology.EVENT_LOG_KEY), p.getHeaders().get(Topology.BCC_HEADER), type.wireName());
        }
        for (EventType type : List.of(EventType.TYPING, EventType.PRESENCE, EventType.ANNOUNCEMENT, EventType.CALL_INCOMING,
                EventType.CALL_ANSWERED, EventType.CALL_ICE, EventType.CALL_RENEGOTIATE, EventType.CALL_ENDED)) {
            AMQP.BasicProperties p = EventPublisher.properties(event(type));
            assertFalse(p.getHeaders().containsKey(Topology.BCC_HEADER), type.wireName());
            assertFalse(Topology.logged(type));
        }
        // the recipients beyond the first stay in CC, untouched by the log's key
        AMQP.BasicProperties p = EventPublisher.properties(event(EventType.MESSAGE_CREATED));
        assertEquals(1, ((List<?>) p.getHeaders().get(Topology.CC_HEADER)).size());
    }

    @Test
    void theLogIsAStreamWithItsRetention() {
        EventLogRetention r = new EventLogRetention(2_000_000_000L, "7D", 50_000_000L);
        Map<String, Object> args = Topology.eventLogArguments(r);
        assertEquals("stream", args.get("x-queue-type"));
        assertEquals(2_000_000_000L, args.get("x-max-length-bytes"));
        assertEquals("7D", args.get("x-max-age"));
        assertEquals(50_000_000L, args.get("x-stream-max-segment-size-bytes"));
        assertTrue(Topology.EVENT_LOG_KEY.equals("log") && Topology.userOfKey(Topology.EVENT_LOG_KEY) == null);
    }

    @Test
    void aRetentionThatMakesNoSenseIsRefusedAtBoot() {
        assertThrows(IllegalArgumentException.class, () -> new EventLogRetention(1_000_000_000L, "7 days", 10_000_000L));
        assertThrows(IllegalArgumentException.class, () -> new EventLogRetention(1_000_000_000L, "0D", 10_000_000L));
        assertThrows(IllegalArgumentException.class, () -> new EventLogRetention(1_000_000_000L, null, 10_000_000L));
        assertThrows(IllegalArgumentException.class, () -> new EventLogRetention(5_000_000L, "1h", 10_000_000L));
        assertThrows(IllegalArgumentException.class, () -> new EventLogRetention(1_000_000_000L, "1h", 1_000L));
        assertEquals("24h", new EventLogRetention(10_000_000L, "24h", 10_000_000L).maxAge());
    }

    @Test
    void aReadingStartsAtFirstLastAnOffsetOrAnInstant() {
        assertEquals("first", EventLogReader.Start.parse("first").argument());
        // RabbitMQ's "last" replays the last chunk; "last" here means only what comes from now on
        assertInstanceOf(EventLogReader.Start.Next.class, EventLogReader.Start.parse("last"));
        assertEquals("next", EventLogReader.Start.parse("last").argument());
        assertEquals("next", EventLogReader.Start.parse("next").argument());
        assertEquals(42L, EventLogReader.Start.parse("42").argument());
        assertEquals(0L, EventLogReader.Start.parse("0").argument());
        assertEquals(Date.from(Instant.parse("2026-12-04T17:00:00Z")), EventLogReader.Start.parse("2026-12-04T17:00:00Z").argument());
        for (String bad : List.of("", "-1", "yesterday", "2026-12-04", "1e3", "99999999999999999999")) {
            assertThrows(IllegalArgumentException.class, () -> EventLogReader.Start.parse(bad), bad);
        }
    }

    @Test
    void anEntryIsItsOffsetAndTheEventAsClientsGotIt() throws Exception {
        UUID chat = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        JsonNode event = MAPPER.readTree("{\"type\":\"message.created\",\"v\":1,\"id\":\"" + id + "\",\"conversation\":\""
                + chat + "\",\"seq\":7,\"at\":\"2026-12-04T17:00:00Z\",\"data\":{\"text\":\"hi\"}}");
        EventLogReader.Entry e = new EventLogReader.Entry(12, "message.created", "req-1", event);
        assertEquals(chat, e.conversation());
        assertEquals(7L, e.seq());
        assertEquals(id, e.id());
        JsonNode line = MAPPER.readTree(e.toJson(MAPPER));
        assertEquals(12, line.get("offset").asLong());
        assertEquals("message.created", line.get("type").asText());
        assertEquals("req-1", line.get("trace").asText());
        assertEquals(event, line.get("event"));

        EventLogReader.Entry userLevel = new EventLogReader.Entry(13, "contact.updated", null,
                MAPPER.readTree("{\"type\":\"contact.updated\",\"v\":1,\"id\":\"" + id + "\",\"at\":\"2026-12-04T17:00:00Z\",\"data\":{}}"));
        assertNull(userLevel.conversation());
        assertNull(userLevel.seq());
        assertFalse(MAPPER.readTree(userLevel.toJson(MAPPER)).has("trace"));
    }
}
