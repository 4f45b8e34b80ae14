package dev.chat.api;

import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import dev.chat.tokens.AccessTokens;
import dev.chat.tokens.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fan-out at 500: one channel, 500 members, every member online with one WebSocket, half on each
 * ws-node. Prints (and writes to target/benchmark-fanout.txt) the time from send to the LAST of the
 * 500 sockets receiving the message, p50/p99 over sequential sends, and the rate sustained into the
 * channel when senders push as fast as they can. Run with {@code ./chat bench}; not part of CI.
 */
@ExtendWith(ChatServers.class)
class FanOutBenchmark {
    private static final int MEMBERS = 500;
    private static final int WARMUP = 20;
    private static final int SEQUENTIAL = 200;
    private static final Duration SUSTAINED = Duration.ofSeconds(10);

    /** Per message: how many sockets have it, and when the last one got it. */
    private record Arrival(AtomicInteger count, AtomicLong lastNanos) {
    }

    private final ConcurrentHashMap<Long, Arrival> arrivals = new ConcurrentHashMap<>();

    @Test
    void fanOutToFiveHundredLiveSessions(ChatServers.Stack stack) throws Exception {
        TestClient owner = TestClient.signUp(stack.apiUrl(), "owner");
        String group = owner.post("/api/groups", "{\"name\":\"Five hundred\"}").body().get("id").asText();
        UUID channel = UUID.fromString(owner.get("/api/conversations").body().at("/conversations/0/id").asText());

        // 499 more members, written directly (signing up through Argon2 would only measure Argon2)
        List<UUID> members = new ArrayList<>();
        List<String> names = new ArrayList<>();
        members.add(owner.id);
        names.add("owner");
        try (Connection c = stack.sql()) {
            c.createStatement().execute("""
                    WITH u AS (INSERT INTO users (username, display_name, password_hash)
                               SELECT 'member_' || i, 'Member ' || i, 'x' FROM generate_series(1, %d) i RETURNING id),
                         g AS (INSERT INTO group_members (group_id, user_id, role) SELECT '%s', id, 'member' FROM u RETURNING user_id)
                    INSERT INTO conversation_members (conversation_id, user_id) SELECT '%s', user_id FROM g"""
                    .formatted(MEMBERS - 1, group, channel));
            try (ResultSet rs = c.createStatement().executeQuery("SELECT id, username FROM users WHERE username LIKE 'member\\_%' ORDER BY username")) {
                while (rs.next()) {
                    members.add((UUID) rs.getObject(1));
                    names.add(rs.getString(2));
                }
            }
        }
        assertEquals(MEMBERS, members.size());

        // every member online: half the sockets on each node
        AccessTokens tokens = new AccessTokens(new Secret(ChatServers.TOKEN_SECRET), Duration.ofHours(1));
        List<WebSocket> sockets = new ArrayList<>();
        CountDownLatch welcomed = new CountDownLatch(MEMBERS);
        for (int i = 0; i < MEMBERS; i++) {
            String url = i % 2 == 0 ? stack.wsUrlA() : stack.wsUrlB();
            sockets.add(TestClient.HTTP.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + tokens.issue(members.get(i), names.get(i), "user"))
                    .buildAsync(URI.create(url), new Counter(welcomed)).join());
        }
        if (!welcomed.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("not all sockets were welcomed: " + welcomed.getCount() + " missing");
        }

        // sequential sends: latency from send to the last of the 500 sockets
        long[] latencies = new long[SEQUENTIAL];
        for (int i = 0; i < WARMUP + SEQUENTIAL; i++) {
            long start = System.nanoTime();
            long seq = owner.send(channel, "seq-" + i + "-" + UUID.randomUUID(), "message " + i).body().get("seq").asLong();
            Arrival a = awaitAll(seq, Duration.ofSeconds(10));
            if (i >= WARMUP) {
                latencies[i - WARMUP] = a.lastNanos().get() - start;
            }
        }
        Arrays.sort(latencies);

        // sustained: 8 senders as fast as the service accepts for SUSTAINED, then wait for delivery
        long before = arrivals.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        AtomicInteger sent = new AtomicInteger();
        long t0 = System.nanoTime();
        long deadline = t0 + SUSTAINED.toNanos();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int s = 0; s < 8; s++) {
                TestClient sender = s % 2 == 0 ? owner : owner.via(stack.apiUrlB());
                pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        sender.send(channel, "load-" + UUID.randomUUID(), "load");
                        sent.incrementAndGet();
                    }
                });
            }
        }
        long lastSeq = before + sent.get();
        awaitAll(lastSeq, Duration.ofSeconds(120));
        long fullyDelivered = arrivals.values().stream().mapToLong(a -> a.lastNanos().get()).max().orElse(t0);
        double seconds = (fullyDelivered - t0) / 1e9;
        double rate = sent.get() / seconds;

        String report = """
                fan-out to %d live sessions in one channel (2 api, 2 ws-nodes, RabbitMQ, PostgreSQL, Memcached on this machine)
                  send -> last of %d sockets, %d sequential sends: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms
                  sustained: %d messages in %.1f s (8 senders, every one delivered to all %d) = %.0f messages/s = %.0f deliveries/s
                """.formatted(MEMBERS, MEMBERS, SEQUENTIAL, ms(latencies, 0.50), ms(latencies, 0.90), ms(latencies, 0.99),
                latencies[latencies.length - 1] / 1e6, sent.get(), seconds, MEMBERS, rate, rate * MEMBERS);
        System.out.println(report);
        Files.writeString(Path.of("target", "benchmark-fanout.txt"), report);
        sockets.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "done"));
    }

    private Arrival awaitAll(long seq, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            Arrival a = arrivals.get(seq);
            if (a != null && a.count().get() >= MEMBERS) {
                return a;
            }
            Thread.sleep(0, 200_000);
        }
        Arrival a = arrivals.get(seq);
        throw new AssertionError("seq " + seq + " reached " + (a == null ? 0 : a.count().get()) + " of " + MEMBERS + " sockets");
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    /** Counts message.created arrivals per seq; notes the welcome. */
    private final class Counter implements WebSocket.Listener {
        private final CountDownLatch welcomed;
        private final StringBuilder partial = new StringBuilder();

        Counter(CountDownLatch welcomed) {
            this.welcomed = welcomed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = System.nanoTime();
                String text = partial.toString();
                partial.setLength(0);
                switch (TestClient.EVENTS.decode(text)) {
                    case ServerFrame.Welcome w -> welcomed.countDown();
                    case ServerEvent.MessageCreated m -> {
                        Arrival a = arrivals.computeIfAbsent(m.seq(), s -> new Arrival(new AtomicInteger(), new AtomicLong()));
                        a.lastNanos().accumulateAndGet(now, Math::max);
                        a.count().incrementAndGet();
                    }
                    case ServerEvent e -> {
                        // membership and presence of the others: not what this measures
                    }
                    case ServerFrame f -> throw new AssertionError("no frame of ours is answered here: " + f);
                }
            }
            ws.request(1);
            return null;
        }
    }
}
