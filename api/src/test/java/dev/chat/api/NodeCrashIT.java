package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A ws-node process killed with SIGKILL: its users go offline for their partners within 30 s
 * (guarantee 8), and a client that reconnects to a surviving node catches up on what it missed.
 */
@ExtendWith(ChatServers.class)
class NodeCrashIT {
    private int port;
    private String nodeId;

    @Test
    void killedNodeUsersGoOfflineWithin30sAndCatchUpElsewhere(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        anaWs.next("welcome", Duration.ofSeconds(5));

        Process node = startNodeProcess(stack);
        try {
            String url = "ws://127.0.0.1:" + port + "/ws";
            TestClient.Socket bobWs = bob.connect(url);
            assertEquals(nodeId, bobWs.next("welcome", Duration.ofSeconds(5)).get("node").asText());
            awaitPresence(anaWs, bob.id, "online", Duration.ofSeconds(3));
            ana.send(chat, UUID.randomUUID().toString(), "before the crash");
            assertEquals(1, bobWs.next("message.created", Duration.ofSeconds(5)).get("seq").asLong());

            // the node reports its user list within a second of a change; then it dies
            Thread.sleep(1500);
            node.destroyForcibly(); // SIGKILL: no goodbye, no cleanup
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
            node.destroyForcibly();
        }
    }

    /** A real ws-node JVM with the test's class path, configured through the environment like production. */
    private Process startNodeProcess(ChatServers.Stack stack) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        nodeId = "it-crash-" + UUID.randomUUID().toString().substring(0, 8);
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                "dev.chat.ws.Main"));
        Map<String, String> env = pb.environment();
        env.put("CHAT_NODE_ID", nodeId);
        env.put("CHAT_WS_HOST", "127.0.0.1");
        env.put("CHAT_WS_PORT", String.valueOf(port));
        env.put("CHAT_AMQP_HOST", stack.amqp().host());
        env.put("CHAT_AMQP_PORT", String.valueOf(stack.amqp().port()));
        env.put("CHAT_AMQP_USER", stack.amqp().username());
        env.put("CHAT_AMQP_PASSWORD", stack.amqp().password());
        env.put("CHAT_AMQP_VHOST", stack.amqp().virtualHost());
        env.put("CHAT_TOKEN_SECRET", ChatServers.TOKEN_SECRET);
        env.put("CHAT_MEMCACHED", stack.memcached().getHostString() + ":" + stack.memcached().getPort());
        env.put("CHAT_ALLOWED_ORIGINS", ChatServers.ORIGIN);
        File log = new File("target/crash-node-" + nodeId + ".log");
        pb.redirectErrorStream(true).redirectOutput(log);
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = TestClient.HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the node process died at start; see " + log);
            }
            Thread.sleep(200);
        }
        p.destroyForcibly();
        throw new IllegalStateException("the node process did not become ready; see " + log);
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
