package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Mentions in channels (counted even when muted; @channel for admins only) and who has read a message. */
@ExtendWith(ChatServers.class)
class MentionsIT {

    private static JsonNode general(TestClient who) {
        for (JsonNode c : who.get("/api/conversations").body().get("conversations")) {
            if ("general".equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no #general for " + who.username);
    }

    @Test
    void mentionsAreCountedPerMemberEvenWhenMuted(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        String g = ana.post("/api/groups", "{\"name\":\"Team\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}");
        UUID chat = UUID.fromString(general(ana).get("id").asText());
        TestClient.request(stack.apiUrl(), "PATCH", "/api/conversations/" + chat, bob.token, "{\"muted\":true}");

        ana.send(chat, UUID.randomUUID().toString(), "hey @bob. and @nobody, lunch?");
        assertEquals(1, general(bob).get("mentionCount").asLong(), "muted, but a mention still counts");
        assertEquals(0, general(cyd).get("mentionCount").asLong());

        bob.send(chat, UUID.randomUUID().toString(), "@channel everyone come!"); // a member may not @channel
        assertEquals(0, general(cyd).get("mentionCount").asLong());
        ana.send(chat, UUID.randomUUID().toString(), "@channel meeting at 3");
        assertEquals(1, general(cyd).get("mentionCount").asLong());
        assertEquals(1, general(bob).get("mentionCount").asLong(), "bob's own send moved his read cursor past the first");

        cyd.post("/api/conversations/" + chat + "/read", "{\"seq\":3}");
        assertEquals(0, general(cyd).get("mentionCount").asLong());
        assertEquals(0, general(ana).get("mentionCount").asLong(), "your own @channel does not mention you");
    }

    @Test
    void theSenderCanListWhoHasReadAMessage(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        String g = ana.post("/api/groups", "{\"name\":\"Team\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}");
        UUID chat = UUID.fromString(general(ana).get("id").asText());
        ana.send(chat, UUID.randomUUID().toString(), "please read");
        bob.post("/api/conversations/" + chat + "/read", "{\"seq\":1}");
        cyd.get("/api/conversations/" + chat + "/messages"); // fetched: delivered, not read

        JsonNode readers = ana.get("/api/conversations/" + chat + "/messages/1/readers").body();
        assertEquals(2, readers.get("others").asLong());
        assertEquals("bob", readers.at("/readBy/0/username").asText());
        assertEquals(1, readers.get("readBy").size());
        assertEquals("cyd", readers.at("/deliveredTo/0/username").asText());
        assertEquals(404, eve.get("/api/conversations/" + chat + "/messages/1/readers").status());
        assertEquals("message_not_found", ana.get("/api/conversations/" + chat + "/messages/9/readers").body().get("code").asText());
    }
}
