package dev.chat.api;

import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An api process killed with SIGKILL while sends are in flight; each client whose request was cut
 * retries the same client id on another api instance. Every message ends up stored exactly once with
 * gapless seqs, and the recipient's socket gets each one once (the relay of a surviving instance
 * publishes what the dead one committed but did not publish). Prints the figures.
 */
@ExtendWith(ChatServers.class)
class ApiKillIT {
    private static final int MESSAGES = 400;

    @Test
    void aRetriedSendAfterTheInstanceDiedIsStoredOnce(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        bobWs.next(ServerFrame.Welcome.class, Duration.ofSeconds(5));
        ServerProcess doomed = ServerProcess.api(stack, "api-kill");
        AtomicInteger cut = new AtomicInteger();
        AtomicInteger answeredAgain = new AtomicInteger();
        AtomicBoolean killed = new AtomicBoolean();
        try {
            Parallel.run(4, MESSAGES, i -> {
                if (i == MESSAGES / 3 && killed.compareAndSet(false, true)) {
                    Thread.ofVirtual().start(doomed::kill); // while the other senders' requests are in flight
                }
                String body = "{\"clientMsgId\":\"kill-" + String.format("%06d", i) + "\",\"text\":\"m" + i + "\"}";
                String first = killed.get() ? stack.apiUrl() : doomed.url();
                int status;
                try {
                    status = post(first, chat, ana.token, body);
                } catch (java.io.IOException e) {
                    // cut in the middle: maybe stored, maybe not; retry the same client id elsewhere
                    cut.incrementAndGet();
                    status = post(stack.apiUrlB(), chat, ana.token, body);
                    if (status == 200) {
                        answeredAgain.incrementAndGet(); // it had been stored before the process died
                    }
                }
                assertTrue(status == 201 || status == 200, "send " + i + ": " + status);
            });
        } finally {
            doomed.kill();
        }

        // what PostgreSQL holds: every client id once, seqs 1..N without a gap
        Map<Long, String> rows = stack.stored(chat);
        List<Long> expectedSeqs = new ArrayList<>();
        List<String> expectedIds = new ArrayList<>();
        for (int i = 1; i <= MESSAGES; i++) { // Parallel.run counts from 1
            expectedSeqs.add((long) i);
            expectedIds.add("kill-" + String.format("%06d", i));
        }
        // what bob's socket got, stored by seq as a client does. Delivery is at-least-once: a frame
        // may come twice (republished by a relay), and then it must be the same message again.
        Map<Long, String> held = new TreeMap<>();
        int duplicates = 0;
        int conflicts = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (held.size() < MESSAGES && System.nanoTime() < deadline) {
            ServerEvent.MessageCreated m = bobWs.poll(ServerEvent.MessageCreated.class, Duration.ofSeconds(2));
            if (m == null) {
                continue;
            }
            String before = held.putIfAbsent(m.seq(), m.message().clientMsgId());
            if (before != null) {
                duplicates++;
                if (!before.equals(m.message().clientMsgId())) {
                    conflicts++;
                }
            }
        }
        // a retry long after, on the other instance, is answered with the first send's seq
        String firstId = "kill-000001";
        TestClient.Response again = ana.via(stack.apiUrlB()).send(chat, firstId, "m0");
        System.out.printf("api killed mid-request: %d sends, %d cut by the kill and retried with the same client id "
                        + "(%d of them had been stored already and were answered 200); %d messages stored, seqs gapless: %s; "
                        + "bob's socket got %d of them (lost: %d), %d frames again (same message: %d, another message: %d)%n",
                MESSAGES, cut.get(), answeredAgain.get(), rows.size(), new ArrayList<>(rows.keySet()).equals(expectedSeqs),
                held.size(), MESSAGES - held.size(), duplicates, duplicates - conflicts, conflicts);
        assertEquals(expectedSeqs, new ArrayList<>(rows.keySet()), "seqs 1..N without a gap");
        assertEquals(expectedIds, rows.values().stream().sorted().toList(), "every client id stored once");
        assertEquals(200, again.status(), "a late retry is answered, not stored again: " + again.raw());
        assertEquals(rows.entrySet().stream().filter(e -> e.getValue().equals(firstId)).findFirst().orElseThrow().getKey(),
                again.body().get("seq").asLong(), "the retry gets the first send's seq");
        assertEquals(0, conflicts, "a frame that came again carried the same message");
        assertEquals(rows, held, "bob's socket got every stored message (0 lost), each at its seq (held once)");
    }

    private static int post(String api, UUID chat, String token, String body) throws java.io.IOException, InterruptedException {
        return TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/conversations/" + chat + "/messages"))
                        .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
