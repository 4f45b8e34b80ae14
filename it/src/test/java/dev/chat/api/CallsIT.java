package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.FrameType;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 1:1 call signalling over real sockets on two ws-nodes and two api instances: the whole
 * lifecycle (the callee on two devices), reject, cancel, missed by the timeout, busy, and the
 * record each call leaves in the conversation. Strangers and bad frames: {@link CallRefusalsIT}.
 */
@ExtendWith(ChatServers.class)
class CallsIT {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Duration QUIET = Duration.ofMillis(700);
    static final String OFFER = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    static final String ANSWER = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    static final String CANDIDATE = "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host";

    /** A device: a socket through one ws-node, its session, and its frames kept in any order. */
    record Device(TestClient.Inbox inbox, UUID session) {
        static Device open(TestClient who, String url) throws InterruptedException {
            TestClient.Inbox inbox = new TestClient.Inbox(who.connect(url));
            return new Device(inbox, inbox.take(ServerFrame.Welcome.class, WAIT).session());
        }

        /** Sends a frame and returns its ack's result (the call), failing on an error frame. */
        JsonNode call(ClientFrame frame) throws InterruptedException {
            inbox.send(frame);
            ServerFrame reply = inbox.reply(frame.id(), WAIT);
            ServerFrame.Ack ack = assertInstanceOf(ServerFrame.Ack.class, reply, frame.id() + ": " + reply);
            return TestClient.EVENTS.result(ack, JsonNode.class);
        }

        ServerFrame.Error refused(ClientFrame frame) throws InterruptedException {
            inbox.send(frame);
            ServerFrame reply = inbox.reply(frame.id(), WAIT);
            return assertInstanceOf(ServerFrame.Error.class, reply, frame.id() + ": " + reply);
        }

        <T extends ServerEvent> T event(Class<T> type, UUID call) throws InterruptedException {
            return inbox.take(type, e -> callOf(e).equals(call), WAIT);
        }

        <T extends ServerEvent> T none(Class<T> type, UUID call) throws InterruptedException {
            return inbox.poll(type, e -> callOf(e).equals(call), QUIET);
        }
    }

    static UUID callOf(ServerEvent e) {
        return switch (e) {
            case ServerEvent.CallIncoming c -> c.call();
            case ServerEvent.CallRinging c -> c.call();
            case ServerEvent.CallAnswered c -> c.call();
            case ServerEvent.CallAnsweredElsewhere c -> c.call();
            case ServerEvent.CallIce c -> c.call();
            case ServerEvent.CallMedia c -> c.call();
            case ServerEvent.CallRenegotiate c -> c.call();
            case ServerEvent.CallEnded c -> c.call();
            default -> new UUID(0, 0);
        };
    }

    static ClientFrame.CallStep step(String id, UUID chat, UUID call, FrameType step) {
        return new ClientFrame.CallStep(id, chat, call, step);
    }

    @Test
    void inviteRingsEveryDeviceAnswerOnOneStopsTheOtherIceFlowsBothWaysAndHangUpLeavesARecord(ChatServers.Stack stack)
            throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        Device caller = Device.open(ana, stack.wsUrlA());
        Device phone = Device.open(bob, stack.wsUrlA());
        Device laptop = Device.open(bob, stack.wsUrlB());
        UUID call = UUID.randomUUID();

        JsonNode invited = caller.call(new ClientFrame.CallInvite("i1", chat, call, OFFER, true));
        assertEquals("ringing", invited.path("state").asText());
        for (Device d : new Device[] {phone, laptop}) {
            ServerEvent.CallIncoming in = d.event(ServerEvent.CallIncoming.class, call);
            assertEquals(ana.id, in.from());
            assertEquals(chat, in.conversation());
            assertEquals(OFFER, in.sdp(), "the offer as it was sent, line breaks and all");
            assertTrue(in.video());
        }
        phone.call(step("r1", chat, call, FrameType.CALL_RINGING));
        caller.event(ServerEvent.CallRinging.class, call);
        // a candidate before the answer reaches every device of the callee
        caller.inbox().send(new ClientFrame.CallIce("c0", chat, call, CANDIDATE, "0", 0));
        assertEquals(CANDIDATE, phone.event(ServerEvent.CallIce.class, call).candidate());
        assertEquals(CANDIDATE, laptop.event(ServerEvent.CallIce.class, call).candidate());

        JsonNode answered = laptop.call(new ClientFrame.CallAnswer("a1", chat, call, ANSWER));
        assertEquals("active", answered.path("state").asText());
        assertEquals(ANSWER, caller.event(ServerEvent.CallAnswered.class, call).sdp());
        assertEquals(laptop.session(), phone.event(ServerEvent.CallAnsweredElsewhere.class, call).session());
        assertEquals(ErrorCode.CALL_STATE_CONFLICT, phone.refused(new ClientFrame.CallAnswer("a2", chat, call, ANSWER)).code());

        caller.inbox().send(new ClientFrame.CallIce("c1", chat, call, CANDIDATE + " 1", "0", 0));
        assertEquals(CANDIDATE + " 1", laptop.event(ServerEvent.CallIce.class, call).candidate());
        assertNull(phone.none(ServerEvent.CallIce.class, call), "after the answer, only the device in the call");
        laptop.inbox().send(new ClientFrame.CallIce("c2", chat, call, CANDIDATE + " 2", "audio", 1));
        ServerEvent.CallIce back = caller.event(ServerEvent.CallIce.class, call);
        assertEquals(CANDIDATE + " 2", back.candidate());
        assertEquals("audio", back.sdpMid());
        assertEquals(1, back.sdpMLineIndex());
        assertEquals(ErrorCode.CALL_STATE_CONFLICT,
                phone.refused(new ClientFrame.CallMedia("m0", chat, call, false, false)).code(), "the phone is not in the call");
        // an ICE restart: a new offer from the caller, the answer from the device in the call
        caller.inbox().send(new ClientFrame.CallRenegotiate("o1", chat, call, OFFER + "a=ice-options:restart\r\n", true));
        ServerEvent.CallRenegotiate restart = laptop.event(ServerEvent.CallRenegotiate.class, call);
        assertTrue(restart.offer());
        assertEquals(OFFER + "a=ice-options:restart\r\n", restart.sdp());
        laptop.inbox().send(new ClientFrame.CallRenegotiate("o2", chat, call, ANSWER, false));
        ServerEvent.CallRenegotiate reanswer = caller.event(ServerEvent.CallRenegotiate.class, call);
        assertEquals(false, reanswer.offer());
        assertNull(phone.none(ServerEvent.CallRenegotiate.class, call));
        laptop.inbox().send(new ClientFrame.CallMedia("m1", chat, call, false, true));
        ServerEvent.CallMedia media = caller.event(ServerEvent.CallMedia.class, call);
        assertEquals(bob.id, media.user());
        assertEquals(false, media.audio());
        assertEquals(true, media.video());

        Thread.sleep(1_100);
        JsonNode ended = caller.call(step("h1", chat, call, FrameType.CALL_HANGUP));
        assertEquals("ended", ended.path("state").asText());
        assertEquals("hangup", ended.path("reason").asText());
        for (Device d : new Device[] {caller, phone, laptop}) {
            ServerEvent.CallEnded end = d.event(ServerEvent.CallEnded.class, call);
            assertEquals("hangup", end.reason());
            assertEquals(ana.id, end.by());
            assertTrue(end.durationMs() >= 1_000 && end.durationMs() < 10_000, "duration " + end.durationMs());
        }
        ServerEvent.MessageCreated record = laptop.inbox().take(ServerEvent.MessageCreated.class, WAIT);
        assertEquals("call:" + call, record.message().clientMsgId());
        assertEquals(ana.id, record.message().senderId());
        assertTrue(record.message().text().startsWith("📹 Video call · 0:0"), record.message().text());
        JsonNode history = bob.get("/api/conversations/" + chat + "/messages").body().path("messages");
        assertEquals(1, history.size());
        assertEquals(record.message().text(), history.path(0).path("text").asText());
        assertEquals("ended", state(stack, call));
        // a hang-up again (a retry) is answered with the ended call and writes nothing more
        assertEquals("hangup", laptop.call(step("h2", chat, call, FrameType.CALL_HANGUP)).path("reason").asText());
        assertEquals(1, CrossNodeMessagingIT.countMessages(stack, chat));
    }

    @Test
    void theCalleeDeclinesAndOnlyTheCalleeMay(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        Device caller = Device.open(ana, stack.wsUrlA());
        Device callee = Device.open(bob, stack.wsUrlB());
        UUID call = UUID.randomUUID();
        caller.call(new ClientFrame.CallInvite("i1", chat, call, OFFER, false));
        callee.event(ServerEvent.CallIncoming.class, call);
        assertEquals(ErrorCode.FORBIDDEN, caller.refused(step("x1", chat, call, FrameType.CALL_REJECT)).code());
        assertEquals(ErrorCode.FORBIDDEN, callee.refused(step("x2", chat, call, FrameType.CALL_CANCEL)).code());
        assertEquals("ringing", state(stack, call), "refused steps change nothing");

        assertEquals("rejected", callee.call(step("r1", chat, call, FrameType.CALL_REJECT)).path("reason").asText());
        ServerEvent.CallEnded end = caller.event(ServerEvent.CallEnded.class, call);
        assertEquals("rejected", end.reason());
        assertEquals(bob.id, end.by());
        assertEquals(0, end.durationMs());
        assertEquals("📞 Declined voice call", caller.inbox().take(ServerEvent.MessageCreated.class, WAIT).message().text());
        assertEquals(ErrorCode.CALL_STATE_CONFLICT, callee.refused(new ClientFrame.CallAnswer("a1", chat, call, ANSWER)).code());
        assertEquals(1, CrossNodeMessagingIT.countMessages(stack, chat));
    }

    @Test
    void theCallerCancelsBeforeAnAnswer(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        Device caller = Device.open(ana, stack.wsUrlA());
        Device callee = Device.open(bob, stack.wsUrlB());
        UUID call = UUID.randomUUID();
        caller.call(new ClientFrame.CallInvite("i1", chat, call, OFFER, true));
        callee.event(ServerEvent.CallIncoming.class, call);
        assertEquals("cancelled", caller.call(step("c1", chat, call, FrameType.CALL_CANCEL)).path("reason").asText());
        ServerEvent.CallEnded end = callee.event(ServerEvent.CallEnded.class, call);
        assertEquals("cancelled", end.reason());
        assertEquals(ana.id, end.by());
        assertEquals("📹 Cancelled video call", callee.inbox().take(ServerEvent.MessageCreated.class, WAIT).message().text());
        assertEquals("ended", state(stack, call));
    }

    @Test
    void aCallNobodyAnswersIsMissedAfterTheTimeout(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        Device caller = Device.open(ana, stack.wsUrlA());
        Device callee = Device.open(bob, stack.wsUrlB());
        UUID call = UUID.randomUUID();
        long start = System.nanoTime();
        caller.call(new ClientFrame.CallInvite("i1", chat, call, OFFER, false));
        callee.event(ServerEvent.CallIncoming.class, call);
        assertNull(caller.inbox().poll(ServerEvent.CallEnded.class, e -> true, ChatServers.RING_TIMEOUT.minusMillis(1_000)),
                "not missed before the timeout");
        ServerEvent.CallEnded missed = callee.event(ServerEvent.CallEnded.class, call);
        long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertEquals("missed", missed.reason());
        assertNull(missed.by(), "the server ended it");
        assertTrue(waited >= ChatServers.RING_TIMEOUT.toMillis() - 200, "missed after " + waited + " ms");
        assertEquals("missed", caller.event(ServerEvent.CallEnded.class, call).reason());
        assertEquals("📞 Missed voice call", callee.inbox().take(ServerEvent.MessageCreated.class, WAIT).message().text());
        assertEquals(ErrorCode.CALL_STATE_CONFLICT, callee.refused(new ClientFrame.CallAnswer("a1", chat, call, ANSWER)).code());
        assertEquals(1, CrossNodeMessagingIT.countMessages(stack, chat), "one record, though two api instances sweep");
    }

    @Test
    void someoneInACallIsBusyAndCannotStartAnotherAndARepeatedInviteIsOneCall(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        UUID anaBob = ana.openDirect("bob");
        UUID cydBob = cyd.openDirect("bob");
        UUID anaCyd = ana.openDirect("cyd");
        Device caller = Device.open(ana, stack.wsUrlA());
        Device callee = Device.open(bob, stack.wsUrlB());
        Device other = Device.open(cyd, stack.wsUrlA());
        UUID first = UUID.randomUUID();
        caller.call(new ClientFrame.CallInvite("i1", anaBob, first, OFFER, false));
        callee.event(ServerEvent.CallIncoming.class, first);
        // answered: an active call keeps its people busy, and does not end as missed however slow the machine
        callee.call(new ClientFrame.CallAnswer("a1", anaBob, first, ANSWER));

        UUID second = UUID.randomUUID();
        JsonNode busy = other.call(new ClientFrame.CallInvite("i2", cydBob, second, OFFER, false));
        assertEquals("ended", busy.path("state").asText());
        assertEquals("busy", busy.path("reason").asText());
        assertEquals("busy", other.event(ServerEvent.CallEnded.class, second).reason());
        assertNull(callee.none(ServerEvent.CallIncoming.class, second), "a busy callee does not ring again");
        assertEquals("📞 Missed voice call (busy)", callee.inbox().take(ServerEvent.MessageCreated.class, WAIT).message().text());

        UUID third = UUID.randomUUID();
        assertEquals(ErrorCode.ALREADY_IN_CALL, caller.refused(new ClientFrame.CallInvite("i3", anaCyd, third, OFFER, false)).code());
        assertNull(state(stack, third), "refused: no call stored");
        assertEquals("active", state(stack, first), "the first call goes on");
        // the same invite again (a retry) is the same call, and rings nobody twice
        assertEquals(first.toString(), caller.call(new ClientFrame.CallInvite("i4", anaBob, first, OFFER, false)).path("id").asText());
        assertNull(callee.none(ServerEvent.CallIncoming.class, first));

        // copies of one invite at once, from two of the caller's devices on two nodes (as a node's
        // hand-off retried while api still works on the first): the same call for each, rung once
        caller.call(step("h1", anaBob, first, FrameType.CALL_HANGUP));
        Device again = Device.open(ana, stack.wsUrlB());
        java.util.Set<UUID> copies = new java.util.HashSet<>();
        for (int round = 0; round < 5; round++) {
            UUID copied = UUID.randomUUID();
            copies.add(copied);
            caller.inbox().send(new ClientFrame.CallInvite("c" + round, anaBob, copied, OFFER, false));
            again.inbox().send(new ClientFrame.CallInvite("d" + round, anaBob, copied, OFFER, false));
            for (Device d : List.of(caller, again)) {
                String id = (d == caller ? "c" : "d") + round;
                ServerFrame reply = d.inbox().reply(id, WAIT);
                ServerFrame.Ack ack = assertInstanceOf(ServerFrame.Ack.class, reply, id + ": " + reply);
                assertEquals(copied.toString(), TestClient.EVENTS.result(ack, JsonNode.class).path("id").asText(), id);
            }
            callee.event(ServerEvent.CallIncoming.class, copied);
            caller.call(step("x" + round, anaBob, copied, FrameType.CALL_CANCEL));
        }
        assertNull(callee.inbox().poll(ServerEvent.CallIncoming.class, e -> copies.contains(e.call()), QUIET), "each rung once");
        assertEquals(5, count(stack, copies), "each stored once");
    }

    private static long count(ChatServers.Stack stack, java.util.Set<UUID> calls) throws Exception {
        try (Connection c = stack.sql(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM calls WHERE id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", calls.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void anActiveCallEndsWhenOneOfThemGoesOffline(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        Device caller = Device.open(ana, stack.wsUrlA());
        Device callee = Device.open(bob, stack.wsUrlB());
        UUID call = UUID.randomUUID();
        caller.call(new ClientFrame.CallInvite("i1", chat, call, OFFER, false));
        callee.event(ServerEvent.CallIncoming.class, call);
        callee.call(new ClientFrame.CallAnswer("a1", chat, call, ANSWER));
        caller.event(ServerEvent.CallAnswered.class, call);
        assertEquals("active", state(stack, call));

        callee.inbox().socket.close(); // bob's only device: bob goes offline
        ServerEvent.CallEnded end = caller.event(ServerEvent.CallEnded.class, call);
        assertEquals("hangup", end.reason());
        assertEquals(bob.id, end.by());
        assertEquals("ended", state(stack, call));
        assertTrue(caller.inbox().take(ServerEvent.MessageCreated.class, WAIT).message().text().startsWith("📞 Voice call · 0:0"));
    }

    /** The call's state in the database, or null when there is no such call. */
    static String state(ChatServers.Stack stack, UUID call) throws Exception {
        try (Connection c = stack.sql(); PreparedStatement ps = c.prepareStatement("SELECT state FROM calls WHERE id = ?")) {
            ps.setObject(1, call);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
