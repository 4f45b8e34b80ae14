package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a ws-node while 1,000 messages flow to 50 clients, half of them on that node: each
 * client does what the web client does (on a lost socket, reconnect to a node that is up, then sync
 * from the newest message it holds) and in the end every client holds every message exactly once,
 * in seq order. Prints the figures.
 */
@ExtendWith(ChatServers.class)
class NodeKillUnderLoadIT {
    private static final int CLIENTS = 50;
    private static final int MESSAGES = 1_000;
    private static final int KILL_AT = 300;

    @Test
    void everyClientHoldsEveryMessageOnceInOrder(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        JsonNode group = ana.post("/api/groups", "{\"name\":\"Load\"}").body();
        String g = group.path("id").asText();
        UUID chat = UUID.fromString(group.at("/channels/0/id").asText());
        ServerProcess victim = ServerProcess.node(stack, "it-kill");
        List<SyncingDevice> devices = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CLIENTS; i++) {
                TestClient member = TestClient.signUp(stack.apiUrl(), "member" + i);
                assertEquals(201, ana.post("/api/groups/" + g + "/members", "{\"username\":\"member" + i + "\"}").status());
                devices.add(new SyncingDevice(member, chat, i % 2 == 0 ? victim.wsUrl() : stack.wsUrlB(), stack::wsUrlB));
            }
            devices.forEach(d -> readers.submit(() -> d.run(done)));

            AtomicLong killedAt = new AtomicLong();
            java.util.Map<Integer, Integer> retries = new java.util.concurrent.ConcurrentSkipListMap<>();
            long start = System.nanoTime();
            Parallel.run(4, MESSAGES, i -> {
                if (i == KILL_AT) {
                    victim.kill();
                    killedAt.set(System.nanoTime());
                }
                assertEquals(201, ana.send(chat, String.format("load-%06d", i), "m" + i).status());
                if (i % 100 == 50) {
                    // a sender whose answer was lost sends again with the same client id: one message
                    retries.put(i, ana.send(chat, String.format("load-%06d", i), "m" + i).status()); // asserted below
                }
            });
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && devices.stream().anyMatch(d -> d.held.size() < MESSAGES)) {
                Thread.sleep(200);
            }
            done.set(true);

            long complete = devices.stream().filter(d -> d.held.size() == MESSAGES).count();
            long reconnected = devices.stream().filter(d -> d.reconnects.get() > 0).count();
            long worstReconnect = devices.stream().mapToLong(d -> d.worstReconnectMillis.get()).max().orElse(-1);
            int duplicates = devices.stream().mapToInt(d -> d.liveDuplicates.get()).sum();
            int heldTwice = devices.stream().mapToInt(SyncingDevice::heldTwice).sum();
            long lost = devices.stream().mapToLong(d -> java.util.stream.LongStream.rangeClosed(1, MESSAGES)
                    .filter(s -> !d.stored.containsKey(s)).count()).sum();
            System.out.printf("kill -9 of a ws-node under load: %d messages to %d clients (%d on the killed node) in %.1f s, "
                            + "killed at message %d; %d clients reconnected (worst: lost socket to synced %d ms); "
                            + "%d of %d clients hold all %d messages; %d lost, %d held twice; "
                            + "%d live frames whose seq was already held, dropped by seq%n",
                    MESSAGES, CLIENTS, CLIENTS / 2, sendSeconds, KILL_AT, reconnected, worstReconnect, complete, CLIENTS, MESSAGES,
                    lost, heldTwice, duplicates);
            List<Long> expectedSeqs = new ArrayList<>();
            List<String> expectedIds = new ArrayList<>();
            for (int s = 1; s <= MESSAGES; s++) {
                expectedSeqs.add((long) s);
            }
            for (int i = 1; i <= MESSAGES; i++) { // Parallel.run counts from 1
                expectedIds.add(String.format("load-%06d", i));
            }
            assertEquals(0, lost, "messages some client never got");
            assertEquals(0, heldTwice, "messages some client holds twice");
            // what PostgreSQL holds: each client id once, seqs 1..N
            java.util.Map<Long, String> rows = stack.stored(chat);
            assertEquals(expectedSeqs, new ArrayList<>(rows.keySet()), "stored seqs 1..N, no gap");
            assertEquals(expectedIds, rows.values().stream().sorted().toList(), "each client id stored once");
            for (int i = 0; i < devices.size(); i++) {
                SyncingDevice d = devices.get(i);
                String who = d.user.username + (i % 2 == 0 ? " (on the killed node)" : "") + "; " + d.trail;
                // the device's store by seq is exactly what the database holds: nothing lost, nothing twice
                assertEquals(rows, new java.util.TreeMap<>(d.stored), who);
                assertEquals(0, d.heldTwice(), "held twice: " + who);
            }
            retries.forEach((i, status) -> assertEquals(200, status, "the retry of message " + i + " answers the first send"));
            assertEquals(CLIENTS / 2, reconnected, "the clients of the killed node, and only they, reconnected");
            assertTrue(killedAt.get() > 0);
        } finally {
            done.set(true);
            victim.kill();
        }
    }
}
