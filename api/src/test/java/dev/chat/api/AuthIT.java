package dev.chat.api;

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

        assertEquals(204, browser.send(json(stack, "/api/auth/logout", null), HttpResponse.BodyHandlers.ofString()).statusCode());
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

    private static com.fasterxml.jackson.databind.JsonNode bearerLogin(ChatServers.Stack stack) {
        var r = TestClient.request(stack.apiUrl(), "POST", "/api/auth/login", null,
                "{\"username\":\"ana\",\"password\":\"correct horse battery\",\"session\":\"bearer\"}");
        assertEquals(200, r.status(), r.raw());
        return r.body();
    }

    private static TestClient.Response refresh(ChatServers.Stack stack, String token) {
        return TestClient.request(stack.apiUrl(), "POST", "/api/auth/refresh", null, "{\"refreshToken\":\"" + token + "\"}");
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
