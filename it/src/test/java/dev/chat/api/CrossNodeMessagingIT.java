package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A message from one user to another across two ws-nodes, through PostgreSQL and RabbitMQ. */
@ExtendWith(ChatServers.class)
class CrossNodeMessagingIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void messageCrossesNodesWithItsSeqAndAResendDeliversNothingNew(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bo = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        TestClient.Socket boWs = bo.connect(stack.wsUrlB());
        ServerFrame.Welcome anaWelcome = anaWs.next(ServerFrame.Welcome.class, WAIT);
        ServerFrame.Welcome boWelcome = boWs.next(ServerFrame.Welcome.class, WAIT);
        assertEquals(stack.nodeAId(), anaWelcome.node());
        assertEquals(stack.nodeBId(), boWelcome.node());
        assertNotEquals(anaWelcome.node(), boWelcome.node());
        assertEquals(bo.id, boWelcome.userId());

        UUID chat = ana.openDirect("bob");
        ServerEvent.ConversationCreated created = boWs.next(ServerEvent.ConversationCreated.class, WAIT);
        assertEquals(chat, created.conversation());
        assertEquals("ana", created.data().at("/peer/username").asText());

        String clientId = UUID.randomUUID().toString();
        TestClient.Response first = ana.send(chat, clientId, "hello across nodes");
        assertEquals(201, first.status());
        assertEquals(1, first.body().get("seq").asLong());

        ServerEvent.MessageCreated event = boWs.next(ServerEvent.MessageCreated.class, WAIT);
        assertEquals(chat, event.conversation());
        assertEquals(1, event.seq());
        assertEquals("hello across nodes", event.message().text());
        assertEquals(ana.id, event.message().senderId());
        assertEquals(clientId, event.message().clientMsgId());
        // the wire form itself: versioned, and no recipient list reaches a client
        JsonNode raw = TestClient.MAPPER.readTree(boWs.texts.stream().filter(t -> t.contains(event.id().toString())).findFirst().orElseThrow());
        assertEquals(1, raw.get("v").asInt(), raw.toString());
        assertFalse(raw.has("to"), "recipient lists never reach clients");
        // the sender's own sessions get it too (every device, every tab)
        assertEquals(1, anaWs.next(ServerEvent.MessageCreated.class, WAIT).seq());

        TestClient.Response again = ana.send(chat, clientId, "hello across nodes");
        assertEquals(200, again.status());
        assertEquals(1, again.body().get("seq").asLong());
        assertNull(boWs.poll(ServerEvent.MessageCreated.class, Duration.ofSeconds(1)), "a resend must not deliver a second copy");
        assertEquals(1, countMessages(stack, chat));

        TestClient.Response reply = bo.send(chat, UUID.randomUUID().toString(), "hi ana");
        assertEquals(2, reply.body().get("seq").asLong());
        assertEquals(2, anaWs.next(ServerEvent.MessageCreated.class, WAIT).seq());

        JsonNode history = bo.get("/api/conversations/" + chat + "/messages").body();
        assertEquals(2, history.get("messages").size());
        assertEquals("hello across nodes", history.at("/messages/0/text").asText());
        assertEquals("hi ana", history.at("/messages/1/text").asText());
        anaWs.close();
        boWs.close();
    }

    @Test
    void allSessionsOfAUserOnBothNodesReceive(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bo = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient.Socket boOnA = bo.connect(stack.wsUrlA());
        TestClient.Socket boOnB = bo.connect(stack.wsUrlB());
        TestClient.Socket boOnB2 = bo.connect(stack.wsUrlB());
        boOnA.next(ServerFrame.Welcome.class, WAIT);
        boOnB.next(ServerFrame.Welcome.class, WAIT);
        boOnB2.next(ServerFrame.Welcome.class, WAIT);
        UUID chat = ana.openDirect("bob");
        ana.send(chat, UUID.randomUUID().toString(), "to every tab");
        for (TestClient.Socket s : new TestClient.Socket[]{boOnA, boOnB, boOnB2}) {
            assertEquals("to every tab", s.next(ServerEvent.MessageCreated.class, WAIT).message().text());
        }
        // one tab leaves: the others on the same node keep receiving (the binding stays)
        boOnB.close();
        assertEquals(1000, boOnB.closeCode.get(5, TimeUnit.SECONDS));
        ana.send(chat, UUID.randomUUID().toString(), "still here?");
        assertEquals("still here?", boOnB2.next(ServerEvent.MessageCreated.class, WAIT).message().text());
        assertEquals("still here?", boOnA.next(ServerEvent.MessageCreated.class, WAIT).message().text());
    }

    @Test
    void unauthenticatedUpgradeIsClosedWith4401(ChatServers.Stack stack) throws Exception {
        TestClient.Socket none = TestClient.Socket.open(stack.wsUrlA(), null, ChatServers.ORIGIN);
        assertEquals(4401, none.closeCode.get(5, TimeUnit.SECONDS));
        TestClient.Socket forged = TestClient.Socket.open(stack.wsUrlB(), "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", null);
        assertEquals(4401, forged.closeCode.get(5, TimeUnit.SECONDS));
        assertTrue(none.frames.isEmpty() && forged.frames.isEmpty(), "no welcome for strangers");
    }

    @Test
    void foreignOriginIsRefused(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        assertThrows(Exception.class,
                () -> TestClient.Socket.open(stack.wsUrlA(), "Bearer " + ana.token, "https://evil.example"));
    }

    @Test
    void badFramesGetErrorFramesEchoingTheirIdAndTheSocketStaysUsable(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.Socket ws = ana.connect(stack.wsUrlA());
        ws.next(ServerFrame.Welcome.class, WAIT);
        ws.send("{not json");
        assertEquals(ErrorCode.MALFORMED_JSON, ws.next(ServerFrame.Error.class, WAIT).code());
        ws.send("{\"type\":\"explode\",\"id\":\"c-7\"}");
        ServerFrame.Error unknown = ws.next(ServerFrame.Error.class, WAIT);
        assertEquals(ErrorCode.UNKNOWN_FRAME, unknown.code());
        assertEquals("c-7", unknown.id());
        ws.send(new ClientFrame.Ping("c-8"));
        assertEquals("c-8", ws.next(ServerFrame.Pong.class, WAIT).id());
        ws.ws.sendText("x".repeat(70 * 1024), true);
        int code = ws.closeCode.get(5, TimeUnit.SECONDS);
        assertEquals(1009, code, "a frame over the limit closes with 1009");
    }

    @Test
    void outboxRelayPublishesEventsWhosePublishWasMissed(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bo = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket boWs = bo.connect(stack.wsUrlB());
        boWs.next(ServerFrame.Welcome.class, WAIT);
        // Events committed but never published (as if api died between commit and publish): one
        // row as events are stored now (the client frame, routing data beside it), and one in the
        // older broker form that rows written before that change hold.
        String frame = """
                {"type":"message.created","v":1,"id":"%s","conversation":"%s","seq":42,"at":"2026-11-22T10:00:01Z",
                 "data":{"text":"encoded once"}}""".formatted(UUID.randomUUID(), chat);
        String legacy = """
                {"type":"message.created","v":1,"id":"%s","conversation":"%s","seq":41,"at":"2026-11-22T10:00:00Z",
                 "data":{"text":"from the outbox"},"to":["%s"]}""".formatted(UUID.randomUUID(), chat, bo.id);
        long row;
        long legacyRow;
        try (Connection c = stack.sql(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO outbox (frame, kind, recipients, accepted_at_ms, created_at)
                VALUES (?, 'message.created', ARRAY[?::uuid], 0, now() - interval '1 minute') RETURNING id""");
             PreparedStatement old = c.prepareStatement(
                "INSERT INTO outbox (frame, created_at) VALUES (?, now() - interval '1 minute') RETURNING id")) {
            ps.setString(1, frame);
            ps.setString(2, bo.id.toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                row = rs.getLong(1);
            }
            old.setString(1, legacy);
            try (ResultSet rs = old.executeQuery()) {
                rs.next();
                legacyRow = rs.getLong(1);
            }
        }
        java.util.Map<Long, String> seen = new java.util.TreeMap<>();
        for (int i = 0; i < 2; i++) {
            ServerEvent.MessageCreated event = boWs.next(ServerEvent.MessageCreated.class, Duration.ofSeconds(10));
            seen.put(event.seq(), event.message().text());
        }
        assertEquals(java.util.Map.of(41L, "from the outbox", 42L, "encoded once"), seen);
        // The relay commits its delete after the broker's confirm, so Bob may see the event a
        // moment before the row is gone.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while ((outboxHolds(stack, row) || outboxHolds(stack, legacyRow)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(outboxHolds(stack, row), "a confirmed event leaves the outbox");
        assertFalse(outboxHolds(stack, legacyRow), "a confirmed event of the older form leaves the outbox");
    }

    static boolean outboxHolds(ChatServers.Stack stack, long row) throws Exception {
        try (Connection c = stack.sql(); PreparedStatement ps = c.prepareStatement("SELECT 1 FROM outbox WHERE id = ?")) {
            ps.setLong(1, row);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static long countMessages(ChatServers.Stack stack, UUID chat) throws Exception {
        try (Connection c = stack.sql();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM messages WHERE conversation_id = ?")) {
            ps.setObject(1, chat);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
