package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The limits on logins, sign-ups, sends and uploads, on an api instance with small limits: past each one a
 * 429 problem+json with Retry-After that changed nothing, and only the one address, account or
 * user over its limit is held back. Addresses come in X-Forwarded-For as nginx writes it (this
 * client is on loopback, like nginx), each test its own.
 */
@ExtendWith(ChatServers.class)
class RateLimitIT {
    private static final RateLimits STRICT = new RateLimits(RateLimits.Rate.parse("3/15m"), RateLimits.Rate.parse("6/1m"),
            RateLimits.Rate.parse("3/1h"), RateLimits.Rate.parse("5/1m"), RateLimits.Rate.parse("10/1m"),
            RateLimits.Rate.parse("4/10m"));
    private static Main.Running api;
    private static String url;

    @BeforeAll
    static void start(ChatServers.Stack stack) {
        api = Main.start(ChatServers.apiConfig(stack, "api-limits", stack.dbUrl(), stack.memcached(), STRICT));
        url = "http://127.0.0.1:" + api.port();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.stop();
        }
    }

    @Test
    void signUpsPerAddress(ChatServers.Stack stack) throws Exception {
        String address = address();
        String run = run();
        for (int i = 1; i <= 3; i++) {
            assertEquals(201, signUp("s" + i + "_" + run, address).statusCode());
        }
        HttpResponse<String> refused = signUp("s4_" + run, address);
        assertLimited(refused, 3600);
        assertEquals(0, users(stack, "s4_" + run), "a refused sign-up creates nothing");
        // what the client itself wrote into X-Forwarded-For is not believed: nginx's last entry counts
        assertLimited(signUp("s5_" + run, "198.51.100.7, " + address), 3600);
        assertEquals(201, signUp("s6_" + run, address()).statusCode(), "another address is not held back");
    }

    @Test
    void wrongPasswordsLockOneAccountForItsWindow() throws Exception {
        String run = run();
        assertEquals(201, signUp("victim_" + run, address()).statusCode());
        assertEquals(201, signUp("bystander_" + run, address()).statusCode());
        for (int i = 0; i < 3; i++) {
            // from a new address each time: the account's limit holds however the guesses are spread
            assertEquals(401, logIn("victim_" + run, "wrong password " + i, address()).statusCode());
        }
        HttpResponse<String> locked = logIn("victim_" + run, "correct horse battery", address());
        assertLimited(locked, 900);
        assertEquals(200, logIn("bystander_" + run, "correct horse battery", address()).statusCode(),
                "other accounts log in as usual");
    }

    @Test
    void loginAttemptsPerAddress() throws Exception {
        String run = run();
        String address = address();
        assertEquals(201, signUp("many_" + run, address()).statusCode());
        for (int i = 0; i < 6; i++) {
            assertEquals(401, logIn("nobody" + i + "_" + run, "correct horse battery", address).statusCode());
        }
        assertLimited(logIn("many_" + run, "correct horse battery", address), 60);
        assertEquals(200, logIn("many_" + run, "correct horse battery", address()).statusCode());
    }

    @Test
    void sendsPerUser(ChatServers.Stack stack) throws Exception {
        String run = run();
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana_" + run).via(url);
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob_" + run).via(url);
        UUID chat = ana.openDirect("bob_" + run);
        for (int i = 1; i <= 5; i++) {
            assertEquals(201, ana.send(chat, "limit-" + run + "-" + i, "m" + i).status());
        }
        HttpResponse<String> refused = send(ana, chat, "limit-" + run + "-6");
        assertLimited(refused, 60);
        JsonNode history = ana.get("/api/conversations/" + chat + "/messages?limit=50").body();
        assertEquals(5, history.path("messages").size(), "the refused message was not stored");
        assertEquals(201, bob.send(chat, "limit-" + run + "-b", "bob is not held back").status());
    }

    @Test
    void uploadsPerUser(ChatServers.Stack stack) throws Exception {
        String run = run();
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana_" + run).via(url);
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob_" + run).via(url);
        UUID chat = ana.openDirect("bob_" + run);
        String start = "{\"conversation\":\"" + chat + "\",\"name\":\"notes.txt\",\"size\":10,\"contentType\":\"text/plain\"}";
        for (int i = 1; i <= 4; i++) {
            assertEquals(201, ana.post("/api/attachments", start).status());
        }
        assertLimited(post("/api/attachments", start, address(), ana.token), 600);
        try (Connection sql = stack.sql(); PreparedStatement st = sql.prepareStatement("SELECT count(*) FROM attachments WHERE owner_id = ?")) {
            st.setObject(1, ana.id);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                assertEquals(4, rs.getLong(1), "the refused upload was not started");
            }
        }
        assertEquals(201, bob.post("/api/attachments", start).status(), "bob is not held back");
        assertEquals(201, ana.send(chat, "after-uploads-" + run, "sending is limited on its own").status());
    }

    private static void assertLimited(HttpResponse<String> res, int windowSeconds) throws Exception {
        assertEquals(429, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals("rate_limited", TestClient.MAPPER.readTree(res.body()).path("code").asText());
        int retryAfter = Integer.parseInt(res.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= windowSeconds, "Retry-After " + retryAfter);
    }

    private static HttpResponse<String> signUp(String username, String forwardedFor) throws Exception {
        return post("/api/auth/signup", "{\"username\":\"" + username + "\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}",
                forwardedFor, null);
    }

    private static HttpResponse<String> logIn(String username, String password, String forwardedFor) throws Exception {
        return post("/api/auth/login", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"session\":\"bearer\"}",
                forwardedFor, null);
    }

    private static HttpResponse<String> send(TestClient who, UUID chat, String clientMsgId) throws Exception {
        return post("/api/conversations/" + chat + "/messages", "{\"clientMsgId\":\"" + clientMsgId + "\",\"text\":\"one too many\"}",
                address(), who.token);
    }

    private static HttpResponse<String> post(String path, String json, String forwardedFor, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return TestClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long users(ChatServers.Stack stack, String username) throws Exception {
        try (Connection sql = stack.sql(); PreparedStatement st = sql.prepareStatement("SELECT count(*) FROM users WHERE username = ?")) {
            st.setString(1, username);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A documentation address (RFC 5737) of its own for each use. */
    private static String address() {
        int n = (int) (Math.random() * 65_000);
        return "203.0." + (n / 256) + "." + (n % 256);
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
