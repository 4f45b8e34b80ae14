package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading (a phone in a tunnel with the socket still up): its bounded send
 * queue overflows and the node closes it with 4429; a reader on the same node and in the same
 * channel gets every message meanwhile, and the node's memory does not keep what the slow client
 * did not take.
 */
@ExtendWith(ChatServers.class)
class SlowConsumerIT {
    private static final int MESSAGES = 2_000;
    private static final String TEXT = "x".repeat(3_000);

    @Test
    void aClientThatStopsReadingIsClosedWith4429AndTheOthersGetEverything(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        JsonNode group = ana.post("/api/groups", "{\"name\":\"Busy\"}").body();
        String g = group.path("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}");
        java.util.UUID channel = java.util.UUID.fromString(group.at("/channels/0/id").asText());

        int port = stack.nodeA().port();
        RawWebSocket slow = RawWebSocket.open(port, bob.token, 2_048);
        assertNotNull(slow.next(Duration.ofSeconds(5)), "bob's welcome");
        // ... and bob reads nothing more
        TestClient.Socket reader = cyd.connect(stack.wsUrlA());
        reader.next(ServerFrame.Welcome.class, Duration.ofSeconds(5));

        long start = System.nanoTime();
        Parallel.run(4, MESSAGES, i -> assertEquals(201, ana.send(channel, String.format("slow-%06d", i), TEXT).status()));
        double sendSeconds = (System.nanoTime() - start) / 1e9;

        TreeSet<Long> got = new TreeSet<>();
        int duplicates = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (got.size() < MESSAGES && System.nanoTime() < deadline) {
            ServerEvent.MessageCreated m = reader.poll(ServerEvent.MessageCreated.class, Duration.ofSeconds(2));
            if (m != null && !got.add(m.seq())) {
                duplicates++;
            }
        }
        double readerSeconds = (System.nanoTime() - start) / 1e9;

        int taken = 0;
        RawWebSocket.Outcome end = null;
        for (RawWebSocket.Outcome o = slow.next(Duration.ofSeconds(5)); o != null; o = slow.next(Duration.ofSeconds(5))) {
            if (o.kind().equals("opcode-9") || o.kind().equals("opcode-10")) {
                continue; // the node's keep-alive ping (or a pong) on a long run: not an end
            }
            if (!o.kind().equals("text")) {
                end = o;
                break;
            }
            taken++;
        }
        slow.close();
        System.out.printf("slow consumer: %d messages of %d chars sent in %.1f s; the reader on the same node had all of them "
                        + "after %.1f s (%d duplicates); the slow client took %d frames, then: %s%n",
                MESSAGES, TEXT.length(), sendSeconds, readerSeconds, duplicates, taken, end);

        assertEquals(MESSAGES, got.size(), "the reader got every message");
        assertEquals(0, duplicates);
        assertNotNull(end, "the slow client's connection ended");
        // 4429 when the close frame could be written; a client that reads nothing at all has a full
        // socket, and after 2 s its connection is dropped instead
        assertTrue(end.kind().equals("close") && end.code() == 4429 || end.kind().equals("eof") || end.kind().equals("reset"),
                "closed as too slow: " + end);
        assertTrue(taken < MESSAGES, "the slow client did not take everything: " + taken);
    }
}
