package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ToClient;
import dev.chat.protocol.TypingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sending, receipts and typing over the WebSocket: node → api (the internal hand-off) → the answer to the session. */
@ExtendWith(ChatServers.class)
class WebSocketCommandsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ClientFrame.Send sendFrame(String frameId, UUID chat, String clientMsgId, String text) {
        return new ClientFrame.Send(frameId, chat, clientMsgId, text);
    }

    @Test
    void sendOverTheSocketIsAcknowledgedWithSeqAndDeliveredAcrossNodes(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        bobWs.next(ServerFrame.Welcome.class, WAIT);

        anaWs.send(sendFrame("f-1", chat, "ws-msg-0001", "over the socket"));
        ServerFrame.Ack ack = anaWs.next(ServerFrame.Ack.class, WAIT);
        assertEquals("f-1", ack.id());
        assertEquals(1, ack.seq());
        assertEquals("over the socket", TestClient.message(ack).text());
        ServerEvent.MessageCreated event = bobWs.next(ServerEvent.MessageCreated.class, WAIT);
        assertEquals(1, event.seq());
        assertEquals(ana.id, event.message().senderId());
        assertNull(bobWs.poll(ServerFrame.Ack.class, Duration.ofMillis(300)), "replies go to the sending session only");
    }

    /**
     * The hand-off from node to api costs no broker message: a message sent over the socket is
     * one published event (its message.created), not a command, an event and a reply.
     */
    @Test
    void aMessageSentOverTheSocketIsOneBrokerMessage(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        anaWs.next(ServerEvent.Presence.class, WAIT); // bob's arrival, the last event the connections cause
        Thread.sleep(300);
        double before = published(stack);
        int messages = 20;
        for (int i = 1; i <= messages; i++) {
            anaWs.send(sendFrame("f-" + i, chat, "one-event-" + String.format("%04d", i), "m" + i));
            assertEquals(i, anaWs.next(ServerFrame.Ack.class, WAIT).seq());
        }
        for (int i = 1; i <= messages; i++) {
            bobWs.next(ServerEvent.MessageCreated.class, WAIT);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (published(stack) - before < messages && System.nanoTime() < deadline) {
            Thread.sleep(20); // the count moves when the broker's confirm arrives
        }
        Thread.sleep(300);
        assertEquals(messages, published(stack) - before, 0.0, "one broker message per chat message");
    }

    private static double published(ChatServers.Stack stack) {
        return stack.api().publisher().published() + stack.apiB().publisher().published();
    }

    @Test
    void retriesOfOneClientIdByRestAndSocketInterleavedAreOneMessage(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket onA = ana.connect(stack.wsUrlA());
        TestClient.Socket onB = ana.connect(stack.wsUrlB());
        onA.next(ServerFrame.Welcome.class, WAIT);
        onB.next(ServerFrame.Welcome.class, WAIT);
        String id = "same-id-" + UUID.randomUUID();
        assertEquals(201, ana.send(chat, id, "once").status());
        onA.send(sendFrame("a1", chat, id, "once"));
        onB.send(sendFrame("b1", chat, id, "once"));
        assertEquals(200, ana.send(chat, id, "once").status());
        onA.send(sendFrame("a2", chat, id, "once"));
        assertEquals(1, onA.next(ServerFrame.Ack.class, WAIT).seq());
        assertEquals(1, onB.next(ServerFrame.Ack.class, WAIT).seq());
        assertEquals(1, onA.next(ServerFrame.Ack.class, WAIT).seq());
        assertEquals(1, CrossNodeMessagingIT.countMessages(stack, chat));
    }

    @Test
    void badCommandsGetErrorFramesAndChangeNothing(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket eveWs = eve.connect(stack.wsUrlA());
        eveWs.next(ServerFrame.Welcome.class, WAIT);
        eveWs.send(sendFrame("e1", chat, "intruder-0001", "let me in"));
        ServerFrame.Error denied = eveWs.next(ServerFrame.Error.class, WAIT);
        assertEquals("e1", denied.id());
        assertEquals(ErrorCode.CONVERSATION_NOT_FOUND, denied.code());
        eveWs.send("{\"type\":\"send\",\"id\":\"e2\",\"conversation\":\"nope\"}"); // bad input stays raw text
        assertEquals(ErrorCode.VALIDATION_FAILED, eveWs.next(ServerFrame.Error.class, WAIT).code());
        TestClient.Socket anaWs = ana.connect(stack.wsUrlB());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        anaWs.send(sendFrame("a1", chat, "short", "bad id"));
        assertEquals(ErrorCode.VALIDATION_FAILED, anaWs.next(ServerFrame.Error.class, WAIT).code());
        anaWs.send("{\"type\":\"read\",\"id\":\"a2\",\"conversation\":\"" + chat + "\",\"seq\":\"ten\"}");
        assertEquals(ErrorCode.VALIDATION_FAILED, anaWs.next(ServerFrame.Error.class, WAIT).code());
        assertEquals(0, CrossNodeMessagingIT.countMessages(stack, chat));
    }

    @Test
    void offlineRecipientCatchesUpAndTheSenderSeesDeliveredThenReadLive(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        for (int i = 1; i <= 50; i++) {
            assertEquals(201, ana.send(chat, "offline-" + i + "-" + UUID.randomUUID(), "message " + i).status());
        }
        JsonNode inbox = bob.get("/api/conversations").body().at("/conversations/0");
        assertEquals(50, inbox.get("unreadCount").asLong());
        assertEquals(0, inbox.get("deliveredSeq").asLong());

        // bob comes online: subscribe (welcome), then sync from his cursor
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        List<Long> synced = new ArrayList<>();
        long cursor = 0;
        boolean more = true;
        while (more) {
            JsonNode page = bob.get("/api/conversations/" + chat + "/messages?after=" + cursor + "&limit=20").body();
            page.get("messages").forEach(m -> synced.add(m.get("seq").asLong()));
            cursor = synced.getLast();
            more = page.get("hasMore").asBoolean();
        }
        assertEquals(LongStream.rangeClosed(1, 50).boxed().toList(), synced);

        ServerEvent.ReceiptUpdated delivered = awaitReceipt(anaWs, bob.id, 50, false);
        assertEquals(50, delivered.deliveredSeq());

        bobWs.send(new ClientFrame.Read("r1", chat, 50));
        assertEquals(50, awaitReceipt(bobWs, bob.id, 50, true).readSeq(), "the reader's own sessions learn it");
        assertNull(bobWs.poll(ServerFrame.Ack.class, Duration.ofMillis(200)), "a receipt is answered only when refused");
        assertEquals(50, awaitReceipt(anaWs, bob.id, 50, true).readSeq());

        JsonNode after = bob.get("/api/conversations").body().at("/conversations/0");
        assertEquals(0, after.get("unreadCount").asLong());
        JsonNode anaView = ana.get("/api/conversations").body().at("/conversations/0");
        assertEquals(50, anaView.get("peerReadSeq").asLong());
        assertEquals(50, anaView.get("peerDeliveredSeq").asLong());

        // cursors never move backwards nor past the last seq
        assertEquals(50, bob.post("/api/conversations/" + chat + "/read", "{\"seq\":10}").body().get("readSeq").asLong());
        assertEquals(50, bob.post("/api/conversations/" + chat + "/read", "{\"seq\":9999}").body().get("readSeq").asLong());
    }

    @Test
    void liveDeliveryAckFromTheRecipientDevice(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        ana.send(chat, UUID.randomUUID().toString(), "ping");
        long seq = bobWs.next(ServerEvent.MessageCreated.class, WAIT).seq();
        bobWs.send(new ClientFrame.Delivered("d1", chat, seq));
        assertEquals(seq, awaitReceipt(anaWs, bob.id, seq, false).deliveredSeq());
    }

    @Test
    void readingOnOneDeviceClearsUnreadOnTheOthers(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket phone = bob.connect(stack.wsUrlA());
        TestClient.Socket laptop = bob.connect(stack.wsUrlB());
        phone.next(ServerFrame.Welcome.class, WAIT);
        laptop.next(ServerFrame.Welcome.class, WAIT);
        ana.send(chat, UUID.randomUUID().toString(), "one");
        ana.send(chat, UUID.randomUUID().toString(), "two");
        assertEquals(2, bob.get("/api/conversations").body().at("/conversations/0/unreadCount").asLong());
        phone.send(new ClientFrame.Read("r1", chat, 2));
        ServerEvent.ReceiptUpdated onLaptop = awaitReceipt(laptop, bob.id, 2, true);
        assertEquals(2, onLaptop.readSeq(), "the other device learns it was read");
        assertEquals(0, bob.get("/api/conversations").body().at("/conversations/0/unreadCount").asLong());
    }

    @Test
    void typingReachesThePartnerOnlyAndCarriesItsExpiry(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        UUID chat = ana.openDirect("bob");
        cyd.openDirect("ana");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        TestClient.Socket cydWs = cyd.connect(stack.wsUrlB());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        cydWs.next(ServerFrame.Welcome.class, WAIT);
        // written by hand: a forged "user" is nothing a frame record can carry
        anaWs.send("{\"type\":\"typing\",\"id\":\"t1\",\"conversation\":\"" + chat + "\",\"state\":\"start\",\"user\":\"" + cyd.id + "\"}");
        ServerEvent.Typing typing = bobWs.next(ServerEvent.Typing.class, WAIT);
        assertEquals(ana.id, typing.user(), "the sender comes from the session, not the payload");
        assertEquals(TypingState.START, typing.state());
        assertTrue(typing.expiresInMs() > 0);
        assertEquals(chat, typing.conversation());
        assertNull(cydWs.poll(ServerEvent.Typing.class, Duration.ofMillis(500)), "a third user never sees it");
        assertNull(anaWs.poll(ServerEvent.Typing.class, Duration.ofMillis(200)), "nor the typist");
    }

    @Test
    void concurrentSocketSendersGetGaplessSeqsAndEverySessionSeesAll(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        List<TestClient.Socket> sockets = List.of(ana.connect(stack.wsUrlA()), ana.connect(stack.wsUrlB()),
                bob.connect(stack.wsUrlA()), bob.connect(stack.wsUrlB()));
        for (TestClient.Socket s : sockets) {
            s.next(ServerFrame.Welcome.class, WAIT);
        }
        int perSender = 250;
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> senders = new ArrayList<>();
            for (int s = 0; s < sockets.size(); s++) {
                TestClient.Socket socket = sockets.get(s);
                int sender = s;
                senders.add(pool.submit(() -> {
                    for (int i = 0; i < perSender; i++) {
                        pace(25); // 40 frames/s: a fast client, within the node's 50/s limit
                        socket.send(sendFrame("s" + sender + "-" + i, chat, "c-" + sender + "-" + i + "-" + UUID.randomUUID(), "m" + i));
                    }
                }));
            }
            for (Future<?> f : senders) {
                f.get();
            }
        }
        int total = perSender * sockets.size();
        for (TestClient.Socket s : sockets) {
            Set<Long> seen = new TreeSet<>();
            Set<String> acks = ConcurrentHashMap.newKeySet();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((seen.size() < total || acks.size() < perSender) && System.nanoTime() < deadline) {
                ToClient f = s.frames.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                if (f == null) {
                    continue;
                }
                switch (f) {
                    case ServerEvent.MessageCreated m -> assertTrue(seen.add(m.seq()), "duplicate seq " + m.seq());
                    case ServerFrame.Ack a -> acks.add(a.id());
                    case ServerFrame.Error e -> throw new AssertionError("error frame " + e);
                    case ServerEvent e -> {
                        // presence of the others, typing: not what this test counts
                    }
                    case ServerFrame.Welcome w -> throw new AssertionError("a second welcome " + w);
                    case ServerFrame.Pong p -> throw new AssertionError("a pong without a ping " + p);
                }
            }
            assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), new ArrayList<>(seen));
            assertEquals(perSender, acks.size(), "every frame of this session was acknowledged");
        }
        assertEquals(total, CrossNodeMessagingIT.countMessages(stack, chat));
    }

    private static void pace(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aFloodingSessionIsRateLimitedWithAnErrorFrameAndKeepsItsSocket(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket ws = ana.connect(stack.wsUrlA());
        ws.next(ServerFrame.Welcome.class, WAIT);
        for (int i = 0; i < 300; i++) {
            // one send at a time: the JDK client fails a send started before the last one finished
            ws.ws.sendText(TestClient.FRAMES.encode(new ClientFrame.Typing("t" + i, chat, TypingState.START)), true).join();
        }
        assertEquals(ErrorCode.RATE_LIMITED, ws.next(ServerFrame.Error.class, WAIT).code());
        Thread.sleep(1500);
        ws.send(new ClientFrame.Ping("after"));
        assertEquals("after", ws.next(ServerFrame.Pong.class, WAIT).id());
    }

    private static ServerEvent.ReceiptUpdated awaitReceipt(TestClient.Socket ws, UUID user, long seq, boolean read) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ServerEvent.ReceiptUpdated r = ws.poll(ServerEvent.ReceiptUpdated.class, Duration.ofMillis(500));
            if (r != null && r.user().equals(user) && (read ? r.readSeq() : r.deliveredSeq()) >= seq) {
                return r;
            }
        }
        throw new AssertionError("no receipt " + (read ? "read" : "delivered") + " >= " + seq + " for " + user);
    }
}
