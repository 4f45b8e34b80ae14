package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
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

            // ana calls bob and he answers on the node that is about to die
            UUID call = UUID.randomUUID();
            anaWs.send(new ClientFrame.CallInvite("i1", chat, call, CallsIT.OFFER, false));
            assertEquals(call, bobWs.next(ServerEvent.CallIncoming.class, Duration.ofSeconds(5)).call());
            bobWs.send(new ClientFrame.CallAnswer("a1", chat, call, CallsIT.ANSWER));
            assertEquals(call, anaWs.next(ServerEvent.CallAnswered.class, Duration.ofSeconds(5)).call());

            node.kill();
            long killedAt = System.nanoTime();
            ana.send(chat, UUID.randomUUID().toString(), "while bob's node is dead");
            // bob goes offline for ana, and the sweeper that takes him offline ends his call (in either order)
            boolean offline = false;
            long millis = -1;
            ServerEvent.CallEnded ended = null;
            while ((!offline || ended == null) && System.nanoTime() < killedAt + PROMISED.toNanos()) {
                ToClient f = anaWs.frames.poll(100, TimeUnit.MILLISECONDS);
                if (f instanceof ServerEvent.CallEnded e) {
                    ended = e;
                } else if (f != null && "offline".equals(record(f, bob.id, bobStates)) && !offline) {
                    offline = true;
                    millis = (System.nanoTime() - killedAt) / 1_000_000;
                }
            }
            System.out.printf("presence offline after kill -9 of the node: %s after %d ms (promised: %d s)%n",
                    offline ? "seen" : "NOT seen", millis, PROMISED.toSeconds());
            assertTrue(offline, "ana saw bob go offline within " + PROMISED + " of the kill; states seen: " + bobStates);
            assertTrue(ended != null && ended.call().equals(call), "the call bob was in ended with his node: " + ended);

            // bob reconnects to a surviving node: subscribe, then sync from his cursor
            TestClient.Socket again = bob.connect(stack.wsUrlB());
            again.next(ServerFrame.Welcome.class, Duration.ofSeconds(5));
            JsonNode missed = bob.get("/api/conversations/" + chat + "/messages?after=1").body().get("messages");
            assertEquals(2, missed.size(), "the message and the call's record: " + missed);
            assertEquals("while bob's node is dead", missed.get(0).get("text").asText());
            assertEquals("call:" + call, missed.get(1).get("clientMsgId").asText(), "the call's record");
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
