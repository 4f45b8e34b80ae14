package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ws-node process killed with SIGKILL: its users go offline for their partners within 30 s
 * (guarantee 8), and a client that reconnects to a surviving node catches up on what it missed.
 */
@ExtendWith(ChatServers.class)
class NodeCrashIT {
    @Test
    void killedNodeUsersGoOfflineWithin30sAndCatchUpElsewhere(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        anaWs.next("welcome", Duration.ofSeconds(5));

        ServerProcess node = ServerProcess.node(stack, "it-crash");
        try {
            TestClient.Socket bobWs = bob.connect(node.wsUrl());
            assertEquals(node.id(), bobWs.next("welcome", Duration.ofSeconds(5)).get("node").asText());
            awaitPresence(anaWs, bob.id, "online", Duration.ofSeconds(3));
            ana.send(chat, UUID.randomUUID().toString(), "before the crash");
            assertEquals(1, bobWs.next("message.created", Duration.ofSeconds(5)).get("seq").asLong());

            // the node reports its user list within a second of a change; then it dies
            Thread.sleep(1500);
            node.kill();
            long killedAt = System.nanoTime();
            ana.send(chat, UUID.randomUUID().toString(), "while bob's node is dead");
            awaitPresence(anaWs, bob.id, "offline", Duration.ofSeconds(30));
            long seconds = (System.nanoTime() - killedAt) / 1_000_000_000;
            System.out.printf("presence offline after kill -9 of the node: %d s%n", seconds);
            assertTrue(seconds <= 30, "offline after " + seconds + " s");

            // bob reconnects to a surviving node: subscribe, then sync from his cursor
            TestClient.Socket again = bob.connect(stack.wsUrlB());
            again.next("welcome", Duration.ofSeconds(5));
            JsonNode missed = bob.get("/api/conversations/" + chat + "/messages?after=1").body().get("messages");
            assertEquals(1, missed.size());
            assertEquals("while bob's node is dead", missed.get(0).get("text").asText());
            awaitPresence(anaWs, bob.id, "online", Duration.ofSeconds(3));
        } finally {
            node.kill();
        }
    }

    private static void awaitPresence(TestClient.Socket ws, UUID user, String state, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode p = ws.poll("presence", Duration.ofMillis(250));
            if (p != null && p.at("/data/user").asText().equals(user.toString()) && p.at("/data/state").asText().equals(state)) {
                return;
            }
        }
        throw new AssertionError("no '" + state + "' presence for " + user + " within " + within);
    }
}
