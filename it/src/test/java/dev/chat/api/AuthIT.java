package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The browser's cookie session: login, refresh rotation, logout; passwords stored as Argon2id. */
@ExtendWith(ChatServers.class)
class AuthIT {

    @Test
    void cookieSessionLoginRefreshLogout(ChatServers.Stack stack) throws Exception {
        TestClient.signUp(stack.apiUrl(), "ana");
        CookieManager jar = new CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(jar).build();

        HttpResponse<String> login = browser.send(json(stack, "/api/auth/login",
                "{\"username\":\"ana\",\"password\":\"correct horse battery\"}"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode());
        assertFalse(login.body().contains("accessToken\":\"ey"), "cookie sessions never show tokens to scripts");
        List<String> setCookies = login.headers().allValues("Set-Cookie");
        assertTrue(setCookies.stream().anyMatch(c -> c.startsWith("chat_access=") && c.contains("HttpOnly") && c.contains("SameSite=Strict")),
                setCookies.toString());
        assertTrue(setCookies.stream().anyMatch(c -> c.startsWith("chat_refresh=") && c.contains("Path=/api/auth")));

        assertEquals(200, browser.send(get(stack, "/api/me"), HttpResponse.BodyHandlers.ofString()).statusCode());

        String oldRefresh = cookie(jar, "chat_refresh");
        HttpResponse<String> refreshed = browser.send(json(stack, "/api/auth/refresh", null), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        String newRefresh = cookie(jar, "chat_refresh");
        assertFalse(oldRefresh.equals(newRefresh), "refresh tokens rotate");

        // the old refresh token is spent: presenting it again fails
        HttpResponse<String> replay = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/auth/refresh"))
                .header("Cookie", "chat_refresh=" + oldRefresh).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, replay.statusCode());

        String access = cookie(jar, "chat_access");
        assertEquals(204, browser.send(json(stack, "/api/auth/logout", null), HttpResponse.BodyHandlers.ofString()).statusCode());
        HttpResponse<String> copiedCookie = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/me"))
                .header("Cookie", "chat_access=" + access).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, copiedCookie.statusCode(), "a copy of the logged-out session's access cookie is refused too");
        HttpResponse<String> afterLogout = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/auth/refresh"))
                .header("Cookie", "chat_refresh=" + newRefresh).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, afterLogout.statusCode(), "logout revokes the refresh token");
    }

    @Test
    void aSpentRefreshTokenPresentedLaterRevokesItsWholeSession(ChatServers.Stack stack) throws Exception {
        TestClient.signUp(stack.apiUrl(), "ana");
        String first = bearerLogin(stack).path("refreshToken").asText();
        String other = bearerLogin(stack).path("refreshToken").asText(); // another device: its own family
        var second = refresh(stack, first);
        assertEquals(200, second.status(), second.raw());
        String current = second.body().path("refreshToken").asText();
        assertEquals(401, refresh(stack, first).status(), "spent, but within the grace: refused, nothing revoked");
        // later, someone presents the spent token again: a copy exists, the session is revoked
        try (Connection c = stack.sql()) {
            c.createStatement().executeUpdate("UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE used_at IS NOT NULL");
        }
        var stolen = refresh(stack, first);
        assertEquals(401, stolen.status());
        assertEquals("unauthenticated", stolen.body().path("code").asText());
        assertEquals(401, refresh(stack, current).status(), "the token the rightful client holds is revoked with its family");
        assertEquals(200, refresh(stack, other).status(), "another device's session is untouched");
    }

    @Test
    void logoutRevokesTheWholeSession(ChatServers.Stack stack) throws Exception {
        TestClient.signUp(stack.apiUrl(), "ana");
        String first = bearerLogin(stack).path("refreshToken").asText();
        String current = refresh(stack, first).body().path("refreshToken").asText();
        var out = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/auth/logout"))
                .header("Cookie", "chat_refresh=" + first).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, out.statusCode());
        assertEquals(401, refresh(stack, current).status(), "logging out with any token of the session ends all of it");
    }

    /**
     * A bearer client logs out with its access token (header), its refresh token (body) or both:
     * each way ends that session and nothing else. The refresh token is refused; the access token
     * is refused by this api instance at once and by another within a second; its sockets on both
     * nodes are closed with 4401 within a second, and it cannot open new ones.
     */
    @Test
    void bearerLogoutEndsItsSessionEverywhereInEveryForm(ChatServers.Stack stack) throws Exception {
        TestClient.signUp(stack.apiUrl(), "ana");
        JsonNode otherDevice = bearerLogin(stack);
        TestClient other = client(stack, otherDevice);
        TestClient.Socket otherSocket = other.connect(stack.wsUrlA());
        otherSocket.next(ServerFrame.Welcome.class, WAIT);
        for (String form : List.of("header", "body", "both")) {
            JsonNode session = bearerLogin(stack);
            String refreshToken = session.path("refreshToken").asText();
            TestClient ana = client(stack, session);
            TestClient.Socket onA = ana.connect(stack.wsUrlA());
            TestClient.Socket onB = ana.connect(stack.wsUrlB());
            onA.next(ServerFrame.Welcome.class, WAIT);
            onB.next(ServerFrame.Welcome.class, WAIT);
            assertEquals(200, ana.via(stack.apiUrlB()).get("/api/me").status(), "instance B has the account's standing cached");

            TestClient.Response out = TestClient.request(stack.apiUrl(), "POST", "/api/auth/logout",
                    form.equals("body") ? null : ana.token,
                    form.equals("header") ? null : "{\"refreshToken\":\"" + refreshToken + "\"}");
            long answered = System.nanoTime();
            assertEquals(204, out.status(), form + ": " + out.raw());
            TestClient.Response here = ana.get("/api/me");
            assertEquals(401, here.status(), form + ": the access token is refused at once by the instance that logged out");
            assertEquals("unauthenticated", here.body().path("code").asText());
            assertEquals(4401, onA.closeCode.get(1, TimeUnit.SECONDS), form + ": node A closed the session's socket");
            assertEquals(4401, onB.closeCode.get(1, TimeUnit.SECONDS), form + ": node B closed the session's socket");
            int elsewhere = awaitStatus(ana.via(stack.apiUrlB()), 401, answered, 1000);
            assertEquals(401, elsewhere, form + ": the other api instance refuses the access token within a second");
            assertEquals(401, refresh(stack, refreshToken).status(), form + ": the refresh token is revoked");
            TestClient.Socket again = ana.connect(stack.wsUrlB());
            assertEquals(4401, again.closeCode.get(2, TimeUnit.SECONDS), form + ": the access token cannot open a socket");
            assertEquals(204, TestClient.request(stack.apiUrl(), "POST", "/api/auth/logout", null,
                    "{\"refreshToken\":\"" + refreshToken + "\"}").status(), form + ": logging out twice is no error");
        }
        assertFalse(otherSocket.closeCode.isDone(), "another device's socket stays open");
        assertEquals(200, other.get("/api/me").status(), "another device's access token still works");
        assertEquals(200, refresh(stack, otherDevice.path("refreshToken").asText()).status(), "and its refresh token");
    }

    /** A logout naming two sessions (the refresh cookie of one, another's refresh token in the body) ends both. */
    @Test
    void logoutEndsEverySessionItNames(ChatServers.Stack stack) throws Exception {
        TestClient.signUp(stack.apiUrl(), "ana");
        String inCookie = bearerLogin(stack).path("refreshToken").asText();
        String inBody = bearerLogin(stack).path("refreshToken").asText();
        String untouched = bearerLogin(stack).path("refreshToken").asText();
        HttpResponse<String> out = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/api/auth/logout"))
                .header("Cookie", "chat_refresh=" + inCookie).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"refreshToken\":\"" + inBody + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, out.statusCode(), out.body());
        assertEquals(401, refresh(stack, inCookie).status(), "the cookie's session is ended");
        assertEquals(401, refresh(stack, inBody).status(), "the body's session is ended");
        assertEquals(200, refresh(stack, untouched).status(), "a session not named is untouched");
    }

    /** Logging out with nothing that names a session: a bad bearer token or a malformed body is refused, nothing changes. */
    @Test
    void logoutWithABadTokenOrBodyIsAProblemAndEndsNothing(ChatServers.Stack stack) throws Exception {
        TestClient.signUp(stack.apiUrl(), "ana");
        JsonNode session = bearerLogin(stack);
        TestClient.Response badHeader = TestClient.request(stack.apiUrl(), "POST", "/api/auth/logout", "not-a-token", null);
        assertEquals(401, badHeader.status(), badHeader.raw());
        assertEquals("unauthenticated", badHeader.body().path("code").asText());
        assertTrue(badHeader.contentType().startsWith("application/problem+json"), badHeader.contentType());
        assertTrue(badHeader.body().path("detail").asText().contains("refreshToken"), "says how to log out instead");
        TestClient.Response badBody = TestClient.request(stack.apiUrl(), "POST", "/api/auth/logout", session.path("accessToken").asText(),
                "{\"refreshToken\":42}");
        assertEquals(400, badBody.status(), badBody.raw());
        assertEquals(200, client(stack, session).get("/api/me").status(), "the session is untouched");
        assertEquals(200, refresh(stack, session.path("refreshToken").asText()).status());
    }

    private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(5);

    private static TestClient client(ChatServers.Stack stack, JsonNode session) {
        return TestClient.withToken(stack.apiUrl(), session.at("/user/username").asText(), session.path("accessToken").asText(),
                java.util.UUID.fromString(session.at("/user/id").asText()));
    }

    /**
     * Polls GET /api/me until it answers {@code status}, the last time once {@code withinMs} since
     * {@code start} have passed; the last status.
     */
    static int awaitStatus(TestClient c, int status, long start, long withinMs) throws InterruptedException {
        while (true) {
            boolean lastChance = (System.nanoTime() - start) / 1_000_000 >= withinMs;
            int got = c.get("/api/me").status();
            if (got == status || lastChance) {
                return got;
            }
            long left = withinMs - (System.nanoTime() - start) / 1_000_000;
            Thread.sleep(Math.max(0, Math.min(50, left)));
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode bearerLogin(ChatServers.Stack stack) {
        var r = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                "{\"username\":\"ana\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}");
        assertEquals(200, r.status(), r.raw());
        return r.body();
    }

    private static TestClient.Response refresh(ChatServers.Stack stack, String token) {
        return TestClient.request(stack.apiUrl(), "POST", "/api/auth/refresh", null, "{\"refreshToken\":\"" + token + "\"}");
    }

    /** Commonly used passwords are refused at sign-up (any case), with a code programs can test and a detail people can act on. */
    @Test
    void commonPasswordsAreRefusedAtSignUp(ChatServers.Stack stack) throws Exception {
        for (String weak : List.of("12345678", "password1", "qwertyuiop", "PassWord1")) {
            TestClient.Response r = TestClient.request(stack.apiUrl(), "POST", "/api/auth/signup", null,
                    "{\"username\":\"dee\",\"password\":\"" + weak + "\",\"session\":\"bearer\"}");
            assertEquals(400, r.status(), weak + ": " + r.raw());
            assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
            assertEquals("weak_password", r.body().path("code").asText(), weak);
            assertTrue(r.body().path("detail").asText().contains("most commonly used"), r.body().path("detail").asText());
        }
        try (Connection c = stack.sql(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM users WHERE username = 'dee'")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "no account was made");
        }
        TestClient.Response strong = TestClient.request(stack.apiUrl(), "POST", "/api/auth/signup", null,
                "{\"username\":\"dee\",\"password\":\"violet tractor harbour\",\"session\":\"bearer\"}");
        assertEquals(201, strong.status(), strong.raw());
        assertEquals(200, TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                "{\"username\":\"dee\",\"password\":\"violet tractor harbour\"}").status());
    }

    @Test
    void refreshWithoutAnySessionIsUnauthenticated(ChatServers.Stack stack) {
        var res = TestClient.request(stack.apiUrl(), "POST", "/api/auth/refresh", null, null);
        assertEquals(401, res.status());
        assertEquals("unauthenticated", res.body().get("code").asText());
    }

    @Test
    void wrongPasswordAndUnknownUserLookTheSame(ChatServers.Stack stack) {
        TestClient.signUp(stack.apiUrl(), "ana");
        var wrong = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null, "{\"username\":\"ana\",\"password\":\"nope nope nope\"}");
        var unknown = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null, "{\"username\":\"ghost\",\"password\":\"nope nope nope\"}");
        assertEquals(401, wrong.status());
        assertEquals(401, unknown.status());
        assertEquals("bad_credentials", wrong.body().get("code").asText());
        assertEquals(wrong.body().get("detail"), unknown.body().get("detail"));
    }

    @Test
    void passwordsAreStoredAsArgon2idHashes(ChatServers.Stack stack) throws Exception {
        TestClient.signUp(stack.apiUrl(), "ana");
        try (Connection c = stack.sql(); ResultSet rs = c.createStatement().executeQuery("SELECT password_hash FROM users")) {
            rs.next();
            String hash = rs.getString(1);
            assertTrue(hash.startsWith("$argon2id$"), hash);
            assertFalse(hash.contains("correct horse battery"));
        }
    }

    private static HttpRequest json(ChatServers.Stack stack, String path, String body) {
        return HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest get(ChatServers.Stack stack, String path) {
        return HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).GET().build();
    }

    private static String cookie(CookieManager jar, String name) {
        return jar.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst().orElseThrow();
    }
}
