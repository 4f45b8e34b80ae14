package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Presence (guarantee 8): fast transitions, no flapping across nodes, visible only to partners. */
@ExtendWith(ChatServers.class)
class PresenceIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static ServerEvent.Presence presenceOf(TestClient who, TestClient.Socket ws, UUID user, String state, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            ServerEvent.Presence p = ws.poll(ServerEvent.Presence.class, Duration.ofMillis(200));
            if (p != null && p.user().equals(user) && p.online() == state.equals("online")) {
                return p;
            }
        }
        throw new AssertionError(who.username + " saw no '" + state + "' presence for " + user + " within " + within);
    }

    @Test
    void onlineAndOfflineReachPartnersFastWithoutFlappingAcrossNodes(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        TestClient.Socket eveWs = eve.connect(stack.wsUrlA());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        eveWs.next(ServerFrame.Welcome.class, WAIT);

        long t0 = System.nanoTime();
        TestClient.Socket bobOnA = bob.connect(stack.wsUrlA());
        bobOnA.next(ServerFrame.Welcome.class, WAIT);
        presenceOf(ana, anaWs, bob.id, "online", Duration.ofSeconds(2));
        System.out.printf("presence online seen after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals("online", ana.get("/api/presence?users=" + bob.id).body().at("/presence/0/state").asText());

        // a second session on the other node, then the first leaves: bob never goes offline
        TestClient.Socket bobOnB = bob.connect(stack.wsUrlB());
        bobOnB.next(ServerFrame.Welcome.class, WAIT);
        bobOnA.close();
        assertNull(anyPresenceOf(anaWs, bob.id, Duration.ofMillis(2500)), "no flapping while a session stays on any node");
        assertEquals("online", ana.get("/api/presence?users=" + bob.id).body().at("/presence/0/state").asText());

        // the last session leaves: offline within 2 s, with lastSeen
        Instant before = Instant.now();
        long t1 = System.nanoTime();
        bobOnB.close();
        ServerEvent.Presence offline = presenceOf(ana, anaWs, bob.id, "offline", Duration.ofSeconds(3));
        long offlineMs = (System.nanoTime() - t1) / 1_000_000;
        System.out.printf("presence offline seen after %d ms%n", offlineMs);
        assertTrue(offlineMs <= 2000, "offline after " + offlineMs + " ms");
        assertTrue(!offline.lastSeen().isBefore(before.minusSeconds(1)));
        JsonNode read = ana.get("/api/presence?users=" + bob.id).body().at("/presence/0");
        assertEquals("offline", read.get("state").asText());
        assertTrue(read.hasNonNull("lastSeen"));

        // eve shares no conversation with bob: she saw nothing of him and may not ask
        for (String f : eveWs.texts) {
            assertFalse(f.contains(bob.id.toString()), "eve saw something of bob: " + f);
        }
        assertEquals(0, eve.get("/api/presence?users=" + bob.id).body().get("presence").size());
    }

    private static ServerEvent.Presence anyPresenceOf(TestClient.Socket ws, UUID user, Duration window) throws InterruptedException {
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            ServerEvent.Presence p = ws.poll(ServerEvent.Presence.class, Duration.ofMillis(100));
            if (p != null && p.user().equals(user)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void peopleIChoseAsContactsSeeMyPresenceButNotTheOtherWayRound(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient dan = TestClient.signUp(stack.apiUrl(), "dan");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        // no conversation between them: dan sees nothing of ana yet
        assertEquals(0, dan.get("/api/presence?users=" + ana.id).body().get("presence").size());
        // ana adds dan to her contacts: now dan may see her
        assertEquals(200, TestClient.request(stack.apiUrl(), "PUT", "/api/contacts/" + dan.id, ana.token, "{}").status());
        assertEquals("online", dan.get("/api/presence?users=" + ana.id).body().at("/presence/0/state").asText());
        // but adding someone does not let you watch them
        assertEquals(0, ana.get("/api/presence?users=" + dan.id).body().get("presence").size());
        TestClient.Socket danWs = dan.connect(stack.wsUrlB());
        danWs.next(ServerFrame.Welcome.class, WAIT);
        anaWs.close();
        presenceOf(dan, danWs, ana.id, "offline", Duration.ofSeconds(3));
    }

    @Test
    void badPresenceQueriesAreRefused(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        assertEquals("validation_failed", ana.get("/api/presence?users=not-a-uuid").body().get("code").asText());
        assertEquals("validation_failed", ana.get("/api/presence").body().get("code").asText());
        assertEquals(401, TestClient.request(stack.apiUrl(), "GET", "/api/presence?users=" + ana.id, null, null).status());
    }
}
