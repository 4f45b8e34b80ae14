package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.TypingState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Groups with channels: roles, limits, membership events, channel messages and group receipts. */
@ExtendWith(ChatServers.class)
class GroupsIT {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private static TestClient.Response call(TestClient who, String method, String path, String json) {
        return TestClient.request(who.apiUrl, method, path, who.token, json);
    }

    private static JsonNode channelEntry(TestClient who, String name) {
        for (JsonNode c : who.get("/api/conversations").body().get("conversations")) {
            if ("channel".equals(c.get("kind").asText()) && name.equals(c.get("name").asText())) {
                return c;
            }
        }
        return null;
    }

    @Test
    void ownerCreatesAGroupWithGeneralAndMembersJoinLive(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        bobWs.next(ServerFrame.Welcome.class, WAIT);

        JsonNode group = ana.post("/api/groups", "{\"name\":\"Climbers\",\"description\":\"Weekend crew\"}").body();
        assertEquals("owner", group.get("myRole").asText());
        assertEquals("general", group.at("/channels/0/name").asText());
        String g = group.get("id").asText();

        assertEquals(201, ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}").status());
        ServerEvent.GroupMemberAdded added = bobWs.next(ServerEvent.GroupMemberAdded.class, WAIT);
        assertEquals(bob.id, added.user());
        assertEquals(g, added.group().toString());
        assertEquals("member", added.role());
        JsonNode general = channelEntry(bob, "general");
        assertTrue(general != null, "a new member sees the group's channels at once");
        assertEquals("Climbers", general.at("/group/name").asText());
        assertEquals(2, general.get("memberCount").asLong());
        assertEquals("member", bob.get("/api/groups/" + g).body().get("myRole").asText());
        assertEquals(2, bob.get("/api/groups/" + g + "/members").body().get("members").size());
    }

    @Test
    void channelMessagesReachEveryMemberAcrossNodesWithGroupReceipts(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        String g = ana.post("/api/groups", "{\"name\":\"Team\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}");
        UUID general = UUID.fromString(channelEntry(ana, "general").get("id").asText());
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        TestClient.Socket bobWs = bob.connect(stack.wsUrlA());
        TestClient.Socket cydWs = cyd.connect(stack.wsUrlB());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        cydWs.next(ServerFrame.Welcome.class, WAIT);

        assertEquals(201, ana.send(general, UUID.randomUUID().toString(), "hello team").status());
        assertEquals(1, bobWs.next(ServerEvent.MessageCreated.class, WAIT).seq());
        assertEquals(1, cydWs.next(ServerEvent.MessageCreated.class, WAIT).seq());

        // delivered to all only once every other member's device has it; read by all likewise
        bob.post("/api/conversations/" + general + "/read", "{\"seq\":1}");
        assertEquals(0, channelEntry(ana, "general").get("peerReadSeq").asLong(), "cyd has not read yet");
        ServerEvent.ReceiptUpdated own = bobWs.next(ServerEvent.ReceiptUpdated.class, WAIT);
        assertEquals(bob.id, own.user(), "the reader's own sessions learn its cursors");
        assertEquals(1, own.readSeq());
        // one reader of a channel is news to nobody else: no event to the other members
        assertNull(anaWs.poll(ServerEvent.ReceiptUpdated.class, Duration.ofMillis(500)), "the sender is not told of one reader");
        assertNull(cydWs.poll(ServerEvent.ReceiptUpdated.class, Duration.ofMillis(100)), "nor is another member");
        assertNull(anaWs.poll(ServerEvent.ReceiptsAdvanced.class, Duration.ofMillis(100)), "the minimum has not moved");

        cyd.post("/api/conversations/" + general + "/read", "{\"seq\":1}");
        JsonNode seen = channelEntry(ana, "general");
        assertEquals(1, seen.get("peerReadSeq").asLong(), "read by all");
        assertEquals(1, seen.get("peerDeliveredSeq").asLong(), "delivered to all");
        // the last reader moves the minimum: every member is told, once
        for (TestClient.Socket ws : java.util.List.of(anaWs, bobWs, cydWs)) {
            ServerEvent.ReceiptsAdvanced advanced = ws.next(ServerEvent.ReceiptsAdvanced.class, WAIT);
            assertEquals(general, advanced.conversation());
            assertEquals(1, advanced.readSeq(), "read by all");
            assertEquals(1, advanced.deliveredSeq(), "delivered to all");
        }
        assertNull(anaWs.poll(ServerEvent.ReceiptUpdated.class, Duration.ofMillis(300)), "the sender got the minimum, not cyd's cursors");
    }

    /** In a channel a delivered cursor shows only in the minimum: no event to anyone until that moves. */
    @Test
    void aDeliveredCursorInAChannelIsNewsOnlyWhenTheMinimumMoves(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        String g = ana.post("/api/groups", "{\"name\":\"Quiet\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}");
        UUID general = UUID.fromString(channelEntry(ana, "general").get("id").asText());
        TestClient.Socket bobWs = bob.connect(stack.wsUrlA());
        TestClient.Socket cydWs = cyd.connect(stack.wsUrlB());
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        cydWs.next(ServerFrame.Welcome.class, WAIT);
        assertEquals(201, ana.send(general, UUID.randomUUID().toString(), "hi").status());
        bobWs.next(ServerEvent.MessageCreated.class, WAIT);
        cydWs.next(ServerEvent.MessageCreated.class, WAIT);

        bobWs.send(new ClientFrame.Delivered("d1", general, 1));
        assertNull(bobWs.poll(ServerEvent.ReceiptUpdated.class, Duration.ofMillis(500)), "my delivered cursor changes nothing I see");
        assertNull(cydWs.poll(ServerEvent.ReceiptsAdvanced.class, Duration.ofMillis(100)), "cyd's device has not got it yet");
        assertEquals(1, bob.get("/api/conversations").body().at("/conversations/0/deliveredSeq").asLong(), "yet it is kept");

        cydWs.send(new ClientFrame.Delivered("d2", general, 1));
        for (TestClient.Socket ws : java.util.List.of(bobWs, cydWs)) {
            ServerEvent.ReceiptsAdvanced advanced = ws.next(ServerEvent.ReceiptsAdvanced.class, WAIT);
            assertEquals(1, advanced.deliveredSeq(), "delivered to all");
            assertEquals(0, advanced.readSeq(), "read by nobody but the sender");
        }
    }

    /** A sender has read what it sent: when the last reader of a channel sends, that moves everyone's minimum. */
    @Test
    void theLastReaderSendingMovesTheMinimumLive(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        String g = ana.post("/api/groups", "{\"name\":\"Relay\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}");
        UUID general = UUID.fromString(channelEntry(ana, "general").get("id").asText());
        TestClient.Socket bobWs = bob.connect(stack.wsUrlA());
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        assertEquals(201, bob.send(general, UUID.randomUUID().toString(), "first").status());
        ana.post("/api/conversations/" + general + "/read", "{\"seq\":1}");
        assertNull(bobWs.poll(ServerEvent.ReceiptsAdvanced.class, Duration.ofMillis(300)), "cyd has not read it");
        // cyd never reads it, but answers: her send means she has read everything up to it
        assertEquals(201, cyd.send(general, UUID.randomUUID().toString(), "second").status());
        ServerEvent.ReceiptsAdvanced advanced = bobWs.next(ServerEvent.ReceiptsAdvanced.class, WAIT);
        assertEquals(1, advanced.readSeq(), "bob's message is read by all");
        assertEquals(1, channelEntry(bob, "general").get("peerReadSeq").asLong());
    }

    @Test
    void anOfflineMemberLearnsOfTheGroupBySyncAndTypingReachesChannelMembersOnly(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        String g = ana.post("/api/groups", "{\"name\":\"Night shift\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        // cyd is offline while she is added and a message is posted
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}");
        UUID general = UUID.fromString(channelEntry(ana, "general").get("id").asText());
        ana.send(general, UUID.randomUUID().toString(), "while you were away");

        // she comes online: subscribe, then sync — the group, its channel and the message are there
        TestClient.Socket cydWs = cyd.connect(stack.wsUrlB());
        cydWs.next(ServerFrame.Welcome.class, WAIT);
        assertEquals("Night shift", cyd.get("/api/groups").body().at("/groups/0/name").asText());
        JsonNode entry = channelEntry(cyd, "general");
        assertEquals(1, entry.get("unreadCount").asLong());
        assertEquals("while you were away", cyd.get("/api/conversations/" + general + "/messages").body().at("/messages/0/text").asText());

        // typing in a channel reaches the other members, never the typist nor a stranger
        TestClient.Socket anaWs = ana.connect(stack.wsUrlA());
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        TestClient.Socket eveWs = eve.connect(stack.wsUrlA());
        anaWs.next(ServerFrame.Welcome.class, WAIT);
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        eveWs.next(ServerFrame.Welcome.class, WAIT);
        anaWs.send(new ClientFrame.Typing("t1", general, TypingState.START));
        assertEquals(ana.id, bobWs.next(ServerEvent.Typing.class, WAIT).user());
        assertEquals(ana.id, cydWs.next(ServerEvent.Typing.class, WAIT).user());
        assertNull(anaWs.poll(ServerEvent.Typing.class, Duration.ofMillis(300)));
        assertNull(eveWs.poll(ServerEvent.Typing.class, Duration.ofMillis(300)));
        eveWs.send(new ClientFrame.Typing("t2", general, TypingState.START));
        assertEquals(ErrorCode.CONVERSATION_NOT_FOUND, eveWs.next(ServerFrame.Error.class, WAIT).code());
    }

    @Test
    void rolesLimitWhoMayDoWhat(ChatServers.Stack stack) {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        String g = ana.post("/api/groups", "{\"name\":\"Club\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");

        // a member cannot do admin things
        assertEquals("forbidden", bob.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}").body().get("code").asText());
        assertEquals(403, bob.post("/api/groups/" + g + "/channels", "{\"name\":\"random\"}").status());
        assertEquals(403, call(bob, "PATCH", "/api/groups/" + g, "{\"name\":\"Mine now\"}").status());
        // a stranger cannot even see it
        assertEquals("group_not_found", eve.get("/api/groups/" + g).body().get("code").asText());
        assertEquals(404, eve.get("/api/groups/" + g + "/members").status());
        assertEquals(404, eve.post("/api/groups/" + g + "/members", "{\"username\":\"eve\"}").status());

        // the owner makes bob admin; bob can now add people and channels, but not remove the owner or other admins
        assertEquals(200, call(ana, "PATCH", "/api/groups/" + g + "/members/" + bob.id, "{\"role\":\"admin\"}").status());
        assertEquals(201, bob.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}").status());
        assertEquals(201, bob.post("/api/groups/" + g + "/channels", "{\"name\":\"random\"}").status());
        assertEquals("channel_name_taken", bob.post("/api/groups/" + g + "/channels", "{\"name\":\"random\"}").body().get("code").asText());
        assertEquals("validation_failed", bob.post("/api/groups/" + g + "/channels", "{\"name\":\"Bad Name!\"}").body().get("code").asText());
        assertEquals(403, call(bob, "DELETE", "/api/groups/" + g + "/members/" + ana.id, null).status());
        assertEquals(403, call(bob, "PATCH", "/api/groups/" + g + "/members/" + cyd.id, "{\"role\":\"admin\"}").status());
        assertEquals("already_member", bob.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}").body().get("code").asText());

        // the owner cannot leave before transferring; after transferring she can
        assertEquals("owner_must_transfer", call(ana, "DELETE", "/api/groups/" + g + "/members/" + ana.id, null).body().get("code").asText());
        assertEquals(200, ana.post("/api/groups/" + g + "/transfer", "{\"userId\":\"" + bob.id + "\"}").status());
        assertEquals("owner", bob.get("/api/groups/" + g).body().get("myRole").asText());
        assertEquals(204, call(ana, "DELETE", "/api/groups/" + g + "/members/" + ana.id, null).status());
        assertEquals(404, ana.get("/api/groups/" + g).status());
        assertEquals(403, call(cyd, "DELETE", "/api/groups/" + g, null).status());
    }

    @Test
    void aRemovedMemberStopsReceivingAtOnceAndCannotRead(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        String g = ana.post("/api/groups", "{\"name\":\"Temp\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        UUID general = UUID.fromString(channelEntry(ana, "general").get("id").asText());
        TestClient.Socket bobWs = bob.connect(stack.wsUrlB());
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        ana.send(general, UUID.randomUUID().toString(), "before");
        assertEquals("before", bobWs.next(ServerEvent.MessageCreated.class, WAIT).message().text());

        assertEquals(204, call(ana, "DELETE", "/api/groups/" + g + "/members/" + bob.id, null).status());
        assertEquals(bob.id, bobWs.next(ServerEvent.GroupMemberRemoved.class, WAIT).user());
        ana.send(general, UUID.randomUUID().toString(), "after");
        assertNull(bobWs.poll(ServerEvent.MessageCreated.class, Duration.ofMillis(800)), "a removed member receives nothing more");
        assertEquals(404, bob.get("/api/conversations/" + general + "/messages").status());
        assertEquals(404, bob.send(general, UUID.randomUUID().toString(), "let me back").status());
        assertNull(channelEntry(bob, "general"));
    }

    @Test
    void theFiveHundredAndFirstMemberIsRefused(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        String g = ana.post("/api/groups", "{\"name\":\"Big\"}").body().get("id").asText();
        // 499 members besides the owner, inserted directly (signing up 499 users would only test Argon2)
        try (var c = stack.sql(); var st = c.createStatement()) {
            st.execute("""
                    WITH u AS (INSERT INTO users (username, display_name, password_hash)
                               SELECT 'filler_' || i, 'Filler ' || i, 'x' FROM generate_series(1, 499) i RETURNING id)
                    INSERT INTO group_members (group_id, user_id, role) SELECT '%s', id, 'member' FROM u""".formatted(g));
        }
        TestClient.signUp(stack.apiUrl(), "late");
        JsonNode refused = ana.post("/api/groups/" + g + "/members", "{\"username\":\"late\"}").body();
        assertEquals("group_full", refused.get("code").asText());
        assertEquals(500, ana.get("/api/groups/" + g).body().get("memberCount").asLong());
    }

    @Test
    void archivedChannelsTakeNoNewMessagesAndDeletingTheGroupTellsEveryone(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        String g = ana.post("/api/groups", "{\"name\":\"Old\"}").body().get("id").asText();
        ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}");
        JsonNode random = ana.post("/api/groups/" + g + "/channels", "{\"name\":\"random\"}").body();
        String channel = random.get("id").asText();
        assertEquals(200, call(ana, "PATCH", "/api/groups/" + g + "/channels/" + channel, "{\"archived\":true}").status());
        assertEquals("channel_archived", bob.send(UUID.fromString(channel), UUID.randomUUID().toString(), "hi").body().get("code").asText());

        TestClient.Socket bobWs = bob.connect(stack.wsUrlA());
        bobWs.next(ServerFrame.Welcome.class, WAIT);
        assertEquals(204, call(ana, "DELETE", "/api/groups/" + g, null).status());
        assertEquals(g, bobWs.next(ServerEvent.GroupDeleted.class, WAIT).group().toString());
        assertEquals(0, bob.get("/api/groups").body().get("groups").size());
        assertNull(channelEntry(bob, "general"), "the group leaves the inbox");
    }
}
