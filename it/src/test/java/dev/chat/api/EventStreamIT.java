package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ToClient;
import dev.chat.protocol.TypingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP fallback's server half (docs/PROTOCOL.md, "Without WebSockets"): a Server-Sent Events
 * stream served by the ws-nodes carries the socket's frames from the same welcome on, and frames
 * posted to a node are handed to api as a socket's are. A socket user and a stream user talk both
 * ways, each once, each on another node; the stream and the posts authenticate like the socket.
 */
@ExtendWith(ChatServers.class)
class EventStreamIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aSocketUserAndAnEventStreamUserTalkBothWaysInOrder(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Inbox anaWs = new TestClient.Inbox(ana.connect(stack.wsUrlA()));
        anaWs.take(ServerFrame.Welcome.class, WAIT);
        String nodeB = "http://127.0.0.1:" + stack.nodeB().port();
        String nodeA = "http://127.0.0.1:" + stack.nodeA().port();
        try (EventSource bobStream = EventSource.open(nodeB + "/events", "Bearer " + bob.token)) {
            assertEquals(200, bobStream.status);
            assertTrue(bobStream.contentType.startsWith("text/event-stream"), bobStream.contentType);
            ServerFrame.Welcome welcome = bobStream.next(ServerFrame.Welcome.class);
            assertEquals(bob.id, welcome.userId());
            assertEquals(stack.nodeBId(), welcome.node());

            for (int i = 1; i <= 5; i++) {
                anaWs.send(new ClientFrame.Send("a" + i, chat, String.format("sock-%06d", i), "from the socket " + i));
                assertEquals((long) i, assertInstanceOf(ServerFrame.Ack.class, anaWs.reply("a" + i, WAIT)).seq());
            }
            List<Long> atBob = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                ServerEvent.MessageCreated m = bobStream.next(ServerEvent.MessageCreated.class);
                assertEquals("from the socket " + m.seq(), m.message().text());
                atBob.add(m.seq());
            }
            // every one, once; live events may come out of seq order (PROTOCOL.md, "Staying in sync")
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), atBob.stream().sorted().toList(), "each on the stream once: " + atBob);

            // bob answers by posting frames, to the other node: handed to api as a socket's
            for (int i = 6; i <= 10; i++) {
                TestClient.Response r = post(nodeA, bob.token, TestClient.FRAMES.encode(
                        new ClientFrame.Send("b" + i, chat, String.format("sse-%06d", i), "from the stream " + i)));
                assertEquals(200, r.status(), r.raw());
                assertEquals("ack", r.body().path("type").asText(), r.raw());
                assertEquals("b" + i, r.body().path("id").asText());
                assertEquals(i, r.body().path("seq").asLong());
            }
            List<Long> atAna = new ArrayList<>();
            List<Long> echoed = new ArrayList<>();
            for (int i = 6; i <= 10; i++) {
                atAna.add(anaWs.take(ServerEvent.MessageCreated.class, m -> m.seq() > 5, WAIT).seq()); // past her own 1-5
                echoed.add(bobStream.next(ServerEvent.MessageCreated.class).seq()); // every device of bob's
            }
            assertEquals(List.of(6L, 7L, 8L, 9L, 10L), atAna.stream().sorted().toList(), "each on the socket once: " + atAna);
            assertEquals(List.of(6L, 7L, 8L, 9L, 10L), echoed.stream().sorted().toList(), "each on bob's stream once: " + echoed);

            // the socket's other frames work the same way: typing (no answer), a ping
            TestClient.Response typing = post(nodeB, bob.token,
                    TestClient.FRAMES.encode(new ClientFrame.Typing("t1", chat, TypingState.START)));
            assertEquals(204, typing.status(), typing.raw());
            assertEquals(bob.id, anaWs.take(ServerEvent.Typing.class, WAIT).user());
            TestClient.Response pong = post(nodeB, bob.token, "{\"type\":\"ping\",\"id\":\"p1\"}");
            assertEquals("pong", pong.body().path("type").asText());
            assertEquals("p1", pong.body().path("id").asText());
            // a refusal is the socket's error frame, and changes nothing
            TestClient.Response refused = post(nodeB, bob.token, TestClient.FRAMES.encode(
                    new ClientFrame.Send("b11", UUID.randomUUID(), "sse-000011", "to nowhere")));
            assertEquals(200, refused.status());
            assertEquals("error", refused.body().path("type").asText(), refused.raw());
            assertEquals("b11", refused.body().path("id").asText());
            assertEquals(10, ana.get("/api/conversations/" + chat + "/messages").body().path("messages").size());
        }
    }

    @Test
    void theStreamAndItsFramesAuthenticateLikeTheSocket(ChatServers.Stack stack) throws Exception {
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        String node = "http://127.0.0.1:" + stack.nodeA().port();
        try (EventSource anonymous = EventSource.open(node + "/events", null)) {
            assertEquals(401, anonymous.status);
            assertEquals("unauthenticated", anonymous.problemCode());
        }
        try (EventSource forged = EventSource.open(node + "/events", "Bearer not.a.token")) {
            assertEquals(401, forged.status);
        }
        HttpRequest otherOrigin = HttpRequest.newBuilder(URI.create(node + "/events")).timeout(WAIT)
                .header("Authorization", "Bearer " + bob.token).header("Origin", "https://evil.example").GET().build();
        HttpResponse<String> refused = TestClient.HTTP.send(otherOrigin, HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode());
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));

        assertEquals(401, post(node, null, "{\"type\":\"ping\",\"id\":\"p1\"}").status());
        HttpRequest plain = HttpRequest.newBuilder(URI.create(node + "/events/frames")).timeout(WAIT)
                .header("Authorization", "Bearer " + bob.token).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"ping\",\"id\":\"p1\"}")).build();
        assertEquals(415, TestClient.HTTP.send(plain, HttpResponse.BodyHandlers.ofString()).statusCode());
        TestClient.Response tooBig = post(node, bob.token, "{\"type\":\"ping\",\"id\":\"" + "x".repeat(70_000) + "\"}");
        assertEquals(413, tooBig.status());
        TestClient.Response garbage = post(node, bob.token, "{not json");
        assertEquals(200, garbage.status());
        assertEquals("error", garbage.body().path("type").asText());
        assertEquals("malformed_json", garbage.body().path("code").asText(), garbage.raw());
        // posted frames are held to the socket's rate (a burst of 200, then 50 a second)
        java.util.concurrent.atomic.AtomicInteger limited = new java.util.concurrent.atomic.AtomicInteger();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 400; i++) {
                String ping = "{\"type\":\"ping\",\"id\":\"q" + i + "\"}";
                threads.submit(() -> {
                    TestClient.Response r = post(node, bob.token, ping);
                    if (r.status() == 200 && "rate_limited".equals(r.body().path("code").asText())) {
                        limited.incrementAndGet();
                    }
                });
            }
        }
        assertTrue(limited.get() > 0, "400 frames at once, past the socket's burst of 200, are not all taken");
    }

    private static TestClient.Response post(String node, String token, String frame) {
        return TestClient.request(node, "POST", "/events/frames", token, frame);
    }

    /** A Server-Sent Events reader: each {@code data:} line read into the protocol's records. */
    private static final class EventSource implements AutoCloseable {
        final int status;
        final String contentType;
        final BlockingQueue<ToClient> frames = new LinkedBlockingQueue<>();
        final StringBuilder body = new StringBuilder();
        private final CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> call;

        private EventSource(CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> call) throws Exception {
            this.call = call;
            HttpResponse<java.util.stream.Stream<String>> res = call.get(10, TimeUnit.SECONDS);
            this.status = res.statusCode();
            this.contentType = res.headers().firstValue("Content-Type").orElse("");
            if (status != 200) {
                res.body().forEach(body::append); // a problem: short, and ends
                return;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    res.body().filter(line -> line.startsWith("data: "))
                            .forEach(line -> frames.add(TestClient.EVENTS.decode(line.substring(6))));
                } catch (RuntimeException e) {
                    // the stream was closed
                }
            });
        }

        static EventSource open(String url, String authorization) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            return new EventSource(TestClient.HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()));
        }

        <T extends ToClient> T next(Class<T> type) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                ToClient f = frames.poll(100, TimeUnit.MILLISECONDS);
                if (type.isInstance(f)) {
                    return type.cast(f);
                }
            }
            throw new AssertionError("no " + type.getSimpleName() + " on the event stream within " + WAIT);
        }

        String problemCode() throws Exception {
            JsonNode p = TestClient.MAPPER.readTree(body.toString());
            return p.path("code").asText();
        }

        @Override
        public void close() throws IOException {
            call.thenAccept(res -> res.body().close());
        }
    }
}
