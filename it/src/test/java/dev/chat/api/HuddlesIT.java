package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;

import static dev.chat.api.CallsIT.ANSWER;
import static dev.chat.api.CallsIT.CANDIDATE;
import static dev.chat.api.CallsIT.OFFER;
import static dev.chat.api.CallsIT.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Huddles in channels over real sockets on two ws-nodes and two api instances: the channel sees a
 * huddle start, people join, signal each other pairwise (offer, answer, ICE to one device), change
 * their media and leave; a participant going offline leaves, and the huddle ends with the last.
 * Then what is refused and changes nothing: strangers, a member not in the huddle signalling, the
 * ninth person, a direct chat, malformed and oversized frames.
 */
@ExtendWith(ChatServers.class)
class HuddlesIT {
    private static final ClientFrame.SignalKind OFFER_KIND = ClientFrame.SignalKind.OFFER;

    /** A channel of ana's group with these people in it. */
    static UUID channel(TestClient owner, String... members) {
        JsonNode group = owner.post("/api/groups", "{\"name\":\"Huddle room\"}").body();
        for (String m : members) {
            owner.post("/api/groups/" + group.path("id").asText() + "/members", "{\"username\":\"" + m + "\"}");
        }
        return UUID.fromString(group.at("/channels/0/id").asText());
    }

    /** The next huddle.updated this device sees with {@code n} participants (and state), skipping older ones. */
    static ServerEvent.HuddleUpdated update(CallsIT.Device d, int n, boolean live) throws InterruptedException {
        return d.inbox().take(ServerEvent.HuddleUpdated.class, e -> e.participants().size() == n && e.live() == live, WAIT);
    }

    static List<UUID> users(JsonNode huddle) {
        return java.util.stream.StreamSupport.stream(huddle.path("participants").spliterator(), false)
                .map(p -> UUID.fromString(p.path("user").asText())).toList();
    }

    @Test
    void aHuddleStartsIsJoinedSignalledPairwiseAndEndsWithItsLastParticipant(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cara = TestClient.signUp(stack.apiUrl(), "cara");
        TestClient dave = TestClient.signUp(stack.apiUrl(), "dave");
        UUID ch = channel(ana, "bob", "cara", "dave");
        CallsIT.Device a = CallsIT.Device.open(ana, stack.wsUrlA());
        CallsIT.Device b = CallsIT.Device.open(bob, stack.wsUrlB());
        CallsIT.Device c = CallsIT.Device.open(cara, stack.wsUrlB());
        CallsIT.Device watcher = CallsIT.Device.open(dave, stack.wsUrlA());
        assertTrue(dave.get("/api/conversations/" + ch + "/huddle").body().path("huddle").isNull());

        JsonNode started = a.call(new ClientFrame.HuddleJoin("j1", ch, true, true));
        assertEquals("live", started.path("state").asText());
        assertEquals(List.of(ana.id), users(started));
        UUID huddle = UUID.fromString(started.path("huddle").asText());
        assertEquals(huddle, update(watcher, 1, true).huddle(), "the channel sees the huddle start");
        assertEquals(started, a.call(new ClientFrame.HuddleJoin("j1", ch, true, true)), "a retried join changes nothing");

        assertEquals(List.of(ana.id, bob.id), users(b.call(new ClientFrame.HuddleJoin("j2", ch, true, false))));
        ServerEvent.HuddleUpdated two = update(a, 2, true);
        assertEquals(b.session(), two.participants().get(1).session());
        assertFalse(two.participants().get(1).video());
        assertEquals(List.of(ana.id, bob.id, cara.id), users(c.call(new ClientFrame.HuddleJoin("j3", ch, true, true))));
        update(watcher, 3, true);

        // the newcomer offers to each one there; each answers; candidates go to the one device
        b.inbox().send(new ClientFrame.HuddleSignal("s1", ch, huddle, a.session(), OFFER_KIND, OFFER, null, null, null));
        ServerEvent.HuddleSignal offer = a.inbox().take(ServerEvent.HuddleSignal.class, WAIT);
        assertEquals(List.of(bob.id, b.session(), "offer", OFFER), List.of(offer.from(), offer.fromSession(), offer.kind(), offer.sdp()));
        a.inbox().send(new ClientFrame.HuddleSignal("s2", ch, huddle, b.session(), ClientFrame.SignalKind.ANSWER, ANSWER, null, null, null));
        assertEquals(ANSWER, b.inbox().take(ServerEvent.HuddleSignal.class, WAIT).sdp());
        a.inbox().send(new ClientFrame.HuddleSignal("s3", ch, huddle, c.session(), ClientFrame.SignalKind.ICE, null, CANDIDATE, "0", 0));
        ServerEvent.HuddleSignal ice = c.inbox().take(ServerEvent.HuddleSignal.class, WAIT);
        assertEquals(List.of("ice", CANDIDATE, "0", 0), List.of(ice.kind(), ice.candidate(), ice.sdpMid(), ice.sdpMLineIndex()));
        assertNull(b.inbox().poll(ServerEvent.HuddleSignal.class, e -> true, CallsIT.QUIET), "a signal reaches its one device only");

        b.inbox().send(new ClientFrame.HuddleMedia("m1", ch, huddle, false, false, true));
        ServerEvent.HuddleUpdated media = c.inbox().take(ServerEvent.HuddleUpdated.class,
                e -> e.participants().size() == 3 && e.participants().get(1).screen(), WAIT);
        assertFalse(media.participants().get(1).audio());
        assertEquals(3, dave.get("/api/conversations/" + ch + "/huddle").body().at("/huddle/participants").size());

        assertEquals(List.of(ana.id, cara.id), users(b.call(new ClientFrame.HuddleLeave("l1", ch, huddle))));
        update(a, 2, true);
        assertEquals(ErrorCode.HUDDLE_NOT_FOUND,
                b.refused(new ClientFrame.HuddleSignal("s4", ch, huddle, a.session(), OFFER_KIND, OFFER, null, null, null)).code());
        c.inbox().socket.close(); // cara's last socket: she goes offline and out of the huddle
        assertEquals(List.of(ana.id), update(watcher, 1, true).participants().stream().map(ServerEvent.HuddlePeer::user).toList());
        JsonNode ended = a.call(new ClientFrame.HuddleLeave("l2", ch, huddle));
        assertEquals("ended", ended.path("state").asText());
        update(watcher, 0, false);
        assertTrue(dave.get("/api/conversations/" + ch + "/huddle").body().path("huddle").isNull());
        assertEquals("live", a.call(new ClientFrame.HuddleJoin("j4", ch, true, true)).path("state").asText(), "a new huddle starts");
        assertEquals(2, count(stack, "SELECT count(*) FROM huddles"));
    }

    /**
     * A huddle and a call belong to the device that joined them: ana's laptop (node A) closes while
     * her phone (node B) stays online, and she leaves the huddle at once; then her phone, in a call
     * with bob, closes while her tablet (node A) stays online, and the call ends as her hang-up.
     */
    @Test
    void aDeviceThatClosesLeavesItsHuddleAndEndsItsCallWhileItsPersonStaysOnline(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID ch = channel(ana, "bob");
        UUID chat = ana.openDirect("bob");
        CallsIT.Device laptop = CallsIT.Device.open(ana, stack.wsUrlA());
        CallsIT.Device phone = CallsIT.Device.open(ana, stack.wsUrlB());
        CallsIT.Device b = CallsIT.Device.open(bob, stack.wsUrlB());
        UUID huddle = UUID.fromString(laptop.call(new ClientFrame.HuddleJoin("j1", ch, true, true)).path("huddle").asText());
        assertEquals(List.of(ana.id, bob.id), users(b.call(new ClientFrame.HuddleJoin("j2", ch, true, true))));
        update(phone, 2, true);

        laptop.inbox().socket.close();
        java.util.function.Predicate<ServerEvent.HuddleUpdated> bobAlone = e -> e.live()
                && e.participants().stream().map(ServerEvent.HuddlePeer::session).toList().equals(List.of(b.session()));
        assertEquals(huddle, b.inbox().take(ServerEvent.HuddleUpdated.class, bobAlone, WAIT).huddle(), "ana's laptop left");
        assertEquals(huddle, phone.inbox().take(ServerEvent.HuddleUpdated.class, bobAlone, WAIT).huddle(),
                "ana's phone, still online, sees her laptop leave");
        assertEquals(1, count(stack, "SELECT count(*) FROM huddle_participants"));

        assertEquals("ended", b.call(new ClientFrame.HuddleLeave("l1", ch, huddle)).path("state").asText());
        CallsIT.Device tablet = CallsIT.Device.open(ana, stack.wsUrlA());
        UUID call = UUID.randomUUID();
        phone.call(new ClientFrame.CallInvite("i1", chat, call, OFFER, false));
        b.event(ServerEvent.CallIncoming.class, call);
        b.call(new ClientFrame.CallAnswer("a1", chat, call, ANSWER));
        phone.inbox().socket.close();
        ServerEvent.CallEnded ended = b.event(ServerEvent.CallEnded.class, call);
        assertEquals(List.of("hangup", ana.id), List.of(ended.reason(), ended.by()));
        assertEquals("hangup", tablet.event(ServerEvent.CallEnded.class, call).reason(), "ana's tablet, still online, hears it end");
    }

    @Test
    void strangersTheNinthADirectChatAndBadFramesAreRefusedAndChangeNothing(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID ch = channel(ana, "bob");
        CallsIT.Device a = CallsIT.Device.open(ana, stack.wsUrlA());
        CallsIT.Device b = CallsIT.Device.open(bob, stack.wsUrlB());
        CallsIT.Device e = CallsIT.Device.open(eve, stack.wsUrlA());
        UUID huddle = UUID.fromString(a.call(new ClientFrame.HuddleJoin("j1", ch, true, true)).path("huddle").asText());

        assertEquals(ErrorCode.CONVERSATION_NOT_FOUND, e.refused(new ClientFrame.HuddleJoin("e1", ch, true, true)).code());
        assertEquals(ErrorCode.CONVERSATION_NOT_FOUND,
                e.refused(new ClientFrame.HuddleSignal("e2", ch, huddle, a.session(), OFFER_KIND, OFFER, null, null, null)).code());
        assertEquals(ErrorCode.CONVERSATION_NOT_FOUND, e.refused(new ClientFrame.HuddleMedia("e3", ch, huddle, true, true, true)).code());
        assertEquals(404, eve.get("/api/conversations/" + ch + "/huddle").status());
        // a member who is not in the huddle cannot signal into it either
        assertEquals(ErrorCode.HUDDLE_NOT_FOUND,
                b.refused(new ClientFrame.HuddleSignal("b1", ch, huddle, a.session(), OFFER_KIND, OFFER, null, null, null)).code());
        assertNull(a.inbox().poll(ServerEvent.HuddleSignal.class, x -> true, CallsIT.QUIET), "nothing reached ana");

        UUID direct = ana.openDirect("bob");
        assertEquals(ErrorCode.VALIDATION_FAILED, b.refused(new ClientFrame.HuddleJoin("d1", direct, true, true)).code());

        String head = "{\"type\":\"huddle.signal\",\"id\":\"x\",\"conversation\":\"" + ch + "\",\"huddle\":\"" + huddle + "\",";
        String big = OFFER + "a=x:" + "y".repeat(ClientFrame.MAX_SDP - OFFER.length() - 5) + "\r\n";
        for (String bad : List.of(
                head + "\"to\":\"" + a.session() + "\",\"kind\":\"offer\",\"sdp\":" + TestClient.MAPPER.writeValueAsString(big) + "}",
                head + "\"to\":\"" + a.session() + "\",\"kind\":\"shout\",\"sdp\":\"v=0\"}",
                head + "\"kind\":\"offer\",\"sdp\":\"v=0\"}",
                head + "\"to\":\"" + a.session() + "\",\"kind\":\"ice\",\"candidate\":\"a\\nb\"}",
                "{\"type\":\"huddle.media\",\"id\":\"x\",\"conversation\":\"" + ch + "\",\"huddle\":\"" + huddle + "\",\"audio\":1}",
                "{\"type\":\"huddle.leave\",\"id\":\"x\",\"conversation\":\"" + ch + "\"}")) {
            a.inbox().socket.send(bad);
            ServerFrame reply = a.inbox().reply("x", WAIT);
            assertEquals(ErrorCode.VALIDATION_FAILED, assertInstanceOf(ServerFrame.Error.class, reply, bad).code(), bad);
        }
        assertNull(a.inbox().poll(ServerEvent.HuddleSignal.class, x -> true, CallsIT.QUIET), "no signal went anywhere");

        // seven more people in it (written directly): eight in all, and bob is the ninth
        try (Connection c = stack.sql()) {
            c.createStatement().execute("""
                    WITH u AS (INSERT INTO users (username, display_name, password_hash)
                               SELECT 'crowd_' || i, 'Crowd ' || i, 'x' FROM generate_series(1, 7) i RETURNING id)
                    INSERT INTO huddle_participants (huddle_id, user_id, session, audio, video)
                    SELECT '%s', id, gen_random_uuid(), true, true FROM u""".formatted(huddle));
        }
        assertEquals(ErrorCode.HUDDLE_FULL, b.refused(new ClientFrame.HuddleJoin("b2", ch, true, true)).code());
        assertEquals(8, count(stack, "SELECT count(*) FROM huddle_participants"));
        assertEquals(1, count(stack, "SELECT count(*) FROM huddles"));
        assertEquals(2, count(stack, "SELECT version FROM huddles"), "only ana's join changed the huddle");
    }

    static long count(ChatServers.Stack stack, String sql) throws Exception {
        try (Connection c = stack.sql(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
