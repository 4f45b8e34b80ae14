package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * History pages read from the streaming replica that ./chat test starts beside PostgreSQL, by the
 * rule of {@code ReplicaReads}, in one scenario: a page the replica can serve is served by it (api's
 * counter of replica reads says so); with the replica's replay paused, a message sent is in the page
 * read right after (the primary serves it, and the replica is shown not to hold it); replay resumed,
 * the replica serves again; the replica taken away (through a relay that resets its connections and
 * stops listening, as a stopped server does), pages are still served, by the primary, and when it is
 * back the replica serves again without a restart.
 */
@ExtendWith(ChatServers.class)
class ReplicaIT {
    /** Long enough for a loaded machine's replica to replay a few writes: the first reads must not fall back. */
    private static final String WAIT_MS = "1500";

    @Test
    void historyIsReadFromTheReplicaOnlyWhenItHoldsEveryEarlierWrite(ChatServers.Stack stack) throws Exception {
        String replicaUrl = System.getProperty("chat.it.db.replica.url");
        String adminPassword = System.getProperty("chat.it.db.admin.password");
        assertNotNull(replicaUrl, "run with ./chat test, which starts the replica and passes chat.it.db.replica.url");
        URI replica = URI.create(replicaUrl.substring("jdbc:".length()));
        try (TcpRelay relay = new TcpRelay(new InetSocketAddress(replica.getHost(), replica.getPort()));
             Connection admin = DriverManager.getConnection(replicaUrl, "postgres", adminPassword)) {
            String relayed = "jdbc:postgresql://127.0.0.1:" + relay.port() + replica.getRawPath();
            Main.Running api = Main.start(ChatServers.apiConfig(stack, "api-replica",
                    Map.of("chat.db.replica.url", relayed, "chat.db.replica.wait.ms", WAIT_MS)));
            try {
                String url = "http://127.0.0.1:" + api.port();
                TestClient ana = TestClient.signUp(url, "ana");
                TestClient.signUp(url, "bob");
                UUID chat = ana.openDirect("bob");
                assertEquals(201, ana.send(chat, "replica-0001", "first").status());

                // caught up: the replica serves the page, and it holds the message just sent
                Reads before = reads(url);
                assertEquals(java.util.List.of("first"), texts(ana, chat));
                assertEquals(before.plus(1, 0), reads(url), "served by the replica");

                // replay paused: what is sent now is not on the replica, yet the page read right after holds it
                execute(admin, "SELECT pg_wal_replay_pause()");
                try {
                    awaitPaused(admin);
                    assertEquals(201, ana.send(chat, "replica-0002", "second").status());
                    before = reads(url);
                    assertEquals(java.util.List.of("first", "second"), texts(ana, chat), "read-your-writes");
                    assertEquals(before.plus(0, 1), reads(url), "served by the primary");
                    assertEquals(0, count(admin, chat, "replica-0002"), "the paused replica does not hold the message");
                } finally {
                    execute(admin, "SELECT pg_wal_replay_resume()");
                }
                before = reads(url);
                assertEquals(java.util.List.of("first", "second"), texts(ana, chat));
                assertEquals(before.plus(1, 0), reads(url), "replay resumed: the replica serves again");

                // the replica away: pages are served by the primary, then by the replica once it is back
                relay.cut();
                before = reads(url);
                long cutAt = System.nanoTime();
                assertEquals(java.util.List.of("first", "second"), texts(ana, chat));
                assertEquals(java.util.List.of("first", "second"), texts(ana, chat));
                System.out.printf("replica away: two pages served by the primary in %d ms%n", (System.nanoTime() - cutAt) / 1_000_000);
                assertEquals(before.plus(0, 2), reads(url), "served by the primary");
                relay.restore();
                long backAt = System.nanoTime();
                Reads now = reads(url);
                while (reads(url).replica() == now.replica()) {
                    assertTrue(System.nanoTime() - backAt < java.time.Duration.ofSeconds(30).toNanos(), "the replica is used again");
                    assertEquals(java.util.List.of("first", "second"), texts(ana, chat));
                    Thread.sleep(50); // polling: api tries the replica again a few seconds after it failed
                }
                System.out.printf("replica back: serving pages again %d ms later%n", (System.nanoTime() - backAt) / 1_000_000);
            } finally {
                api.stop();
            }
        }
    }

    /** History pages served so far by the replica and by the primary (api's {@code chat_history_reads}). */
    private record Reads(long replica, long primary) {
        Reads plus(long replicaReads, long primaryReads) {
            return new Reads(replica + replicaReads, primary + primaryReads);
        }
    }

    private static Reads reads(String url) {
        String metrics = TestClient.request(url, "GET", "/metrics", null, null).raw();
        return new Reads(counter(metrics, "replica"), counter(metrics, "primary"));
    }

    private static long counter(String metrics, String source) {
        return metrics.lines().filter(l -> l.startsWith("chat_history_reads_total{") && l.contains("source=\"" + source + "\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no chat_history_reads_total for " + source + " in /metrics"));
    }

    private static java.util.List<String> texts(TestClient who, UUID chat) {
        TestClient.Response page = who.get("/api/conversations/" + chat + "/messages");
        assertEquals(200, page.status(), page.raw());
        java.util.List<String> texts = new java.util.ArrayList<>();
        for (JsonNode m : page.body().get("messages")) {
            texts.add(m.get("text").asText());
        }
        assertFalse(texts.isEmpty(), page.raw());
        return texts;
    }

    /** Replay is paused once the startup process has seen the request (it finishes the record it is on). */
    private static void awaitPaused(Connection admin) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Statement s = admin.createStatement(); ResultSet r = s.executeQuery("SELECT pg_get_wal_replay_pause_state()")) {
                r.next();
                if ("paused".equals(r.getString(1))) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the replica's replay pauses");
            Thread.sleep(20);
        }
    }

    private static void execute(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(Connection c, UUID chat, String clientMsgId) throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM messages WHERE conversation_id = ?::uuid AND client_msg_id = ?")) {
            s.setString(1, chat.toString());
            s.setString(2, clientMsgId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
