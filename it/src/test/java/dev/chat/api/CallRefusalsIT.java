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
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.chat.api.CallsIT.ANSWER;
import static dev.chat.api.CallsIT.CANDIDATE;
import static dev.chat.api.CallsIT.OFFER;
import static dev.chat.api.CallsIT.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What call signalling refuses, each with an error frame echoing the frame's id and no change: a
 * stranger signalling into someone else's chat or call, a call in a group channel, malformed
 * or oversized frames, and invites past the per-person rate.
 */
@ExtendWith(ChatServers.class)
class CallRefusalsIT {
    @Test
    void aStrangerCannotSignalIntoAChatOrACallOfOthers(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = ana.openDirect("bob");
        UUID eveAna = eve.openDirect("ana");
        CallsIT.Device caller = CallsIT.Device.open(ana, stack.wsUrlA());
        CallsIT.Device callee = CallsIT.Device.open(bob, stack.wsUrlB());
        CallsIT.Device stranger = CallsIT.Device.open(eve, stack.wsUrlA());
        UUID call = UUID.randomUUID();
        caller.call(new ClientFrame.CallInvite("i1", chat, call, OFFER, true));
        callee.event(ServerEvent.CallIncoming.class, call);
        // answered, so that it does not end as missed however slow the machine is
        callee.call(new ClientFrame.CallAnswer("a1", chat, call, ANSWER));
        caller.event(ServerEvent.CallAnswered.class, call);

        // into their chat: as if it did not exist, as every frame about a conversation
        for (ClientFrame f : new ClientFrame[] {
                new ClientFrame.CallInvite("e1", chat, UUID.randomUUID(), OFFER, false),
                new ClientFrame.CallAnswer("e2", chat, call, ANSWER),
                CallsIT.step("e3", chat, call, FrameType.CALL_REJECT),
                CallsIT.step("e4", chat, call, FrameType.CALL_HANGUP),
                new ClientFrame.CallIce("e5", chat, call, CANDIDATE, null, null),
                new ClientFrame.CallMedia("e6", chat, call, true, true)}) {
            assertEquals(ErrorCode.CONVERSATION_NOT_FOUND, stranger.refused(f).code(), f.toString());
        }
        // their call named in a chat of my own: no such call there
        for (ClientFrame f : new ClientFrame[] {
                new ClientFrame.CallAnswer("e7", eveAna, call, ANSWER),
                CallsIT.step("e8", eveAna, call, FrameType.CALL_HANGUP),
                new ClientFrame.CallIce("e9", eveAna, call, CANDIDATE, null, null)}) {
            assertEquals(ErrorCode.CALL_NOT_FOUND, stranger.refused(f).code(), f.toString());
        }
        // nor may I take over their call id for a call of mine
        assertEquals(ErrorCode.VALIDATION_FAILED,
                stranger.refused(new ClientFrame.CallInvite("e10", eveAna, call, OFFER, false)).code());
        assertEquals("active", CallsIT.state(stack, call), "the call is as it was");
        assertNull(caller.none(ServerEvent.CallAnswered.class, call));
        assertNull(caller.none(ServerEvent.CallIce.class, call));
        assertNull(callee.none(ServerEvent.CallEnded.class, call));
        assertNull(caller.inbox().poll(ServerEvent.CallIncoming.class, e -> true, CallsIT.QUIET), "ana was not called by eve");
        assertEquals(1, count(stack, "SELECT count(*) FROM calls"));
    }

    @Test
    void invitesPastThePersonsRateAreRefusedWithRetryAfterAndRingNobody(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        CallsIT.Device caller = CallsIT.Device.open(ana, stack.wsUrlA());
        CallsIT.Device callee = CallsIT.Device.open(bob, stack.wsUrlB());
        UUID first = UUID.randomUUID();
        assertEquals("ringing", caller.call(new ClientFrame.CallInvite("i0", chat, first, OFFER, false)).path("state").asText());
        callee.event(ServerEvent.CallIncoming.class, first);
        assertEquals("20/1m", dev.chat.api.calls.CallSettings.DEFAULT_INVITES, "the rate this test counts to");
        int max = 20;
        // each further invite counts, refused while ana is in a call; a retry of the first does not count
        for (int i = 1; i < max; i++) {
            assertEquals(ErrorCode.ALREADY_IN_CALL, caller.refused(new ClientFrame.CallInvite("i" + i, chat, UUID.randomUUID(), OFFER, false)).code());
            assertEquals("ringing", caller.call(new ClientFrame.CallInvite("r" + i, chat, first, OFFER, false)).path("state").asText());
        }
        caller.call(new ClientFrame.CallStep("c0", chat, first, FrameType.CALL_CANCEL));
        UUID late = UUID.randomUUID();
        ServerFrame.Error limited = caller.refused(new ClientFrame.CallInvite("over", chat, late, OFFER, false));
        assertEquals(ErrorCode.RATE_LIMITED, limited.code(), limited.detail());
        assertTrue(limited.retryAfter() != null && limited.retryAfter() > 0 && limited.retryAfter() <= 60, "retryAfter " + limited.retryAfter());
        assertNull(callee.none(ServerEvent.CallIncoming.class, late), "nobody rang");
        assertEquals(1, count(stack, "SELECT count(*) FROM calls"), "only the first call was stored");
        assertEquals("cancelled", caller.call(new ClientFrame.CallInvite("r0", chat, first, OFFER, false)).path("reason").asText(),
                "a retry is still answered past the rate: the call as it stands");
    }

    @Test
    void aHuddleCountsAsACallBothWays(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cy = TestClient.signUp(stack.apiUrl(), "cyril");
        UUID ch = HuddlesIT.channel(ana, "bob");
        UUID anaBob = ana.openDirect("bob");
        UUID cyAna = cy.openDirect("ana");
        UUID cyBob = cy.openDirect("bob");
        CallsIT.Device a = CallsIT.Device.open(ana, stack.wsUrlA());
        CallsIT.Device b = CallsIT.Device.open(bob, stack.wsUrlB());
        CallsIT.Device c = CallsIT.Device.open(cy, stack.wsUrlA());
        UUID huddle = UUID.fromString(a.call(new ClientFrame.HuddleJoin("j1", ch, true, true)).path("huddle").asText());

        // in a huddle, ana cannot start a call, and bob is not rung
        UUID out = UUID.randomUUID();
        ServerFrame.Error refused = a.refused(new ClientFrame.CallInvite("i1", anaBob, out, OFFER, false));
        assertEquals(ErrorCode.ALREADY_IN_CALL, refused.code());
        assertTrue(refused.detail().contains("huddle"), refused.detail());
        assertNull(b.none(ServerEvent.CallIncoming.class, out), "bob was not rung");
        // calling her is calling someone busy: the caller is told, ana does not ring, the chat has its record
        UUID in = UUID.randomUUID();
        JsonNode busy = c.call(new ClientFrame.CallInvite("i2", cyAna, in, OFFER, false));
        assertEquals(List.of("ended", "busy"), List.of(busy.path("state").asText(), busy.path("reason").asText()));
        assertNull(a.none(ServerEvent.CallIncoming.class, in), "ana did not ring");
        assertEquals(1, count(stack, "SELECT count(*) FROM messages WHERE client_msg_id = 'call:" + in + "'"));
        assertEquals(1, count(stack, "SELECT count(*) FROM calls"), "only the busy call was stored");

        // and the other way: bob, rung by cy, cannot join the huddle while the call rings
        UUID ringing = UUID.randomUUID();
        c.call(new ClientFrame.CallInvite("i3", cyBob, ringing, OFFER, false));
        b.event(ServerEvent.CallIncoming.class, ringing);
        ServerFrame.Error inCall = b.refused(new ClientFrame.HuddleJoin("j2", ch, true, true));
        assertEquals(ErrorCode.ALREADY_IN_CALL, inCall.code(), inCall.detail());
        assertEquals(1, count(stack, "SELECT count(*) FROM huddle_participants"), "ana alone in the huddle");
        assertEquals(2, count(stack, "SELECT version FROM huddles"), "the huddle did not change since ana started it");
        c.call(new ClientFrame.CallStep("c1", cyBob, ringing, FrameType.CALL_CANCEL));
        b.event(ServerEvent.CallEnded.class, ringing);

        // out of the huddle, ana calls bob and he rings; in the huddle, bob would have been busy
        assertEquals("ended", a.call(new ClientFrame.HuddleLeave("l1", ch, huddle)).path("state").asText());
        UUID after = UUID.randomUUID();
        assertEquals("ringing", a.call(new ClientFrame.CallInvite("i4", anaBob, after, OFFER, false)).path("state").asText());
        b.event(ServerEvent.CallIncoming.class, after);
    }

    @Test
    void callsAreForDirectChatsOnly(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        com.fasterxml.jackson.databind.JsonNode group = ana.post("/api/groups", "{\"name\":\"Calls\"}").body();
        ana.post("/api/groups/" + group.path("id").asText() + "/members", "{\"username\":\"bob\"}");
        UUID channel = UUID.fromString(group.at("/channels/0/id").asText());
        CallsIT.Device caller = CallsIT.Device.open(ana, stack.wsUrlA());
        ServerFrame.Error e = caller.refused(new ClientFrame.CallInvite("g1", channel, UUID.randomUUID(), OFFER, false));
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertTrue(e.detail().contains("direct"), e.detail());
        assertEquals(0, count(stack, "SELECT count(*) FROM calls"));
    }

    @Test
    void malformedAndOversizedFramesAreRefusedAndChangeNothing(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        CallsIT.Device caller = CallsIT.Device.open(ana, stack.wsUrlA());
        CallsIT.Device callee = CallsIT.Device.open(bob, stack.wsUrlB());
        UUID call = UUID.randomUUID();
        String head = "{\"type\":\"call.invite\",\"conversation\":\"" + chat + "\",";
        String sdp = OFFER + "a=x:" + "y".repeat(ClientFrame.MAX_SDP - OFFER.length() - 5) + "\r\n";
        assertEquals(ClientFrame.MAX_SDP + 1, sdp.length());
        Map<String, ErrorCode> bad = new LinkedHashMap<>();
        bad.put(head + "\"id\":\"b1\",\"call\":\"" + call + "\",\"video\":false,\"sdp\":" + quote(sdp) + "}", ErrorCode.VALIDATION_FAILED);
        bad.put(head + "\"id\":\"b2\",\"video\":false,\"sdp\":" + quote(OFFER) + "}", ErrorCode.VALIDATION_FAILED);
        bad.put(head + "\"id\":\"b3\",\"call\":\"not-a-uuid\",\"video\":false,\"sdp\":" + quote(OFFER) + "}", ErrorCode.VALIDATION_FAILED);
        bad.put(head + "\"id\":\"b4\",\"call\":\"" + call + "\",\"sdp\":" + quote(OFFER) + "}", ErrorCode.VALIDATION_FAILED);
        bad.put(head + "\"id\":\"b5\",\"call\":\"" + call + "\",\"video\":\"yes\",\"sdp\":" + quote(OFFER) + "}", ErrorCode.VALIDATION_FAILED);
        bad.put(head + "\"id\":\"b6\",\"call\":\"" + call + "\",\"video\":false,\"sdp\":\"hello\"}", ErrorCode.VALIDATION_FAILED);
        bad.put(head + "\"id\":\"b7\",\"call\":\"" + call + "\",\"video\":false,\"sdp\":42}", ErrorCode.VALIDATION_FAILED);
        String ice = "{\"type\":\"call.ice\",\"conversation\":\"" + chat + "\",\"call\":\"" + call + "\",";
        bad.put(ice + "\"id\":\"b8\",\"candidate\":" + quote("c".repeat(ClientFrame.MAX_CANDIDATE + 1)) + "}", ErrorCode.VALIDATION_FAILED);
        bad.put(ice + "\"id\":\"b9\",\"candidate\":" + quote(CANDIDATE + "\r\na=evil") + "}", ErrorCode.VALIDATION_FAILED);
        bad.put(ice + "\"id\":\"b10\"}", ErrorCode.VALIDATION_FAILED);
        bad.put(ice + "\"id\":\"b11\",\"candidate\":\"\",\"sdpMLineIndex\":-1}", ErrorCode.VALIDATION_FAILED);
        bad.put("{\"type\":\"call.media\",\"conversation\":\"" + chat + "\",\"call\":\"" + call + "\",\"id\":\"b12\",\"audio\":true}",
                ErrorCode.VALIDATION_FAILED);
        bad.put("{\"type\":\"call.hangup\",\"id\":\"b13\",\"call\":\"" + call + "\"}", ErrorCode.VALIDATION_FAILED);
        bad.put("{\"type\":\"call.teleport\",\"id\":\"b14\",\"conversation\":\"" + chat + "\"}", ErrorCode.UNKNOWN_FRAME);
        for (Map.Entry<String, ErrorCode> b : bad.entrySet()) {
            String id = b.getKey().replaceAll(".*\"id\":\"(b[0-9]+)\".*", "$1");
            caller.inbox().socket.send(b.getKey());
            ServerFrame reply = caller.inbox().reply(id, WAIT);
            ServerFrame.Error error = assertInstanceOf(ServerFrame.Error.class, reply, id + ": " + reply);
            assertEquals(b.getValue(), error.code(), id + ": " + error.detail());
        }
        caller.inbox().socket.send(head + "\"id\":\"b15\",\"call\":");
        ServerFrame.Error broken = caller.inbox().take(ServerFrame.Error.class, WAIT);
        assertEquals(ErrorCode.MALFORMED_JSON, broken.code());
        assertEquals(0, count(stack, "SELECT count(*) FROM calls"), "no call was stored");
        assertNull(callee.inbox().poll(ServerEvent.CallIncoming.class, e -> true, CallsIT.QUIET), "nobody rang");

        // the largest session description allowed goes through whole
        String largest = sdp.substring(0, ClientFrame.MAX_SDP - 2) + "\r\n";
        caller.call(new ClientFrame.CallInvite("ok", chat, call, largest, false));
        assertEquals(largest, callee.event(ServerEvent.CallIncoming.class, call).sdp());
    }

    private static String quote(String s) {
        return TestClient.MAPPER.valueToTree(s).toString();
    }

    private static long count(ChatServers.Stack stack, String sql) throws Exception {
        try (Connection c = stack.sql(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
