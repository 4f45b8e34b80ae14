package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invite links: unguessable and hashed, preview then join, expiry, use limit, revocation, guessing limited. */
@ExtendWith(ChatServers.class)
class InvitesIT {

    private static String group(TestClient owner, String name) {
        return owner.post("/api/groups", "{\"name\":\"" + name + "\"}").body().get("id").asText();
    }

    @Test
    void previewThenJoinAndTheTokenIsNeverStored(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        String g = group(ana, "Readers");
        JsonNode invite = ana.post("/api/groups/" + g + "/invites", "{}").body();
        String token = invite.get("token").asText();
        assertTrue(token.length() >= 32, "192 random bits, base64url");

        JsonNode preview = bob.get("/api/invites/" + token).body();
        assertEquals("Readers", preview.get("name").asText());
        assertEquals("general", preview.at("/channels/0").asText());
        assertFalse(preview.get("alreadyMember").asBoolean());
        assertEquals(404, bob.get("/api/groups/" + g).status(), "looking is not joining");

        JsonNode joined = bob.post("/api/invites/" + token + "/join", null).body();
        assertEquals("member", joined.get("myRole").asText());
        assertEquals("already_member", bob.post("/api/invites/" + token + "/join", null).body().get("code").asText());

        JsonNode listed = ana.get("/api/groups/" + g + "/invites").body().at("/invites/0");
        assertEquals(1, listed.get("uses").asInt());
        assertFalse(listed.has("token"), "admins see invites, never their tokens again");
        try (Connection c = stack.sql(); ResultSet rs = c.createStatement().executeQuery("SELECT token_hash FROM group_invites")) {
            rs.next();
            assertFalse(new String(rs.getBytes(1), java.nio.charset.StandardCharsets.ISO_8859_1).contains(token));
        }
    }

    @Test
    void expiredUsedUpAndRevokedInvitesAllLookTheSame(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        String g = group(ana, "Limited");

        String once = ana.post("/api/groups/" + g + "/invites", "{\"maxUses\":1}").body().get("token").asText();
        assertEquals(200, bob.post("/api/invites/" + once + "/join", null).status());
        assertEquals("invite_not_found", cyd.post("/api/invites/" + once + "/join", null).body().get("code").asText());

        String soon = ana.post("/api/groups/" + g + "/invites", "{\"expiresInSeconds\":60}").body().get("token").asText();
        try (Connection c = stack.sql()) {
            c.createStatement().execute("UPDATE group_invites SET expires_at = now() - interval '1 second' WHERE expires_at IS NOT NULL");
        }
        assertEquals(404, cyd.get("/api/invites/" + soon).status());

        JsonNode revocable = ana.post("/api/groups/" + g + "/invites", "{}").body();
        assertEquals(204, TestClient.request(stack.apiUrl(), "DELETE",
                "/api/groups/" + g + "/invites/" + revocable.get("id").asText(), ana.token, null).status());
        assertEquals(404, cyd.get("/api/invites/" + revocable.get("token").asText()).status());

        // only admins make invites; strangers do not learn the group exists
        assertEquals(403, bob.post("/api/groups/" + g + "/invites", "{}").status());
        assertEquals(404, cyd.post("/api/groups/" + g + "/invites", "{}").status());
        assertEquals("validation_failed", ana.post("/api/groups/" + g + "/invites", "{\"maxUses\":0}").body().get("code").asText());
    }

    @Test
    void guessingTokensIsRateLimited(ChatServers.Stack stack) throws Exception {
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        for (int i = 0; i < ChatServers.LIMITS.invalidInvitesPerUser().max(); i++) {
            assertEquals(404, eve.get("/api/invites/guess-" + "x".repeat(20) + i).status());
        }
        HttpResponse<String> limited = TestClient.HTTP.send(HttpRequest.newBuilder(
                        URI.create(stack.apiUrl() + "/api/invites/guess-" + "y".repeat(20)))
                .header("Authorization", "Bearer " + eve.token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(429, limited.statusCode());
        assertTrue(limited.headers().firstValue("Retry-After").isPresent());
        assertTrue(limited.body().contains("\"code\":\"rate_limited\""));
    }
}
