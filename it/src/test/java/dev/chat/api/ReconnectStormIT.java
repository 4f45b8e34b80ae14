package dev.chat.api;

import dev.chat.tokens.AccessTokens;
import dev.chat.tokens.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reconnect storm: 1,000 live sockets in 20 channels of 50 over both nodes, messages flowing;
 * 20% of the connections drop at once and reconnect straight away (each to either node). Every
 * device ends up holding every message of its channel exactly once, the reconnections are done
 * within 5 s, and the nodes stay responsive. Prints the figures.
 */
@ExtendWith(ChatServers.class)
class ReconnectStormIT {
    private static final int CHANNELS = 20;
    private static final int PER_CHANNEL = 50;
    private static final int MESSAGES_PER_CHANNEL = 30;
    private static final double DROPPED = 0.2;

    @Test
    void twentyPercentDropAtOnceAndNothingIsLostOrDoubled(ChatServers.Stack stack) throws Exception {
        TestClient owner = TestClient.signUp(stack.apiUrl(), "owner");
        List<UUID> channels = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            var group = owner.post("/api/groups", "{\"name\":\"Storm " + c + "\"}").body();
            channels.add(UUID.fromString(group.at("/channels/0/id").asText()));
            // 50 members written directly (signing up 1,000 people would only measure Argon2)
            try (Connection sql = stack.sql()) {
                sql.createStatement().execute("""
                        WITH u AS (INSERT INTO users (username, display_name, password_hash)
                                   SELECT 'storm_%d_' || i, 'Storm ' || i, 'x' FROM generate_series(1, %d) i RETURNING id),
                             g AS (INSERT INTO group_members (group_id, user_id, role) SELECT '%s', id, 'member' FROM u RETURNING user_id)
                        INSERT INTO conversation_members (conversation_id, user_id) SELECT '%s', user_id FROM g"""
                        .formatted(c, PER_CHANNEL, group.path("id").asText(), channels.get(c)));
            }
        }
        AccessTokens tokens = new AccessTokens(new Secret(ChatServers.TOKEN_SECRET), Duration.ofHours(1));
        List<SyncingDevice> devices = Collections.synchronizedList(new ArrayList<>());
        Random random = new Random(11);
        AtomicBoolean done = new AtomicBoolean();
        try (ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            try (Connection sql = stack.sql(); ResultSet rs = sql.createStatement().executeQuery(
                    "SELECT id, username FROM users WHERE username LIKE 'storm\\_%' ORDER BY username")) {
                int i = 0;
                List<Future<?>> connecting = new ArrayList<>();
                java.util.concurrent.Semaphore opening = new java.util.concurrent.Semaphore(50);
                while (rs.next()) {
                    UUID id = (UUID) rs.getObject(1);
                    String name = rs.getString(2);
                    UUID chat = channels.get(Integer.parseInt(name.split("_")[1]));
                    String first = i++ % 2 == 0 ? stack.wsUrlA() : stack.wsUrlB();
                    TestClient user = TestClient.withToken(stack.apiUrl(), name, tokens.issue(id, name, "user"), id);
                    connecting.add(readers.submit(() -> {
                        opening.acquire(); // the people come online over a few seconds, not in one instant
                        try {
                            devices.add(new SyncingDevice(user, chat, first,
                                    () -> ThreadLocalRandomUrl.pick(stack.wsUrlA(), stack.wsUrlB())));
                        } finally {
                            opening.release();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : connecting) {
                    f.get();
                }
            }
            assertEquals(CHANNELS * PER_CHANNEL, devices.size());
            devices.forEach(d -> readers.submit(() -> d.run(done)));

            // messages flow into every channel; a third of the way in, 20% of the connections drop at once
            long start = System.nanoTime();
            long dropAt = 0;
            for (int m = 1; m <= MESSAGES_PER_CHANNEL; m++) {
                if (m == MESSAGES_PER_CHANNEL / 3) {
                    List<SyncingDevice> victims = new ArrayList<>(devices);
                    Collections.shuffle(victims, random);
                    victims.subList(0, (int) (victims.size() * DROPPED)).forEach(SyncingDevice::dropConnection);
                    dropAt = System.nanoTime();
                }
                for (UUID chat : channels) {
                    assertEquals(201, owner.send(chat, "storm-" + chat.toString().substring(0, 8) + "-" + m, "m" + m).status());
                }
            }
            double sendSeconds = (System.nanoTime() - start) / 1e9;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && devices.stream().anyMatch(d -> !d.holdsExactly(MESSAGES_PER_CHANNEL))) {
                Thread.sleep(200);
            }
            double settledSeconds = (System.nanoTime() - dropAt) / 1e9;
            done.set(true);

            long reconnected = devices.stream().filter(d -> d.reconnects.get() > 0).count();
            long worst = devices.stream().mapToLong(d -> d.worstReconnectMillis.get()).max().orElse(-1);
            long complete = devices.stream().filter(d -> d.holdsExactly(MESSAGES_PER_CHANNEL)).count();
            int duplicates = devices.stream().mapToInt(d -> d.liveDuplicates.get()).sum();
            long readyMillis = readyMillis(stack);
            System.out.printf("reconnect storm: %d sockets in %d channels over 2 nodes, %d messages (%d deliveries) in %.1f s; "
                            + "%d connections dropped at once, %d reconnected, the slowest from drop to synced in %d ms; "
                            + "everyone complete %.1f s after the drop; %d of %d devices hold every message once; "
                            + "%d duplicate live frames; node readiness answered in %d ms%n",
                    devices.size(), CHANNELS, CHANNELS * MESSAGES_PER_CHANNEL, CHANNELS * MESSAGES_PER_CHANNEL * PER_CHANNEL,
                    sendSeconds, (int) (devices.size() * DROPPED), reconnected, worst, settledSeconds, complete, devices.size(),
                    duplicates, readyMillis);

            assertEquals(devices.size(), complete, "every device holds every message of its channel");
            assertEquals(0, devices.stream().mapToInt(SyncingDevice::heldTwice).sum(), "no device holds a message twice");
            assertEquals((int) (devices.size() * DROPPED), reconnected, "the dropped connections came back");
            assertTrue(worst <= 5_000, "reconnected and synced within 5 s: " + worst + " ms");
            assertTrue(readyMillis < 1_000, "the nodes stay responsive");
        } finally {
            done.set(true);
        }
    }

    private static long readyMillis(ChatServers.Stack stack) throws Exception {
        long worst = 0;
        for (int port : new int[]{stack.nodeA().port(), stack.nodeB().port()}) {
            long t = System.nanoTime();
            HttpResponse<String> r = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            worst = Math.max(worst, (System.nanoTime() - t) / 1_000_000);
        }
        return worst;
    }

    /** Where a reconnecting client lands: either node, as nginx's round robin would send it. */
    private static final class ThreadLocalRandomUrl {
        static String pick(String a, String b) {
            return java.util.concurrent.ThreadLocalRandom.current().nextBoolean() ? a : b;
        }
    }
}
