package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-member chat management, edit/delete of own messages, contacts with aliases, search, profile. */
@ExtendWith(ChatServers.class)
class ChatManagementIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static JsonNode inboxEntry(TestClient who, UUID chat) {
        for (JsonNode c : who.get("/api/conversations").body().get("conversations")) {
            if (c.get("id").asText().equals(chat.toString())) {
                return c;
            }
        }
        return null;
    }

    private static TestClient.Response patch(TestClient who, String path, String json) {
        return TestClient.request(who.apiUrl, "PATCH", path, who.token, json);
    }

    private static TestClient.Response delete(TestClient who, String path) {
        return TestClient.request(who.apiUrl, "DELETE", path, who.token, null);
    }

    @Test
    void pinArchiveMuteAreMineAloneAndReachMyOtherDevices(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient.signUp(stack.apiUrl(), "cyd");
        UUID withBob = ana.openDirect("bob");
        UUID withCyd = ana.openDirect("cyd");
        ana.send(withCyd, UUID.randomUUID().toString(), "newer activity");
        TestClient.Socket anaOtherDevice = ana.connect(stack.wsUrlB());
        anaOtherDevice.next(ServerFrame.Welcome.class, WAIT);

        JsonNode pinned = patch(ana, "/api/conversations/" + withBob, "{\"pinned\":true,\"muted\":true}").body();
        assertTrue(pinned.get("pinned").asBoolean());
        assertTrue(pinned.get("muted").asBoolean());
        ServerEvent.ConversationUpdated event = anaOtherDevice.next(ServerEvent.ConversationUpdated.class, WAIT);
        assertEquals(withBob, event.conversation());
        assertTrue(event.data().get("pinned").asBoolean());
        assertEquals(withBob.toString(), ana.get("/api/conversations").body().at("/conversations/0/id").asText(),
                "pinned first, although the other chat is more recent");
        JsonNode bobSide = inboxEntry(bob, withBob);
        assertFalse(bobSide.get("pinned").asBoolean() || bobSide.get("muted").asBoolean(), "the other member is never affected");

        assertTrue(patch(ana, "/api/conversations/" + withBob, "{\"archived\":true}").body().get("archived").asBoolean());
        bob.send(withBob, UUID.randomUUID().toString(), "wake up");
        assertFalse(inboxEntry(ana, withBob).get("archived").asBoolean(), "a new message unarchives");

        assertEquals("validation_failed", patch(ana, "/api/conversations/" + withBob, "{\"pinned\":\"yes\"}").body().get("code").asText());
        assertEquals("validation_failed", patch(ana, "/api/conversations/" + withBob, "{}").body().get("code").asText());
    }

    @Test
    void clearAndDeleteHideHistoryForMeOnly(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        ana.send(chat, UUID.randomUUID().toString(), "one");
        bob.send(chat, UUID.randomUUID().toString(), "two");

        JsonNode cleared = ana.post("/api/conversations/" + chat + "/clear", null).body();
        assertEquals(2, cleared.get("clearedSeq").asLong());
        assertEquals(0, ana.get("/api/conversations/" + chat + "/messages").body().get("messages").size());
        assertEquals(2, bob.get("/api/conversations/" + chat + "/messages").body().get("messages").size());
        bob.send(chat, UUID.randomUUID().toString(), "three");
        JsonNode after = ana.get("/api/conversations/" + chat + "/messages").body();
        assertEquals(1, after.get("messages").size());
        assertEquals(3, after.at("/messages/0/seq").asLong());

        assertEquals(200, delete(ana, "/api/conversations/" + chat).status());
        assertEquals(null, inboxEntry(ana, chat), "a deleted chat leaves my inbox");
        assertTrue(inboxEntry(bob, chat) != null, "but not the other member's");
        bob.send(chat, UUID.randomUUID().toString(), "four");
        JsonNode back = inboxEntry(ana, chat);
        assertTrue(back != null, "a new message brings it back");
        assertEquals(4, back.at("/lastMessage/seq").asLong());
        assertEquals(1, back.get("unreadCount").asLong());
        assertEquals(1, ana.get("/api/conversations/" + chat + "/messages").body().get("messages").size());
    }

    @Test
    void deleteForMeHidesAMessageOnAllMyDevicesOnly(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        UUID chat = ana.openDirect("bob");
        bob.send(chat, UUID.randomUUID().toString(), "one");
        ana.send(chat, UUID.randomUUID().toString(), "two");
        TestClient.Socket anaOtherDevice = ana.connect(stack.wsUrlB());
        anaOtherDevice.next(ServerFrame.Welcome.class, WAIT);

        // any member may hide any message, for themselves
        TestClient.Response hidden = ana.post("/api/conversations/" + chat + "/messages/1/hide", null);
        assertEquals(200, hidden.status());
        assertEquals("[1]", hidden.body().get("hiddenSeqs").toString());
        ServerEvent.ConversationUpdated event = anaOtherDevice.next(ServerEvent.ConversationUpdated.class, WAIT);
        assertEquals("[1]", event.data().get("hiddenSeqs").toString(), "my other devices learn of it");
        assertEquals("[1]", inboxEntry(ana, chat).get("hiddenSeqs").toString());
        assertEquals("[1]", ana.post("/api/conversations/" + chat + "/messages/1/hide", null).body().get("hiddenSeqs").toString(),
                "hiding again changes nothing");
        assertEquals("[1,2]", ana.post("/api/conversations/" + chat + "/messages/2/hide", null).body().get("hiddenSeqs").toString());

        // the others keep it: their view, their history
        assertEquals("[]", inboxEntry(bob, chat).get("hiddenSeqs").toString());
        JsonNode bobs = bob.get("/api/conversations/" + chat + "/messages").body().get("messages");
        assertEquals("one", bobs.get(0).get("text").asText());
        assertFalse(bobs.get(0).get("deleted").asBoolean());

        // refused: not a member, no such message, nonsense seq; nothing changes
        TestClient.Response stranger = cyd.post("/api/conversations/" + chat + "/messages/1/hide", null);
        assertEquals(404, stranger.status());
        assertEquals("conversation_not_found", stranger.body().get("code").asText());
        assertEquals("message_not_found", ana.post("/api/conversations/" + chat + "/messages/99/hide", null).body().get("code").asText());
        assertEquals(404, ana.post("/api/conversations/" + chat + "/messages/zero/hide", null).status());
        assertEquals("[1,2]", inboxEntry(ana, chat).get("hiddenSeqs").toString());

        // clearing the history drops what it covers from the list
        ana.post("/api/conversations/" + chat + "/clear", null);
        assertEquals("[]", inboxEntry(ana, chat).get("hiddenSeqs").toString());
        assertEquals("message_not_found", ana.post("/api/conversations/" + chat + "/messages/1/hide", null).body().get("code").asText());
    }

    @Test
    void editAndDeleteOwnMessagesLive(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        ana.send(chat, UUID.randomUUID().toString(), "helo");
        ana.send(chat, UUID.randomUUID().toString(), "oops");

        JsonNode edited = patch(ana, "/api/conversations/" + chat + "/messages/1", "{\"text\":\"hello\"}").body();
        assertEquals("hello", edited.get("text").asText());
        assertTrue(edited.hasNonNull("editedAt"));
        ServerEvent.MessageUpdated updated = bobWs.next(ServerEvent.MessageUpdated.class, WAIT);
        assertEquals(1, updated.seq());
        assertEquals("hello", updated.message().text());
        assertNotNull(updated.message().editedAt());

        JsonNode tomb = delete(ana, "/api/conversations/" + chat + "/messages/2").body();
        assertTrue(tomb.get("deleted").asBoolean());
        assertEquals("", tomb.get("text").asText());
        ServerEvent.MessageDeleted deleted = bobWs.next(ServerEvent.MessageDeleted.class, WAIT);
        assertEquals(2, deleted.seq());
        assertTrue(deleted.tombstone().deleted());
        assertFalse(deleted.moderated(), "deleted by its sender");
        JsonNode history = bob.get("/api/conversations/" + chat + "/messages").body().get("messages");
        assertEquals(2, history.size(), "the tombstone keeps its seq");
        assertTrue(history.get(1).get("deleted").asBoolean());
        assertEquals("", history.get(1).get("text").asText());

        assertEquals(403, patch(bob, "/api/conversations/" + chat + "/messages/1", "{\"text\":\"mine now\"}").status());
        assertEquals(403, delete(bob, "/api/conversations/" + chat + "/messages/1").status());
        assertEquals("message_deleted", patch(ana, "/api/conversations/" + chat + "/messages/2", "{\"text\":\"undo\"}").body().get("code").asText());
        assertEquals("message_not_found", delete(ana, "/api/conversations/" + chat + "/messages/99").body().get("code").asText());
        assertEquals("hello", bob.get("/api/conversations/" + chat + "/messages").body().at("/messages/0/text").asText());
    }

    @Test
    void contactsWithAliasesAppearInTheInboxAndSearch(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient.signUp(stack.apiUrl(), "bobby");
        UUID chat = ana.openDirect("bob");
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        anaWs.next(ServerFrame.Welcome.class, WAIT);

        TestClient.Response added = TestClient.request(stack.apiUrl(), "PUT", "/api/contacts/" + bob.id, ana.token, "{\"alias\":\"Bobby Tables\"}");
        assertEquals(200, added.status());
        assertEquals("Bobby Tables", added.body().get("alias").asText());
        assertEquals("Bobby Tables", anaWs.next(ServerEvent.ContactUpdated.class, WAIT).data().get("alias").asText());
        assertEquals("Bobby Tables", inboxEntry(ana, chat).at("/peer/alias").asText());
        assertTrue(inboxEntry(bob, chat).at("/peer/alias").isNull(), "aliases are private");
        assertEquals(1, ana.get("/api/contacts").body().get("people").size());

        JsonNode found = ana.get("/api/users?q=bob&limit=1").body();
        assertEquals(1, found.get("people").size());
        assertEquals("bob", found.at("/people/0/username").asText());
        assertTrue(found.at("/people/0/contact").asBoolean());
        JsonNode next = ana.get("/api/users?q=bob&limit=1&after=" + found.get("next").asText()).body();
        assertEquals("bobby", next.at("/people/0/username").asText());
        assertTrue(next.get("next").isNull());
        assertEquals("validation_failed", ana.get("/api/users?q=").body().get("code").asText());

        assertEquals(200, delete(ana, "/api/contacts/" + bob.id).status());
        assertTrue(inboxEntry(ana, chat).at("/peer/alias").isNull());
        assertEquals("validation_failed",
                TestClient.request(stack.apiUrl(), "PUT", "/api/contacts/" + ana.id, ana.token, "{}").body().get("code").asText());
        assertEquals(404, TestClient.request(stack.apiUrl(), "PUT", "/api/contacts/" + UUID.randomUUID(), ana.token, "{}").status());

        JsonNode profile = patch(ana, "/api/me", "{\"displayName\":\"Ana Lima\",\"bio\":\"hello there\"}").body();
        assertEquals("Ana Lima", profile.get("displayName").asText());
        assertEquals("hello there", ana.get("/api/me").body().get("bio").asText());
    }
}
