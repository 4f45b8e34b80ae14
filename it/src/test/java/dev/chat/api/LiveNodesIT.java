package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ToClient;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes in and out of the running {@code ./chat test} stack while messages flow, everyone through
 * nginx's TLS as a browser is: two people send over their sockets (each send carried by a ws-node's
 * hand-off to api, retried with its client id when refused or cut), the others' devices hold what
 * arrives and catch up after each reconnect ({@link SyncingDevice}). In one scenario:
 * {@code ./chat add ws} and a client connecting through nginx is welcomed by the new node;
 * {@code ./chat remove} of it and its clients are closed with 1001 and welcomed by the others within
 * seconds; {@code ./chat add api} and the running ws-nodes hand frames to it without a restart (its
 * own counter of frames handed off grows); {@code ./chat remove} of it and no send is refused but
 * with the 503 a retry carries. In the end every device holds every accepted message once, and the
 * history holds each client id once, seq 1..N. The stack is left as it was (the added node and
 * instance are the ones removed). Prints the figures.
 */
class LiveNodesIT {
    private static final int RECEIVERS = 6;
    private static final Pattern ADDED = Pattern.compile("(ws|api)-(\\d+) is up");

    @Test
    void nodesAddedAndRemovedUnderLoadLoseNothing() throws Exception {
        String script = System.getProperty("chat.it.chat");
        String url = System.getProperty("chat.e2e.url");
        assertNotNull(script, "run with ./chat test, which passes chat.it.chat and chat.e2e.url");
        assertNotNull(url);
        String wss = url.replaceFirst("^https:", "wss:") + "/ws";
        String run = UUID.randomUUID().toString().substring(0, 6);
        TestClient ana = TestClient.signUp(url, "live" + run + "ana");
        TestClient ben = TestClient.signUp(url, "live" + run + "ben");
        JsonNode group = ana.post("/api/groups", "{\"name\":\"Live nodes\"}").body();
        UUID chat = UUID.fromString(group.at("/channels/0/id").asText());
        AtomicInteger people = new AtomicInteger();
        java.util.function.Supplier<TestClient> member = () -> {
            TestClient m = TestClient.signUp(url, "live" + run + "m" + people.incrementAndGet());
            assertEquals(201, ana.post("/api/groups/" + group.path("id").asText() + "/members",
                    "{\"username\":\"" + m.username + "\"}").status());
            return m;
        };
        assertEquals(201, ana.post("/api/groups/" + group.path("id").asText() + "/members",
                "{\"username\":\"" + ben.username + "\"}").status());
        List<SyncingDevice> devices = new ArrayList<>();
        for (int i = 0; i < RECEIVERS; i++) {
            devices.add(new SyncingDevice(member.get(), chat, wss, () -> wss));
        }
        Map<Long, String> accepted = new ConcurrentSkipListMap<>();
        List<Sender> senders = List.of(new Sender(ana, chat, wss, "a", accepted), new Sender(ben, chat, wss, "b", accepted));
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicBoolean done = new AtomicBoolean();
        String ws = null;
        String api = null;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor(); Stop stop = () -> {
            done.set(true); // before the executor's close waits for its threads: they end on these
            sending.set(false);
        }) {
            devices.forEach(d -> threads.submit(() -> d.run(done)));
            List<Future<?>> sent = senders.stream().map(s -> threads.submit(() -> s.run(sending))).collect(
                    java.util.stream.Collectors.toList());
            ChatServers.waitFor(() -> accepted.size() >= 30, Duration.ofSeconds(30), "messages flowing");

            // 1. a ws-node added: a client connecting through nginx is welcomed by it, and gets messages there
            String newNode = added(chat(script, "add", "ws"), "ws");
            ws = newNode;
            List<SyncingDevice> onNew = new ArrayList<>();
            for (int tries = 0; tries < 15 && onNew.size() < 2; tries++) {
                SyncingDevice d = new SyncingDevice(member.get(), chat, wss, () -> wss);
                d.sync(); // from the first message: it joins late
                devices.add(d);
                threads.submit(() -> d.run(done));
                if (newNode.equals(d.node)) {
                    onNew.add(d);
                }
            }
            assertEquals(2, onNew.size(), "clients connecting through nginx welcomed by " + newNode);
            SyncingDevice newcomer = onNew.getFirst();
            int heldThen = newcomer.held.size();
            ChatServers.waitFor(() -> newcomer.held.size() >= heldThen + 10 && newNode.equals(newcomer.node), Duration.ofSeconds(30),
                    "messages delivered on " + newNode);
            List<SyncingDevice> movedAway = new ArrayList<>();
            for (SyncingDevice d : devices) {
                if (newNode.equals(d.node)) {
                    movedAway.add(d);
                }
            }

            // 2. that ws-node removed: its clients are closed with 1001 and welcomed by the others
            long removedAt = System.nanoTime();
            chat(script, "remove", newNode);
            ChatServers.waitFor(() -> movedAway.stream().allMatch(d -> d.reconnects.get() > 0 && !newNode.equals(d.node)),
                    Duration.ofSeconds(30), "the clients of " + newNode + " welcomed by another node");
            double movedSeconds = (System.nanoTime() - removedAt) / 1e9;
            for (SyncingDevice d : movedAway) {
                assertTrue(d.trail.stream().anyMatch(t -> t.contains("closed (1001)")), () -> "closed with 1001: " + d.trail);
            }
            ws = null;

            // 3. an api instance added: the running ws-nodes hand frames to it (their configured list has only api-1)
            api = added(chat(script, "add", "api"), "api");
            Map<String, Integer> ports = ports(script);
            String apiMetrics = "http://127.0.0.1:" + ports.get(api) + "/metrics";
            List<String> nodes = ports.keySet().stream().filter(n -> n.startsWith("ws-")).toList();
            ChatServers.waitFor(() -> nodes.stream().allMatch(n -> metric("http://127.0.0.1:" + ports.get(n) + "/metrics",
                    "chat_handoff_api_instances") == 2), Duration.ofSeconds(30), "every ws-node handing frames to two api instances");
            ChatServers.waitFor(() -> metric(apiMetrics, "chat_handoff_frames_total") >= 20, Duration.ofSeconds(30),
                    "frames handed off to " + api);
            double handedToNew = metric(apiMetrics, "chat_handoff_frames_total");

            // 4. that api instance removed under load: sends go on, refused at most with a 503 that a retry carries
            int atRemoval = accepted.size();
            chat(script, "remove", api);
            api = null;
            ChatServers.waitFor(() -> nodes.stream().allMatch(n -> metric("http://127.0.0.1:" + ports.get(n) + "/metrics",
                    "chat_handoff_api_instances") == 1), Duration.ofSeconds(30), "every ws-node handing frames to one api instance");
            ChatServers.waitFor(() -> accepted.size() >= atRemoval + 60, Duration.ofSeconds(60), "messages flowing after the removal");
            sending.set(false);
            for (Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS); // each last send accepted (or the test fails here)
            }
            ChatServers.waitFor(() -> devices.stream().allMatch(d -> d.held.containsAll(accepted.keySet())), Duration.ofSeconds(60),
                    "every device holds every accepted message");
            done.set(true);

            Map<Long, String> history = history(ana, chat);
            long lost = devices.stream().mapToLong(d -> accepted.keySet().stream().filter(s -> !d.held.contains(s)).count()).sum();
            int heldTwice = devices.stream().mapToInt(SyncingDevice::heldTwice).sum();
            System.out.printf("nodes in and out under load: %d messages accepted from 2 senders to %d devices; %s's %d clients "
                            + "welcomed elsewhere %.1f s after its removal began; %.0f frames handed to the added api instance; "
                            + "sends refused with 503 and retried: %d, sent again after a lost socket: %d, refused otherwise: %s; "
                            + "%d lost, %d held twice, %d live frames already held (dropped by seq)%n",
                    accepted.size(), devices.size(), newNode, movedAway.size(), movedSeconds, handedToNew,
                    senders.stream().mapToInt(s -> s.retried.get()).sum(), senders.stream().mapToInt(s -> s.resent.get()).sum(),
                    senders.stream().flatMap(s -> s.refused.stream()).toList(), lost, heldTwice,
                    devices.stream().mapToInt(d -> d.liveDuplicates.get()).sum());
            for (Sender s : senders) {
                assertEquals(List.of(), List.copyOf(s.refused), "refusals no retry carries");
            }
            assertEquals(new TreeMap<>(accepted), history, "the history holds every accepted message once, seq 1..N");
            assertEquals(accepted.size(), history.keySet().stream().mapToLong(Long::longValue).max().orElse(0), "no gap");
            for (SyncingDevice d : devices) {
                assertEquals(history, new TreeMap<>(d.stored), () -> d.user.username + ": " + d.trail);
                assertEquals(0, d.heldTwice(), () -> d.user.username + " holds a message twice: " + d.trail);
            }
        } finally {
            // the stack as it was for the classes after this one, whatever happened
            for (String left : new String[] {ws, api}) {
                if (left != null) {
                    new ProcessBuilder(script, "remove", left, "test").redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Run when the test's threads must end, before their executor waits for them (resources close in reverse order). */
    private interface Stop extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * One person sending over a socket through nginx, as the web client's outbox does: each message
     * until it is acknowledged, with the same client id every time (sent again on a new socket when
     * the socket was lost, and after a 503). Any other refusal is kept, to fail the test.
     */
    private static final class Sender {
        final TestClient user;
        final UUID chat;
        final String wss;
        final String prefix;
        final Map<Long, String> accepted;
        final AtomicInteger retried = new AtomicInteger();
        final AtomicInteger resent = new AtomicInteger();
        final Queue<String> refused = new ConcurrentLinkedQueue<>();
        private TestClient.Socket socket;

        Sender(TestClient user, UUID chat, String wss, String prefix, Map<Long, String> accepted) {
            this.user = user;
            this.chat = chat;
            this.wss = wss;
            this.prefix = prefix;
            this.accepted = accepted;
        }

        Void run(AtomicBoolean sending) throws InterruptedException {
            for (int i = 1; sending.get(); i++) {
                String id = String.format("live-%s-%06d", prefix, i);
                accepted.put(sendUntilAcked(id), id);
                Thread.sleep(40); // the pace of a lively chat, not a synchronisation
            }
            return null;
        }

        private long sendUntilAcked(String id) throws InterruptedException {
            for (int attempt = 0; attempt < 200; attempt++) {
                if (socket == null || socket.closeCode.isDone()) {
                    try {
                        socket = user.connect(wss);
                        socket.next(ServerFrame.Welcome.class, Duration.ofSeconds(10));
                    } catch (RuntimeException | AssertionError e) {
                        socket = null; // nginx or the node refused while a node left: try again
                        Thread.sleep(200);
                        continue;
                    }
                }
                String frameId = id + "/" + attempt;
                socket.send(new ClientFrame.Send(frameId, chat, id, id));
                ServerFrame answer = answer(frameId);
                if (answer instanceof ServerFrame.Ack ack) {
                    return ack.seq();
                }
                if (answer instanceof ServerFrame.Error e && e.code() == ErrorCode.SERVICE_UNAVAILABLE) {
                    retried.incrementAndGet();
                    Thread.sleep(100);
                } else if (answer instanceof ServerFrame.Error e) {
                    refused.add(id + ": " + e.code() + " " + e.detail());
                } else {
                    resent.incrementAndGet(); // the socket was lost before the answer: maybe stored, so the same id again
                }
            }
            throw new AssertionError("never accepted: " + id);
        }

        /** The ack or error of this frame; null when the socket closed first. Silence on an open socket fails the test. */
        private ServerFrame answer(String frameId) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                ToClient f = socket.frames.poll(100, TimeUnit.MILLISECONDS);
                if (f instanceof ServerFrame.Ack a && a.id().equals(frameId) || f instanceof ServerFrame.Error e && e.id().equals(frameId)) {
                    return (ServerFrame) f;
                }
                if (f == null && socket.closeCode.isDone()) {
                    return null;
                }
            }
            refused.add(frameId + ": no answer within 20 s on an open socket");
            socket.ws.abort();
            socket.closeCode.complete(1006);
            return null;
        }
    }

    /** {@code ./chat ARGS... test}; its output, after it succeeded. */
    private static String chat(String script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script));
        command.addAll(List.of(args));
        command.add("test");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " took over 120 s");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    /** The name ({@code ws-3}, {@code api-2}) {@code ./chat add KIND} said it started. */
    private static String added(String out, String kind) {
        Matcher m = ADDED.matcher(out);
        assertTrue(m.find() && m.group(1).equals(kind), "./chat add " + kind + " said: " + out);
        return m.group(1) + "-" + m.group(2);
    }

    /** {@code ./chat status test}: each running api instance's and ws-node's port. */
    private static Map<String, Integer> ports(String script) throws Exception {
        Map<String, Integer> ports = new TreeMap<>();
        for (String line : chat(script, "status").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].matches("(api|ws)-\\d+") && f[2].equals("running")) {
                ports.put(f[0], Integer.parseInt(f[3]));
            }
        }
        return ports;
    }

    /** A meter's value in a Prometheus scrape (the first series of that name); -1 when unreadable. */
    private static double metric(String url, String name) {
        try {
            String body = TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : body.split("\n")) {
                if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The whole history of the chat by REST through nginx: seq -> client id. */
    private static Map<Long, String> history(TestClient user, UUID chat) {
        Map<Long, String> rows = new TreeMap<>();
        long after = 0;
        for (;;) {
            TestClient.Response r = user.get("/api/conversations/" + chat + "/messages?after=" + after + "&limit=100");
            assertEquals(200, r.status(), r.raw());
            JsonNode page = r.body().path("messages");
            page.forEach(m -> assertEquals(null, rows.put(m.path("seq").asLong(), m.path("clientMsgId").asText()), "a seq twice"));
            if (!r.body().path("hasMore").asBoolean() || page.isEmpty()) {
                return rows;
            }
            after = page.get(page.size() - 1).path("seq").asLong();
        }
    }
}
