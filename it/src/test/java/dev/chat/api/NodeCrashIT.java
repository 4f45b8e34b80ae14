package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ToClient;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ws-node process killed with SIGKILL: its users go offline for their partners within 30 s
 * (guarantee 8), not before the crash, and a client that reconnects to a surviving node catches up
 * on what it missed.
 */
@ExtendWith(ChatServers.class)
class NodeCrashIT {
    private static final Duration PROMISED = Duration.ofSeconds(30);

    @Test
    void killedNodeUsersGoOfflineWithin30sAndCatchUpElsewhere(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        anaWs.next(ServerFrame.Welcome.class, Duration.ofSeconds(5));

        ServerProcess node = ServerProcess.node(stack, "it-crash");
        MemcachedClient memcached = new MemcachedClient(stack.memcached());
        try {
            TestClient.Socket bobWs = bob.connect(node.wsUrl());
            assertEquals(node.id(), bobWs.next(ServerFrame.Welcome.class, Duration.ofSeconds(5)).node());
            List<String> bobStates = new ArrayList<>();
            assertTrue(awaitPresence(anaWs, bob.id, "online", System.nanoTime() + Duration.ofSeconds(3).toNanos(), bobStates),
                    "bob online for ana: " + bobStates);
            ana.send(chat, UUID.randomUUID().toString(), "before the crash");
            assertEquals(1, bobWs.next(ServerEvent.MessageCreated.class, Duration.ofSeconds(5)).seq());

            // the node lists its users for the crash sweeper (within a second of a change): wait
            // until bob is on its list, then it dies
            long listed = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!String.valueOf(memcached.get("node-users." + node.id())).contains(bob.id.toString())) {
                assertTrue(System.nanoTime() < listed, "the node listed bob in Memcached within 5 s");
                Thread.sleep(50);
            }
            // not before the crash: nothing told ana that bob went offline while his node was up
            for (ToClient f = anaWs.frames.poll(); f != null; f = anaWs.frames.poll()) {
                record(f, bob.id, bobStates);
            }
            assertFalse(bobStates.contains("offline"), "offline before the crash: " + bobStates);

            node.kill();
            long killedAt = System.nanoTime();
            ana.send(chat, UUID.randomUUID().toString(), "while bob's node is dead");
            boolean offline = awaitPresence(anaWs, bob.id, "offline", killedAt + PROMISED.toNanos(), bobStates);
            long millis = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.printf("presence offline after kill -9 of the node: %s after %d ms (promised: %d s)%n",
                    offline ? "seen" : "NOT seen", millis, PROMISED.toSeconds());
            assertTrue(offline, "ana saw bob go offline within " + PROMISED + " of the kill; states seen: " + bobStates);

            // bob reconnects to a surviving node: subscribe, then sync from his cursor
            TestClient.Socket again = bob.connect(stack.wsUrlB());
            again.next(ServerFrame.Welcome.class, Duration.ofSeconds(5));
            JsonNode missed = bob.get("/api/conversations/" + chat + "/messages?after=1").body().get("messages");
            assertEquals(1, missed.size());
            assertEquals("while bob's node is dead", missed.get(0).get("text").asText());
            assertTrue(awaitPresence(anaWs, bob.id, "online", System.nanoTime() + Duration.ofSeconds(3).toNanos(), bobStates),
                    "bob online again for ana: " + bobStates);
        } finally {
            memcached.shutdown(1, TimeUnit.SECONDS);
            node.kill();
        }
    }

    /** Reads the socket until the user's presence is {@code state} (true) or the deadline passes (false). */
    private static boolean awaitPresence(TestClient.Socket ws, UUID user, String state, long deadlineNanos, List<String> seen)
            throws InterruptedException {
        for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
            ToClient f = ws.frames.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            if (f != null && state.equals(record(f, user, seen))) {
                return true;
            }
        }
        return false;
    }

    /** The user's state if the frame is their presence (noted in {@code seen}), else null. */
    private static String record(ToClient f, UUID user, List<String> seen) {
        if (f instanceof ServerEvent.Presence p && p.user().equals(user)) {
            String state = p.online() ? "online" : "offline";
            seen.add(state);
            return state;
        }
        return null;
    }
}
