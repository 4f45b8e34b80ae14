package dev.chat.api;

import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import dev.chat.telemetry.JsonLogFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics move when messages flow; logs carry a request id across processes and never a secret. */
@ExtendWith(ChatServers.class)
class ObservabilityIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void metricsMoveWhenMessagesFlow(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket bobWs = bob.connect(stack.wsUrlA());
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        String apiMetrics = stack.apiUrl() + "/metrics";
        String nodeMetrics = "http://127.0.0.1:" + stack.nodeA().port() + "/metrics";
        double accepted = metric(apiMetrics, "chat_messages_accepted_total");
        double published = metric(apiMetrics, "chat_events_published_total");
        double delivered = metric(nodeMetrics, "chat_deliveries_total");
        double latencies = metric(nodeMetrics, "chat_delivery_latency_seconds_count");
        for (int i = 0; i < 3; i++) {
            assertEquals(201, ana.post("/api/conversations/" + chat + "/messages",
                    "{\"clientMsgId\":\"metric-00000" + i + "\",\"text\":\"m" + i + "\"}").status());
            bobWs.next(ServerEvent.MessageCreated.class, WAIT);
        }
        assertEquals(accepted + 3, metric(apiMetrics, "chat_messages_accepted_total"));
        assertTrue(metric(apiMetrics, "chat_events_published_total") >= published + 3);
        assertTrue(metric(nodeMetrics, "chat_deliveries_total") >= delivered + 3);
        assertTrue(metric(nodeMetrics, "chat_delivery_latency_seconds_count") >= latencies + 3);
        assertTrue(metric(nodeMetrics, "chat_live_sockets") >= 1);
        String text = get(apiMetrics);
        assertTrue(text.contains("jvm_memory_used_bytes"), "JVM meters too");
        assertTrue(text.contains("chat_outbox_backlog"));
        TestClient.request(stack.apiUrl(), "GET", "/api/conversations", null, null); // a 401
        assertTrue(metric(apiMetrics, "chat_errors_total", "code=\"unauthenticated\"") >= 1, "errors by code");
    }

    @Test
    void aRequestIdFollowsAMessageToTheNodeAndNoSecretIsEverLogged(ChatServers.Stack stack) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        JsonLogFormatter formatter = new JsonLogFormatter("it");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(formatter.format(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger chat = Logger.getLogger("dev.chat");
        Level before = chat.getLevel();
        chat.setLevel(Level.ALL);
        chat.addHandler(capture);
        try {
            String password = "correct horse battery";
            TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
            TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
            TestClient.Response login = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                    "{\"username\":\"bob\",\"password\":\"" + password + "\",\"session\":\"bearer\"}");
            String refresh = login.body().path("refreshToken").asText("");
            UUID chatId = ana.openDirect("bob");
            TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
            bobWs.next(ServerFrame.Welcome.class, WAIT);
            TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
            anaWs.next(ServerFrame.Welcome.class, WAIT);

            String requestId = "trace-" + UUID.randomUUID().toString().substring(0, 8);
            HttpResponse<String> sent = TestClient.HTTP.send(HttpRequest.newBuilder(
                            URI.create(stack.apiUrl() + "/api/conversations/" + chatId + "/messages"))
                    .header("Authorization", "Bearer " + ana.token).header("Content-Type", "application/json")
                    .header("X-Request-Id", requestId)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"clientMsgId\":\"traced-0001\",\"text\":\"follow me\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, sent.statusCode());
            assertEquals(requestId, sent.headers().firstValue("X-Request-Id").orElse(""), "echoed to the caller");
            bobWs.next(ServerEvent.MessageCreated.class, WAIT);
            String tag = "\"requestId\":\"" + requestId + "\"";
            assertTrue(lines.stream().anyMatch(l -> l.contains(tag) && l.contains("\"logger\":\"dev.chat.api.")),
                    "api logged the request with its id");
            // the node logs right after handing the frame out: wait for that line, up to a deadline
            long logged = System.nanoTime() + WAIT.toNanos();
            while (lines.stream().noneMatch(l -> l.contains(tag) && l.contains("\"logger\":\"dev.chat.ws.") && l.contains("message.created"))
                    && System.nanoTime() < logged) {
                Thread.sleep(20);
            }
            assertTrue(lines.stream().anyMatch(l -> l.contains(tag) && l.contains("\"logger\":\"dev.chat.ws.")
                    && l.contains("message.created")), "the ws-node logged the delivery with the same id");

            // a frame over the socket is traced the same way, from the node to api and back
            anaWs.send(new ClientFrame.Send("f1", chatId, "traced-0002", "by socket"));
            anaWs.next(ServerFrame.Ack.class, WAIT);

            List<String> secrets = List.of(password, ana.token, bob.token, login.body().path("accessToken").asText(),
                    ChatServers.TOKEN_SECRET, stack.dbPassword());
            for (String line : lines) {
                for (String secret : secrets) {
                    assertFalse(!secret.isEmpty() && line.contains(secret), "a secret in the logs: " + line);
                }
                assertFalse(!refresh.isEmpty() && line.contains(refresh), "a refresh token in the logs: " + line);
            }
            assertTrue(lines.size() > 5, "the logs were captured: " + lines.size());
        } finally {
            chat.removeHandler(capture);
            chat.setLevel(before);
        }
    }

    private static String get(String url) throws Exception {
        return TestClient.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double metric(String url, String name) throws Exception {
        return metric(url, name, "");
    }

    /** The sum of a metric's samples whose labels contain {@code label}. */
    private static double metric(String url, String name, String label) throws Exception {
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)}\\s+([0-9.eE+-]+)$").matcher(get(url));
        while (m.find()) {
            if (m.group(1).contains(label)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
