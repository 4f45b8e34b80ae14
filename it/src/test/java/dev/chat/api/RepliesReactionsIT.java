package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Message;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.chat.api.AttachmentsIT.assertProblem;
import static dev.chat.api.AttachmentsIT.count;
import static dev.chat.api.AttachmentsIT.lastSeq;
import static dev.chat.api.AttachmentsIT.sendFrame;
import static dev.chat.api.AttachmentsIT.sendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replies and reactions (issue 9) across two ws-nodes: quotes of the same conversation only,
 * reactions as a set per user live to every session, emoji validated, and a client that was away
 * catching up on edits and reactions through {@code lastVersion} and {@code …/changes}.
 */
@ExtendWith(ChatServers.class)
class RepliesReactionsIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration QUIET = Duration.ofMillis(1500);

    // ---------------------------------------------------------------- replies

    @Test
    void aReplyCarriesItsQuoteAcrossNodesAndOnlyQuotesLiveMessagesOfTheSameConversation(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient.signUp(stack.apiUrl(), "cyd");
        UUID chat = ana.openDirect("bob");
        UUID other = ana.openDirect("cyd");
        for (int i = 1; i <= 6; i++) {
            assertEquals(201, ana.send(other, "other-" + i + "-" + UUID.randomUUID(), "elsewhere " + i).status());
        }
        TestClient.Inbox anaWs = new TestClient.Inbox(ana.connect(stack.wsUrlA()));
        TestClient.Inbox bobWs = new TestClient.Inbox(bob.connect(stack.wsUrlB()));
        anaWs.take(ServerFrame.Welcome.class, WAIT);
        bobWs.take(ServerFrame.Welcome.class, WAIT);

        assertEquals(1, ana.send(chat, "q-msg-0001", "where do we meet?").body().get("seq").asLong());
        String longText = "0123456789abcdefghij".repeat(15); // 300 characters
        assertEquals(2, ana.send(chat, "q-msg-0002", longText).body().get("seq").asLong());

        // bob replies on ws-2; ana on ws-1 sees the quote
        bobWs.send(sendFrame("r-1", chat, "reply-0001", "at the station", null, 1L));
        ServerFrame.Ack ack = assertInstanceOf(ServerFrame.Ack.class, bobWs.reply("r-1", WAIT));
        assertEquals(3, ack.seq());
        assertQuote(TestClient.message(ack).replyTo(), 1, ana.id, "where do we meet?", false);
        ServerEvent.MessageCreated created = anaWs.take(ServerEvent.MessageCreated.class, m -> m.seq() == 3, WAIT);
        assertEquals("at the station", created.message().text());
        assertQuote(created.message().replyTo(), 1, ana.id, "where do we meet?", false);
        assertNull(created.message().replyTo().attachment());

        // by REST, quoting a long message: the quote is its first 200 characters
        TestClient.Response longReply = sendWith(bob, chat, "reply-0002", "so long", null, 2L);
        assertEquals(201, longReply.status(), longReply.raw());
        assertEquals(4, longReply.body().get("seq").asLong());
        assertQuote(longReply.body().get("replyTo"), 2, ana.id, longText.substring(0, 200), false);
        assertQuote(anaWs.take(ServerEvent.MessageCreated.class, m -> m.seq() == 4, WAIT).message().replyTo(),
                2, ana.id, longText.substring(0, 200), false);
        // a retry is the same message
        TestClient.Response retry = sendWith(bob, chat, "reply-0002", "so long", null, 2L);
        assertEquals(200, retry.status());
        assertEquals(4, retry.body().get("seq").asLong());

        // seq 5 and 6 exist only in the other conversation: no quoting across conversations
        assertProblem(sendWith(bob, chat, "reply-0003", "sneaky", null, 5L), 404, "reply_target_not_found");
        assertProblem(sendWith(ana, chat, "reply-0004", "sneaky", null, 6L), 404, "reply_target_not_found");
        assertProblem(sendWith(bob, chat, "reply-0005", "nothing there", null, 999L), 404, "reply_target_not_found");
        bobWs.send(sendFrame("r-2", chat, "reply-0006", "sneaky", null, 5L));
        ServerFrame.Error wsDenied = assertInstanceOf(ServerFrame.Error.class, bobWs.reply("r-2", WAIT));
        assertEquals(ErrorCode.REPLY_TARGET_NOT_FOUND, wsDenied.code());
        for (String bad : List.of("0", "-1", "\"one\"", "1.5", "true")) {
            assertProblem(bob.post("/api/conversations/" + chat + "/messages",
                    "{\"clientMsgId\":\"reply-bad-01\",\"text\":\"x\",\"replyTo\":" + bad + "}"), 400, "validation_failed");
        }
        assertEquals(4, lastSeq(bob, chat), "nothing stored");
        assertEquals(4, CrossNodeMessagingIT.countMessages(stack, chat));

        // the original is deleted: no new replies to it, and the quote of the old reply shows no text
        assertEquals(200, ana.delete("/api/conversations/" + chat + "/messages/1").status());
        assertProblem(sendWith(bob, chat, "reply-0007", "too late", null, 1L), 409, "message_deleted");
        assertEquals(4, lastSeq(bob, chat));

        // history pages carry the quotes
        JsonNode page = bob.get("/api/conversations/" + chat + "/messages").body().get("messages");
        assertEquals(4, page.size());
        assertTrue(page.get(0).get("replyTo").isNull(), "not a reply");
        assertTrue(page.get(1).get("replyTo").isNull());
        assertQuote(page.get(2).get("replyTo"), 1, ana.id, "", true);
        assertQuote(page.get(3).get("replyTo"), 2, ana.id, longText.substring(0, 200), false);
        JsonNode after = bob.get("/api/conversations/" + chat + "/messages?after=3").body().get("messages");
        assertQuote(after.get(0).get("replyTo"), 2, ana.id, longText.substring(0, 200), false);
        JsonNode before = ana.get("/api/conversations/" + chat + "/messages?before=4&limit=1").body().get("messages");
        assertQuote(before.get(0).get("replyTo"), 1, ana.id, "", true);

        // a reply to a message with an attachment names it
        String att = AttachmentsIT.upload(ana, chat, "plan.pdf", "application/pdf", AttachmentsIT.pdf(5000, 9)).get("id").asText();
        assertEquals(5, sendWith(ana, chat, "with-att-0001", "the plan", att, null).body().get("seq").asLong());
        JsonNode toFile = sendWith(bob, chat, "reply-0008", "got it", null, 5L).body();
        assertQuote(toFile.get("replyTo"), 5, ana.id, "the plan", false);
        assertEquals("file", toFile.at("/replyTo/attachment/kind").asText(), toFile.toString());
        assertEquals("plan.pdf", toFile.at("/replyTo/attachment/name").asText());
    }

    // ---------------------------------------------------------------- reactions, live

    @Test
    void reactionsAreASetPerUserAndReachEverySessionOfEveryMemberOnBothNodes(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = ana.openDirect("bob");
        assertEquals(1, ana.send(chat, "m-msg-0001", "shall we?").body().get("seq").asLong());
        long v0 = conversation(ana, chat).get("lastVersion").asLong();

        TestClient.Inbox anaWs = new TestClient.Inbox(ana.connect(stack.wsUrlA()));
        TestClient.Inbox bobWs = new TestClient.Inbox(bob.connect(stack.wsUrlB()));
        TestClient.Inbox bobPhone = new TestClient.Inbox(bob.connect(stack.wsUrlA()));
        TestClient.Inbox eveWs = new TestClient.Inbox(eve.connect(stack.wsUrlB()));
        for (TestClient.Inbox s : List.of(anaWs, bobWs, bobPhone, eveWs)) {
            s.take(ServerFrame.Welcome.class, WAIT);
        }
        List<TestClient.Inbox> members = List.of(anaWs, bobWs, bobPhone);

        // bob reacts on ws-2
        bobWs.send(reactFrame("x-1", chat, 1, "👍", true));
        Message.Reactions r1 = tally(bobWs.reply("x-1", WAIT));
        assertEquals(chat, r1.conversation());
        assertEquals(1, r1.seq());
        long v1 = r1.version();
        assertTrue(v1 > v0, "a reaction bumps the version: " + v0 + " → " + v1);
        assertReactions(r1.reactions(), new R("👍", bob.id));
        for (TestClient.Inbox s : members) {
            ServerEvent.ReactionUpdated e = s.take(ServerEvent.ReactionUpdated.class, WAIT);
            assertEvent(e, chat, 1, v1, bob.id, "👍", true, new R("👍", bob.id));
            // the wire form itself: versioned, and no recipient list reaches a client
            JsonNode raw = TestClient.MAPPER.readTree(s.socket.texts.stream().filter(t -> t.contains(e.id().toString())).findFirst().orElseThrow());
            assertEquals(1, raw.get("v").asInt(), raw.toString());
            assertFalse(raw.has("to"), "recipient lists never reach clients");
        }

        // ana adds the same emoji: two
        anaWs.send(reactFrame("x-2", chat, 1, "👍", true));
        Message.Reactions r2 = tally(anaWs.reply("x-2", WAIT));
        long v2 = r2.version();
        assertTrue(v2 > v1);
        assertReactions(r2.reactions(), new R("👍", bob.id, ana.id));
        for (TestClient.Inbox s : members) {
            assertEvent(s.take(ServerEvent.ReactionUpdated.class, WAIT), chat, 1, v2, ana.id, "👍", true, new R("👍", bob.id, ana.id));
        }

        // the same again is a set, not a toggle: still two, no event, no new version
        anaWs.send(reactFrame("x-3", chat, 1, "👍", true));
        Message.Reactions r3 = tally(anaWs.reply("x-3", WAIT));
        assertReactions(r3.reactions(), new R("👍", bob.id, ana.id));
        assertEquals(v2, r3.version(), "nothing changed");
        for (TestClient.Inbox s : members) {
            assertEquals(List.of(), s.drain(ServerEvent.ReactionUpdated.class, QUIET), "no event for a reaction already there");
        }

        // on:false removes (and is idempotent too)
        anaWs.send(reactFrame("x-4", chat, 1, "👍", false));
        Message.Reactions r4 = tally(anaWs.reply("x-4", WAIT));
        long v4 = r4.version();
        assertTrue(v4 > v2);
        assertReactions(r4.reactions(), new R("👍", bob.id));
        for (TestClient.Inbox s : members) {
            assertEvent(s.take(ServerEvent.ReactionUpdated.class, WAIT), chat, 1, v4, ana.id, "👍", false, new R("👍", bob.id));
        }
        anaWs.send(reactFrame("x-5", chat, 1, "👍", false));
        assertReactions(tally(anaWs.reply("x-5", WAIT)).reactions(), new R("👍", bob.id));
        assertEquals(List.of(), bobWs.drain(ServerEvent.ReactionUpdated.class, QUIET));

        // a second emoji comes after the first (order of first use), by REST this time
        TestClient.Response heart = react(bob, chat, 1, "❤️", true);
        assertEquals(200, heart.status(), heart.raw());
        long v5 = heart.body().get("version").asLong();
        assertReactions(heart.body().get("reactions"), new R("👍", bob.id), new R("❤️", bob.id));
        for (TestClient.Inbox s : members) {
            assertEvent(s.take(ServerEvent.ReactionUpdated.class, WAIT), chat, 1, v5, bob.id, "❤️", true, new R("👍", bob.id), new R("❤️", bob.id));
        }
        assertEquals(List.of(), eveWs.drain(ServerEvent.ReactionUpdated.class, Duration.ofMillis(200)), "a stranger hears nothing");

        // history and the conversation agree with the events
        JsonNode m = bob.get("/api/conversations/" + chat + "/messages").body().at("/messages/0");
        assertReactions(m.get("reactions"), new R("👍", bob.id), new R("❤️", bob.id));
        assertEquals(v5, m.get("version").asLong());
        assertEquals(v5, conversation(ana, chat).get("lastVersion").asLong());
        assertEquals(v5, conversation(bob, chat).get("lastVersion").asLong());

        // errors over the socket: a stranger's conversation, a missing message, a bad emoji
        eveWs.send(reactFrame("e-1", chat, 1, "👍", true));
        assertEquals(ErrorCode.CONVERSATION_NOT_FOUND, error(eveWs.reply("e-1", WAIT)).code());
        anaWs.send(reactFrame("e-2", chat, 99, "👍", true));
        assertEquals(ErrorCode.MESSAGE_NOT_FOUND, error(anaWs.reply("e-2", WAIT)).code());
        anaWs.send(reactFrame("e-3", chat, 1, "", true));
        assertEquals(ErrorCode.VALIDATION_FAILED, error(anaWs.reply("e-3", WAIT)).code());
        anaWs.send(reactFrame("e-4", chat, 1, "👍👍", true));
        assertEquals(ErrorCode.VALIDATION_FAILED, error(anaWs.reply("e-4", WAIT)).code());
        assertEquals(2, count(stack, "SELECT count(*) FROM reactions"), "bob's 👍 and ❤️, nothing else");
    }

    // ---------------------------------------------------------------- reactions, REST and validation

    @Test
    void anySingleEmojiIsAcceptedByRestAndAnythingElseIsRefusedWithNothingStored(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = ana.openDirect("bob");
        assertEquals(201, ana.send(chat, "m-msg-0001", "vote").status());
        assertEquals(201, ana.send(chat, "m-msg-0002", "to be deleted").status());
        TestClient.Inbox bobWs = new TestClient.Inbox(bob.connect(stack.wsUrlB()));
        bobWs.take(ServerFrame.Welcome.class, WAIT);

        List<String> good = List.of("👍", "❤️", "👨\u200D👩\u200D👧", "🇫🇷", "👍🏽", "1️⃣");
        List<R> expected = new ArrayList<>();
        for (String emoji : good) {
            TestClient.Response r = react(ana, chat, 1, emoji, true);
            assertEquals(200, r.status(), emoji + ": " + r.raw());
            expected.add(new R(emoji, ana.id));
            assertReactions(r.body().get("reactions"), expected.toArray(R[]::new));
            ServerEvent.ReactionUpdated event = bobWs.take(ServerEvent.ReactionUpdated.class, WAIT);
            assertEquals(emoji, event.emoji(), "the emoji arrives exactly as sent");
        }
        // remove one in the middle
        TestClient.Response removed = react(ana, chat, 1, "🇫🇷", false);
        assertEquals(200, removed.status(), removed.raw());
        expected.removeIf(x -> x.emoji().equals("🇫🇷"));
        assertReactions(removed.body().get("reactions"), expected.toArray(R[]::new));
        ServerEvent.ReactionUpdated off = bobWs.take(ServerEvent.ReactionUpdated.class, WAIT);
        assertEquals("🇫🇷", off.emoji());
        assertFalse(off.on());
        assertReactions(bob.get("/api/conversations/" + chat + "/messages").body().at("/messages/0/reactions"), expected.toArray(R[]::new));

        long stored = count(stack, "SELECT count(*) FROM reactions");
        assertEquals(expected.size(), stored);
        long version = conversation(ana, chat).get("lastVersion").asLong();
        List<String> accepted = new ArrayList<>();
        for (String bad : List.of("a", "1", "👍👍", "<b>", "x".repeat(40), "👍".repeat(20), "👍 ", " ", "ab👍", "\u200D", "\uFE0F",
                "👍\u200D", "👍🏽🏽")) { // a dangling joiner; two skin tones on one hand
            TestClient.Response r = react(ana, chat, 1, bad, true);
            if (r.status() != 400) {
                accepted.add(bad.codePoints().mapToObj(Integer::toHexString).toList() + " → " + r.status());
                react(ana, chat, 1, bad, false); // undone, so the checks below still count what they should
            } else {
                assertProblem(r, 400, "validation_failed");
            }
        }
        assertEquals(List.of(), accepted, "not one emoji each, yet accepted");
        assertProblem(TestClient.request(ana.apiUrl, "PUT", "/api/conversations/" + chat + "/messages/1/reactions/%F0%9F", ana.token, null),
                400, "validation_failed"); // half of a UTF-8 sequence
        assertEquals(stored, count(stack, "SELECT count(*) FROM reactions"), "nothing stored");
        assertEquals(version, conversation(ana, chat).get("lastVersion").asLong(), "nothing changed");
        assertEquals(List.of(), bobWs.drain(ServerEvent.ReactionUpdated.class, Duration.ofMillis(500)));

        // not a member, no such message, a deleted message
        assertProblem(react(eve, chat, 1, "👍", true), 404, "conversation_not_found");
        assertProblem(react(eve, chat, 1, "👍", false), 404, "conversation_not_found");
        assertProblem(react(ana, UUID.randomUUID(), 1, "👍", true), 404, "conversation_not_found");
        assertProblem(react(ana, chat, 99, "👍", true), 404, "message_not_found");
        assertEquals(200, ana.delete("/api/conversations/" + chat + "/messages/2").status());
        assertProblem(react(bob, chat, 2, "👍", true), 409, "message_deleted");
        assertEquals(stored, count(stack, "SELECT count(*) FROM reactions"));

        // at most 20 different emoji by one user on one message
        for (int i = 0; i < 20; i++) {
            assertEquals(200, react(bob, chat, 1, new String(Character.toChars(0x1F600 + i)), true).status());
        }
        assertProblem(react(bob, chat, 1, new String(Character.toChars(0x1F600 + 20)), true), 409, "too_many_reactions");
        assertEquals(200, react(bob, chat, 1, new String(Character.toChars(0x1F600)), true).status(), "one already there is fine");
        assertEquals(stored + 20, count(stack, "SELECT count(*) FROM reactions"));
    }

    // ---------------------------------------------------------------- offline sync of changes

    @Test
    void aClientThatWasAwayCatchesUpOnReactionsEditsAndDeletesThroughChanges(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = ana.openDirect("bob");
        for (int i = 1; i <= 4; i++) {
            assertEquals(201, ana.send(chat, "m-msg-000" + i, "message " + i).status());
        }
        TestClient.Inbox bobWs = new TestClient.Inbox(bob.connect(stack.wsUrlB()));
        bobWs.take(ServerFrame.Welcome.class, WAIT);
        assertEquals(200, react(bob, chat, 4, "🎉", true).status());
        bobWs.take(ServerEvent.ReactionUpdated.class, WAIT);
        // what bob's device holds when it goes away
        long held = conversation(bob, chat).get("lastVersion").asLong();
        assertTrue(held > 0);
        JsonNode nothingYet = bob.get("/api/conversations/" + chat + "/changes?since=" + held).body();
        assertEquals(0, nothingYet.get("messages").size(), nothingYet.toString());
        assertFalse(nothingYet.get("hasMore").asBoolean());

        bobWs.socket.close();
        bobWs.socket.closeCode.get(5, java.util.concurrent.TimeUnit.SECONDS);

        // while bob is away: ana reacts to 1, edits 2, reacts to 3 and deletes it, edits 1
        assertEquals(200, react(ana, chat, 1, "😂", true).status());
        assertEquals(200, TestClient.request(ana.apiUrl, "PATCH", "/api/conversations/" + chat + "/messages/2", ana.token, "{\"text\":\"message 2, edited\"}").status());
        assertEquals(200, react(ana, chat, 3, "👀", true).status());
        assertEquals(200, ana.delete("/api/conversations/" + chat + "/messages/3").status());
        assertEquals(200, TestClient.request(ana.apiUrl, "PATCH", "/api/conversations/" + chat + "/messages/1", ana.token, "{\"text\":\"message 1, edited\"}").status());
        // a new message is not a change of an old one
        assertEquals(201, ana.send(chat, "m-msg-0005", "message 5").status());

        // back: the conversation says something changed; the changes are exactly those messages
        TestClient.Inbox back = new TestClient.Inbox(bob.connect(stack.wsUrlA()));
        back.take(ServerFrame.Welcome.class, WAIT);
        JsonNode view = conversation(bob, chat);
        long lastVersion = view.get("lastVersion").asLong();
        assertTrue(lastVersion >= held + 5, "five changes: " + held + " → " + lastVersion);
        JsonNode inboxEntry = null;
        for (JsonNode c : bob.get("/api/conversations").body().get("conversations")) {
            if (c.get("id").asText().equals(chat.toString())) {
                inboxEntry = c;
            }
        }
        assertNotNull(inboxEntry);
        assertEquals(lastVersion, inboxEntry.get("lastVersion").asLong(), "the inbox tells the same");

        JsonNode changes = bob.get("/api/conversations/" + chat + "/changes?since=" + held).body();
        assertFalse(changes.get("hasMore").asBoolean());
        JsonNode msgs = changes.get("messages");
        List<Long> seqs = new ArrayList<>();
        long prev = held;
        for (JsonNode m : msgs) {
            seqs.add(m.get("seq").asLong());
            long v = m.get("version").asLong();
            assertTrue(v > prev, "ascending by version, all above " + held + ": " + msgs);
            prev = v;
        }
        assertEquals(List.of(2L, 3L, 1L), seqs, "each changed message once, in the order of its last change: " + msgs);
        assertEquals(lastVersion, prev, "the newest change is the conversation's version");
        JsonNode two = msgs.get(0);
        assertEquals("message 2, edited", two.get("text").asText());
        assertNotNull(two.get("editedAt"));
        assertFalse(two.get("editedAt").isNull());
        JsonNode three = msgs.get(1);
        assertTrue(three.get("deleted").asBoolean());
        assertEquals("", three.get("text").asText());
        JsonNode one = msgs.get(2);
        assertEquals("message 1, edited", one.get("text").asText());
        assertReactions(one.get("reactions"), new R("😂", ana.id));

        // paging through the same changes one at a time gives the same sequence
        List<Long> paged = new ArrayList<>();
        long since = held;
        boolean more = true;
        while (more) {
            JsonNode p = bob.get("/api/conversations/" + chat + "/changes?since=" + since + "&limit=1").body();
            assertTrue(p.get("messages").size() <= 1, p.toString());
            if (p.get("messages").isEmpty()) {
                assertFalse(p.get("hasMore").asBoolean());
                break;
            }
            paged.add(p.at("/messages/0/seq").asLong());
            since = p.at("/messages/0/version").asLong();
            more = p.get("hasMore").asBoolean();
            assertTrue(paged.size() <= 3, "paging ends: " + paged);
        }
        assertEquals(List.of(2L, 3L, 1L), paged);
        assertEquals(0, bob.get("/api/conversations/" + chat + "/changes?since=" + lastVersion).body().get("messages").size());
        // from the start: the reaction bob made before going away is there too
        JsonNode all = bob.get("/api/conversations/" + chat + "/changes?since=0").body().get("messages");
        Set<Long> allSeqs = new HashSet<>();
        all.forEach(m -> allSeqs.add(m.get("seq").asLong()));
        assertEquals(Set.of(1L, 2L, 3L, 4L), allSeqs, all.toString());

        // bad cursors and strangers
        assertProblem(bob.get("/api/conversations/" + chat + "/changes?since=-1"), 400, "validation_failed");
        assertProblem(bob.get("/api/conversations/" + chat + "/changes?since=abc"), 400, "validation_failed");
        assertProblem(bob.get("/api/conversations/" + chat + "/changes?since=0&limit=0"), 400, "validation_failed");
        assertProblem(bob.get("/api/conversations/" + chat + "/changes?since=0&limit=101"), 400, "validation_failed");
        assertProblem(eve.get("/api/conversations/" + chat + "/changes?since=0"), 404, "conversation_not_found");
    }

    // ================================================================ helpers

    /** An expected reaction: its emoji and who reacted (count = how many). */
    record R(String emoji, Set<UUID> users) {
        R(String emoji, UUID... users) {
            this(emoji, Set.of(users));
        }
    }

    private static void assertReactions(JsonNode actual, R... expected) {
        assertNotNull(actual);
        assertTrue(actual.isArray(), String.valueOf(actual));
        assertEquals(expected.length, actual.size(), actual.toString());
        for (int i = 0; i < expected.length; i++) {
            JsonNode a = actual.get(i);
            assertEquals(expected[i].emoji(), a.get("emoji").asText(), "in order of first use: " + actual);
            assertEquals(expected[i].users().size(), a.get("count").asInt(), actual.toString());
            Set<UUID> users = new HashSet<>();
            a.get("users").forEach(u -> users.add(UUID.fromString(u.asText())));
            assertEquals(a.get("users").size(), users.size(), "each user once: " + a);
            assertEquals(expected[i].users(), users, actual.toString());
        }
    }

    /** The same check of a tally as read by the protocol's records (an ack's result, an event). */
    private static void assertReactions(List<Message.Reaction> actual, R... expected) {
        assertNotNull(actual);
        assertEquals(expected.length, actual.size(), actual.toString());
        for (int i = 0; i < expected.length; i++) {
            Message.Reaction a = actual.get(i);
            assertEquals(expected[i].emoji(), a.emoji(), "in order of first use: " + actual);
            assertEquals(expected[i].users().size(), a.count(), actual.toString());
            assertEquals(a.users().size(), Set.copyOf(a.users()).size(), "each user once: " + a);
            assertEquals(expected[i].users(), Set.copyOf(a.users()), actual.toString());
        }
    }

    private static void assertEvent(ServerEvent.ReactionUpdated e, UUID chat, long seq, long version, UUID user, String emoji, boolean on,
                                    R... reactions) {
        assertNotNull(e.id(), "an event id");
        assertEquals(chat, e.conversation());
        assertEquals(seq, e.seq());
        assertEquals(version, e.version(), e.toString());
        assertEquals(user, e.user());
        assertEquals(emoji, e.emoji());
        assertEquals(on, e.on());
        assertReactions(e.reactions(), reactions);
    }

    private static void assertQuote(Message.Quote q, long seq, UUID sender, String text, boolean deleted) {
        assertNotNull(q, "a quote");
        assertEquals(seq, q.seq(), q.toString());
        assertEquals(sender, q.senderId());
        assertEquals(text, q.text(), q.toString());
        assertEquals(deleted, q.deleted());
    }

    private static void assertQuote(JsonNode q, long seq, UUID sender, String text, boolean deleted) {
        assertNotNull(q);
        assertFalse(q.isNull() || q.isMissingNode(), "a quote");
        assertEquals(seq, q.get("seq").asLong(), q.toString());
        assertEquals(sender.toString(), q.get("senderId").asText());
        assertEquals(text, q.get("text").asText(), q.toString());
        assertEquals(deleted, q.get("deleted").asBoolean());
    }

    /** A react's answer: an ack, with the message's tally. */
    private static Message.Reactions tally(ServerFrame answer) {
        return TestClient.tally(assertInstanceOf(ServerFrame.Ack.class, answer));
    }

    private static ServerFrame.Error error(ServerFrame answer) {
        return assertInstanceOf(ServerFrame.Error.class, answer);
    }

    static JsonNode conversation(TestClient who, UUID chat) {
        TestClient.Response r = who.get("/api/conversations/" + chat);
        assertEquals(200, r.status(), r.raw());
        return r.body();
    }

    static ClientFrame.React reactFrame(String frameId, UUID chat, long seq, String emoji, boolean on) {
        return new ClientFrame.React(frameId, chat, seq, emoji, on);
    }

    /** PUT (on) or DELETE (off) …/reactions/{emoji}, the emoji percent-encoded as UTF-8. */
    static TestClient.Response react(TestClient who, UUID chat, long seq, String emoji, boolean on) {
        String path = "/api/conversations/" + chat + "/messages/" + seq + "/reactions/"
                + URLEncoder.encode(emoji, StandardCharsets.UTF_8).replace("+", "%20");
        return TestClient.request(who.apiUrl, on ? "PUT" : "DELETE", path, who.token, null);
    }
}
