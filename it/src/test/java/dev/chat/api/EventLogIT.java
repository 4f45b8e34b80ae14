package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.chat.fanout.EventLogReader;
import dev.chat.fanout.EventLogRetention;
import dev.chat.fanout.Mappers;
import dev.chat.fanout.Topology;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.TypingState;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event log (docs/EVENTS.md): every durable event the service publishes is appended to the
 * RabbitMQ stream {@code chat.events.log} by the broker as it routes it, and a reader replays it
 * from where it likes. Here a conversation's events are replayed from offset 0, complete and in
 * seq order, without the typing; the stream's retention is what api declared; and a reader that
 * starts at {@code last} sees only what comes after it.
 */
@ExtendWith(ChatServers.class)
class EventLogIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aConversationsEventsAreReplayedFromOffsetZeroCompleteAndInSeqOrder(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrlB(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Inbox anaWs = new TestClient.Inbox(ana.connect(stack.wsUrlA()));
        TestClient.Inbox bobWs = new TestClient.Inbox(bob.connect(stack.wsUrlB()));
        anaWs.take(ServerFrame.Welcome.class, WAIT);
        bobWs.take(ServerFrame.Welcome.class, WAIT);

        int n = 12;
        for (int i = 1; i <= n; i++) {
            anaWs.send(new ClientFrame.Send("s" + i, chat, String.format("log-%06d", i), "message " + i));
            ServerFrame reply = anaWs.reply("s" + i, WAIT);
            ServerFrame.Ack ack = assertInstanceOf(ServerFrame.Ack.class, reply, reply.toString());
            assertEquals((long) i, (long) ack.seq());
            long seq = i;
            // delivered before the next is sent: the broker has routed it, to the log as well
            bobWs.take(ServerEvent.MessageCreated.class, m -> m.seq() == seq, WAIT);
        }
        anaWs.send(new ClientFrame.Typing("t1", chat, TypingState.START));
        bobWs.take(ServerEvent.Typing.class, WAIT); // published, and to the sockets only
        bobWs.send(new ClientFrame.React("r1", chat, 3, "👍", true));
        assertInstanceOf(ServerFrame.Ack.class, bobWs.reply("r1", WAIT));
        TestClient.Response edit = TestClient.request(ana.apiUrl, "PATCH", "/api/conversations/" + chat + "/messages/5",
                ana.token, "{\"text\":\"message 5, edited\"}");
        assertEquals(200, edit.status(), edit.raw());
        bobWs.send(new ClientFrame.Delivered("d1", chat, n));
        bobWs.send(new ClientFrame.Read("rd1", chat, n));
        anaWs.take(ServerEvent.ReceiptUpdated.class, r -> r.readSeq() == n, WAIT);

        List<EventLogReader.Entry> log;
        try (EventLogReader reader = new EventLogReader(stack.amqp(), EventLogReader.Start.parse("0"), Mappers.create())) {
            log = entriesOf(reader, chat, entries -> has(entries, "message.updated") && has(entries, "reaction.updated")
                    && entries.stream().anyMatch(e -> e.type().equals("receipt.updated") && e.event().at("/data/readSeq").asLong() == n)
                    && createdSeqs(entries).size() >= n);
        }
        List<String> types = log.stream().map(EventLogReader.Entry::type).toList();
        assertEquals(List.of("conversation.created", "message.created"), types.subList(0, 2), "the conversation's start: " + types);
        assertEquals(LongStream.rangeClosed(1, n).boxed().toList(), createdSeqs(log), "every message once, in seq order: " + types);
        for (EventLogReader.Entry e : log) {
            assertEquals(e.type(), e.event().path("type").asText());
            assertEquals(chat, e.conversation());
            assertNotNull(Instant.parse(e.event().path("at").asText()));
            if (e.type().equals("message.created")) {
                assertEquals(ana.id.toString(), e.event().at("/data/senderId").asText());
                assertEquals("message " + e.seq(), e.event().at("/data/text").asText());
            }
        }
        assertTrue(isStrictlyIncreasing(log.stream().map(EventLogReader.Entry::offset).toList()), "offsets in log order");
        assertFalse(types.contains("typing"), "typing is ephemeral and stays out of the log: " + types);
        EventLogReader.Entry edited = only(log, "message.updated");
        assertEquals(5L, (long) edited.seq());
        assertEquals("message 5, edited", edited.event().at("/data/text").asText());
        assertTrue(types.indexOf("message.updated") > types.lastIndexOf("message.created"), "the edit after the messages: " + types);
        EventLogReader.Entry reaction = only(log, "reaction.updated");
        assertEquals(3L, (long) reaction.seq());
        assertEquals(bob.id.toString(), reaction.event().at("/data/user").asText());
        assertTrue(log.stream().anyMatch(e -> e.type().equals("receipt.updated")
                && e.event().at("/data/user").asText().equals(bob.id.toString()) && e.event().at("/data/readSeq").asLong() == n));

        // from an offset: the 10th message and what follows, nothing of the conversation before it
        long tenth = log.stream().filter(e -> e.type().equals("message.created") && e.seq() == 10).findFirst().orElseThrow().offset();
        try (EventLogReader reader = new EventLogReader(stack.amqp(), EventLogReader.Start.parse(String.valueOf(tenth)), Mappers.create())) {
            List<EventLogReader.Entry> fromTenth = entriesOf(reader, chat, entries -> createdSeqs(entries).contains((long) n));
            assertEquals(List.of(10L, 11L, 12L), createdSeqs(fromTenth));
            assertEquals(tenth, fromTenth.getFirst().offset());
        }
    }

    @Test
    void theLogKeepsItsRetentionAndAReaderFromLastSeesOnlyNewEvents(ChatServers.Stack stack) throws Exception {
        // the arguments api declared: the same ones are accepted as equivalent, any other is refused
        EventLogRetention declared = EventLogRetention.from(Config.builder().disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource().sources(ConfigSources.classpath(ApiConfig.DEFAULTS)).build().get("chat.events.log"));
        ConnectionFactory factory = stack.amqp().connectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        try (Connection c = factory.newConnection("event-log-it")) {
            declare(c, Topology.eventLogArguments(declared));
            String otherAge = declared.maxAge().equals("1D") ? "2D" : "1D";
            assertRefused(c, with(declared, "x-max-age", otherAge), "x-max-age");
            assertRefused(c, with(declared, "x-max-length-bytes", declared.maxBytes() + 1), "x-max-length-bytes");
            assertRefused(c, with(declared, "x-stream-max-segment-size-bytes", declared.segmentBytes() + 1),
                    "x-stream-max-segment-size-bytes");
            assertRefused(c, with(declared, "x-queue-type", "classic"), "x-queue-type");
        }

        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect(bob.username);
        for (int i = 1; i <= 3; i++) {
            assertEquals(201, ana.send(chat, String.format("before-%06d", i), "before " + i).status());
        }
        try (EventLogReader first = new EventLogReader(stack.amqp(), EventLogReader.Start.parse("first"), Mappers.create())) {
            // the first three are in the log before the late reader comes
            assertEquals(List.of(1L, 2L, 3L), createdSeqs(entriesOf(first, chat, entries -> createdSeqs(entries).size() >= 3)));
        }
        try (EventLogReader last = new EventLogReader(stack.amqp(), EventLogReader.Start.parse("last"), Mappers.create())) {
            for (int i = 4; i <= 6; i++) {
                assertEquals(201, ana.send(chat, String.format("after-%06d", i), "after " + i).status());
            }
            List<EventLogReader.Entry> seen = entriesOf(last, chat, entries -> createdSeqs(entries).contains(6L));
            assertEquals(List.of(4L, 5L, 6L), createdSeqs(seen));
            assertTrue(seen.stream().noneMatch(e -> e.type().equals("conversation.created") || e.seq() != null && e.seq() < 4),
                    "nothing from before the reader came: " + seen.stream().map(EventLogReader.Entry::type).toList());
        }
    }

    /**
     * The entries of one conversation, each id once, read until {@code done} holds for them and
     * then one more second, or until 60 s have passed (the assertions then say what is missing).
     */
    private static List<EventLogReader.Entry> entriesOf(EventLogReader reader, UUID conversation,
                                                        Predicate<List<EventLogReader.Entry>> done) throws InterruptedException {
        Map<UUID, EventLogReader.Entry> byId = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long stopAt = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, stopAt)) {
            EventLogReader.Entry e = reader.next(Duration.ofMillis(200));
            if (e != null && conversation.equals(e.conversation())) {
                byId.putIfAbsent(e.id(), e);
            }
            if (stopAt == Long.MAX_VALUE && done.test(new ArrayList<>(byId.values()))) {
                stopAt = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            }
        }
        return new ArrayList<>(byId.values());
    }

    private static List<Long> createdSeqs(List<EventLogReader.Entry> entries) {
        return entries.stream().filter(e -> e.type().equals("message.created")).map(EventLogReader.Entry::seq).toList();
    }

    private static boolean has(List<EventLogReader.Entry> entries, String type) {
        return entries.stream().anyMatch(e -> e.type().equals(type));
    }

    private static EventLogReader.Entry only(List<EventLogReader.Entry> entries, String type) {
        List<EventLogReader.Entry> of = entries.stream().filter(e -> e.type().equals(type)).toList();
        assertEquals(1, of.size(), type + ": " + of);
        return of.getFirst();
    }

    private static boolean isStrictlyIncreasing(List<Long> values) {
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i) <= values.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Object> with(EventLogRetention retention, String key, Object value) {
        Map<String, Object> args = new HashMap<>(Topology.eventLogArguments(retention));
        args.put(key, value);
        return args;
    }

    private static AMQP.Queue.DeclareOk declare(Connection c, Map<String, Object> args) throws Exception {
        try (Channel ch = c.createChannel()) {
            return ch.queueDeclare(Topology.EVENT_LOG, true, false, false, args);
        }
    }

    /** A declaration of the log with these arguments is refused (406), naming {@code argument}. */
    private static void assertRefused(Connection c, Map<String, Object> args, String argument) {
        IOException e = assertThrows(IOException.class, () -> declare(c, args), argument);
        ShutdownSignalException s = assertInstanceOf(ShutdownSignalException.class, e.getCause());
        AMQP.Channel.Close close = assertInstanceOf(AMQP.Channel.Close.class, s.getReason());
        assertEquals(406, close.getReplyCode());
        assertTrue(close.getReplyText().contains(argument), close.getReplyText());
    }
}
