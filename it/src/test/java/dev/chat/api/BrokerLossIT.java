package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One node of the three-node RabbitMQ cluster of {@code ./chat test} killed with {@code kill -9}
 * while messages flow between people on both ws-nodes: the node killed is the one ws-node A is
 * connected to, so A's own queue dies with it. A and the api instances reconnect to a surviving
 * node by themselves (A declares its queue and bindings there and its clients resync), nothing
 * accepted is lost or held twice by anyone, no api or ws-node is restarted, and the killed node
 * brought back rejoins the cluster. Prints the figures.
 */
@ExtendWith(ChatServers.class)
class BrokerLossIT {
    private static final int MEMBERS = 6;

    @Test
    void aBrokerNodeKilledUnderLoadLosesNothing(ChatServers.Stack stack) throws Exception {
        String chatScript = System.getProperty("chat.it.chat");
        String pids = System.getProperty("chat.e2e.pids");
        assertNotNull(chatScript, "run with ./chat test, which passes chat.it.chat and chat.e2e.pids");
        assertTrue(stack.amqp().addresses().size() >= 3, "./chat test runs a cluster of three brokers: " + stack.amqp());
        Map<String, String> before = brokers(chatScript);
        assertEquals(3, before.values().stream().filter("running"::equals).count(), "three brokers running: " + before);
        String victim = before.get("connection ws-node-" + stack.nodeAId());
        assertNotNull(victim, "ws-node A's connection is on some broker: " + before);
        List<String> alsoThere = before.entrySet().stream()
                .filter(e -> e.getKey().startsWith("connection ") && e.getValue().equals(victim)).map(Map.Entry::getKey).toList();

        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        JsonNode group = ana.post("/api/groups", "{\"name\":\"Cluster\"}").body();
        UUID chat = UUID.fromString(group.at("/channels/0/id").asText());
        List<SyncingDevice> devices = new ArrayList<>();
        List<SyncingDevice> onA = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            TestClient member = TestClient.signUp(stack.apiUrl(), "member" + i);
            assertEquals(201, ana.post("/api/groups/" + group.path("id").asText() + "/members",
                    "{\"username\":\"member" + i + "\"}").status());
            // half on node A (whose broker dies), half on B; each comes back to the node it was on
            String node = i % 2 == 0 ? stack.wsUrlA() : stack.wsUrlB();
            devices.add(new SyncingDevice(member, chat, node, () -> node));
            if (i % 2 == 0) {
                onA.add(devices.getLast());
            }
        }
        Map<Long, String> accepted = new ConcurrentSkipListMap<>();
        AtomicInteger retried = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicBoolean done = new AtomicBoolean();
        long killedAt;
        double backSeconds;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor(); Stop stop = () -> {
            done.set(true); // before the executor's close waits for its threads: they end on these
            sending.set(false);
        }) {
            devices.forEach(d -> threads.submit(() -> d.run(done)));
            // two senders, one through each api instance; a refused send is retried with its client id
            List<java.util.concurrent.Future<?>> senders = new ArrayList<>();
            for (TestClient sender : List.of(ana, ana.via(stack.apiUrlB()))) {
                String prefix = sender == ana ? "a" : "b";
                senders.add(threads.submit(() -> {
                    for (int i = 1; sending.get(); i++) {
                        String id = String.format("loss-%s-%06d", prefix, i);
                        accepted.put(sendUntilAccepted(sender, chat, id, retried), id);
                        Thread.sleep(40);
                    }
                    return null;
                }));
            }
            ChatServers.waitFor(() -> accepted.size() >= 40, Duration.ofSeconds(30), "messages flowing before the kill");
            killedAt = System.nanoTime();
            kill(Path.of(pids, (victim.equals("broker-1") ? "rabbitmq" : "rabbitmq-" + victim.substring(7)) + ".pid"));
            // ws-node A lost its queue: it closed its sessions (1013), and its clients are back on it once
            // it has a connection, its queue and its bindings on a surviving node
            ChatServers.waitFor(() -> onA.stream().allMatch(d -> d.reconnects.get() > 0)
                    && ready("http://127.0.0.1:" + stack.nodeA().port()), Duration.ofSeconds(60), "node A's clients back on it");
            backSeconds = (System.nanoTime() - killedAt) / 1e9;
            int atRecovery = accepted.size();
            ChatServers.waitFor(() -> accepted.size() >= atRecovery + 60, Duration.ofSeconds(60), "messages flowing after the recovery");
            sending.set(false);
            for (java.util.concurrent.Future<?> f : senders) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS); // each last send accepted (or the test fails here)
            }
            ChatServers.waitFor(() -> devices.stream().allMatch(d -> d.held.containsAll(accepted.keySet())), Duration.ofSeconds(60),
                    "every device holds every accepted message");
        }
        Map<Long, String> rows = stack.stored(chat);
        long lost = devices.stream().mapToLong(d -> accepted.keySet().stream().filter(s -> !d.held.contains(s)).count()).sum();
        int heldTwice = devices.stream().mapToInt(SyncingDevice::heldTwice).sum();
        System.out.printf("kill -9 of %s (ws-node A's broker; also on it: %s) under load: %d messages accepted, %d sends retried; "
                        + "ws-node A ready again %.1f s after the kill; %d devices reconnected; %d lost, %d held twice, "
                        + "%d live frames already held (dropped by seq)%n",
                victim, alsoThere, accepted.size(), retried.get(), backSeconds,
                devices.stream().filter(d -> d.reconnects.get() > 0).count(), lost, heldTwice,
                devices.stream().mapToInt(d -> d.liveDuplicates.get()).sum());
        assertEquals(new TreeMap<>(accepted), rows, "PostgreSQL holds every accepted message once, seq 1..N");
        String nodeABroker = brokers(chatScript).get("connection ws-node-" + stack.nodeAId());
        assertTrue(nodeABroker != null && !nodeABroker.equals(victim), "ws-node A is connected to a surviving broker: " + nodeABroker);
        for (SyncingDevice d : devices) {
            assertEquals(rows, new TreeMap<>(d.stored), () -> d.user.username + ": " + d.trail);
            assertEquals(0, d.heldTwice(), () -> d.user.username + " holds a message twice: " + d.trail);
        }
        // no api or ws-node was restarted: the same processes answer
        for (String url : List.of(stack.apiUrl(), stack.apiUrlB(), "http://127.0.0.1:" + stack.nodeA().port(),
                "http://127.0.0.1:" + stack.nodeB().port())) {
            assertTrue(ready(url), url + " ready");
        }

        // the killed node, started again, rejoins the cluster
        Process restart = new ProcessBuilder(chatScript, "restart", victim, "test").redirectErrorStream(true).start();
        String said = new String(restart.getInputStream().readAllBytes());
        assertEquals(0, restart.waitFor(), said);
        Map<String, String> after = brokers(chatScript);
        assertEquals("running", after.get(victim), "the killed node rejoined: " + after);
        assertEquals(3, after.values().stream().filter("running"::equals).count(), "three brokers running: " + after);
    }

    /** Run when the test's threads must end, before their executor waits for them (resources close in reverse order). */
    private interface Stop extends AutoCloseable {
        @Override
        void close();
    }

    private static long sendUntilAccepted(TestClient sender, UUID chat, String id, AtomicInteger retried) throws InterruptedException {
        for (int attempt = 0; attempt < 100; attempt++) {
            TestClient.Response r = sender.send(chat, id, id);
            if (r.status() == 201 || r.status() == 200) {
                return r.body().path("seq").asLong();
            }
            assertTrue(r.status() == 503 || r.status() == 502, "a refusal a retry carries: " + r.raw());
            retried.incrementAndGet();
            Thread.sleep(200);
        }
        throw new AssertionError("never accepted: " + id);
    }

    /** {@code ./chat brokers test}: "broker-K" -> running|stopped, "connection NAME" -> broker-K. */
    private static Map<String, String> brokers(String chatScript) {
        String out;
        try {
            Process p = new ProcessBuilder(chatScript, "brokers", "test").redirectErrorStream(true).start();
            out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<String, String> m = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f[0].startsWith("broker-") && f.length == 4) {
                m.put(f[0], f[3]);
            } else if (f[0].equals("connection") && f.length == 3) {
                m.put("connection " + f[1], f[2]);
            }
        }
        return m;
    }

    /** kill -9 of the broker's whole process group (the Erlang VM and its helpers), as a machine dying does. */
    private static void kill(Path pidFile) throws Exception {
        String pid = Files.readString(pidFile).trim();
        Process p = new ProcessBuilder("kill", "-KILL", "--", "-" + pid).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
    }

    private static boolean ready(String url) {
        try {
            return TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(url + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
