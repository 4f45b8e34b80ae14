package dev.chat.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL taken away from one api instance for 10 s (through a relay that stops listening and
 * resets its connections, as a stopped server does): readiness turns false, every send meanwhile
 * gets a 503 problem with Retry-After and leaves nothing behind; when PostgreSQL is back, readiness
 * turns true and the same send is accepted once, without a restart.
 */
@ExtendWith(ChatServers.class)
class PostgresDownIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void readinessFollowsPostgresql(ChatServers.Stack stack) throws Exception {
        URI db = URI.create(stack.dbUrl().substring("jdbc:".length()));
        try (TcpRelay relay = new TcpRelay(new InetSocketAddress(db.getHost(), db.getPort()))) {
            String relayed = "jdbc:postgresql://127.0.0.1:" + relay.port() + db.getRawPath()
                    + (db.getRawQuery() == null ? "" : "?" + db.getRawQuery());
            Main.Running api = Main.start(ChatServers.apiConfig(stack, "api-pg-down", relayed, stack.memcached(), ChatServers.LIMITS));
            try {
                String url = "http://127.0.0.1:" + api.port();
                TestClient ana = TestClient.signUp(url, "ana");
                TestClient.signUp(url, "bob");
                UUID chat = ana.openDirect("bob");
                TestClient.Response ready = ready(url);
                assertEquals(200, ready.status(), ready.raw());
                assertEquals("UP", ready.body().at("/checks/postgresql").asText());

                relay.cut();
                long cutAt = System.nanoTime();
                TestClient.Response down = awaitReadiness(url, 503);
                System.out.printf("readiness false %d ms after PostgreSQL went away%n", (System.nanoTime() - cutAt) / 1_000_000);
                assertEquals("DOWN", down.body().at("/checks/postgresql").asText());
                assertEquals("UP", down.body().at("/checks/rabbitmq").asText(), "only what is down is reported down");
                // PostgreSQL stays away for 10 s: every send meanwhile is refused cleanly, with Retry-After
                int refusals = 0;
                while (System.nanoTime() - cutAt < java.time.Duration.ofSeconds(10).toNanos()) {
                    java.net.http.HttpResponse<String> refused = TestClient.HTTP.send(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(url + "/api/conversations/" + chat + "/messages"))
                            .header("Authorization", "Bearer " + ana.token).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"clientMsgId\":\"pg-down-0001\",\"text\":\"while the database is away\"}")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertEquals(503, refused.statusCode(), refused.body());
                    assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
                    assertTrue(refused.body().contains("\"code\":\"service_unavailable\""), refused.body());
                    assertTrue(Integer.parseInt(refused.headers().firstValue("Retry-After").orElse("0")) > 0, "Retry-After");
                    refusals++;
                }
                System.out.printf("PostgreSQL away for 10 s: %d sends refused with 503 + Retry-After%n", refusals);
                assertEquals(200, TestClient.request(url, "GET", "/health/live", null, null).status(), "alive all along");

                relay.restore();
                long backAt = System.nanoTime();
                TestClient.Response up = awaitReadiness(url, 200);
                System.out.printf("readiness true %d ms after PostgreSQL came back%n", (System.nanoTime() - backAt) / 1_000_000);
                assertEquals("UP", up.body().at("/checks/postgresql").asText());
                TestClient.Response retried = ana.send(chat, "pg-down-0001", "while the database is away");
                assertEquals(201, retried.status(), "the same message, retried, is accepted once: " + retried.raw());
                assertEquals(1, retried.body().get("seq").asLong(), "the refused attempt left nothing behind");
            } finally {
                api.stop();
            }
        }
    }

    private static TestClient.Response ready(String url) {
        return TestClient.request(url, "GET", "/health/ready", null, null);
    }

    private static TestClient.Response awaitReadiness(String url, int status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        TestClient.Response last;
        do {
            last = ready(url);
            if (last.status() == status) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("readiness did not become " + status + " within " + WAIT + ": " + last.raw());
    }
}
