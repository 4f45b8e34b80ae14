package dev.chat.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerEventsTest {
    private static final UUID ID = UUID.fromString("c0a80000-0000-4000-8000-000000000001");
    private static final UUID CHAT = UUID.fromString("5b1c9a0e-0000-4000-8000-000000000002");
    private static final UUID ANA = UUID.fromString("7b4f3c4e-0000-4000-8000-000000000003");
    private static final UUID BOB = UUID.fromString("b0b00000-0000-4000-8000-000000000004");
    private static final UUID GROUP = UUID.fromString("9c1e0000-0000-4000-8000-000000000005");
    private static final String AT = "2026-11-22T10:15:30.123Z";
    /** Writes as api's mapper does: java.time as RFC 3339 strings. */
    private final ObjectMapper api = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private final ServerEvents events = new ServerEvents();

    private static String event(String type, String conversationAndSeq, String data) {
        return "{\"type\":\"" + type + "\",\"v\":1,\"id\":\"" + ID + "\"" + conversationAndSeq + ",\"at\":\"" + AT + "\",\"data\":" + data
                + ",\"addedLater\":{\"x\":1}}";
    }

    private static String in(UUID conversation, Long seq) {
        return ",\"conversation\":\"" + conversation + "\"" + (seq == null ? "" : ",\"seq\":" + seq);
    }

    private static Message message(long seq, String text) {
        return new Message(CHAT, seq, ANA, "client-" + seq, text, Instant.parse(AT), null, false, seq,
                new Message.Quote(1, BOB, "where?", false, new Message.AttachmentBrief("image", "map.png")),
                new Message.Attachment(UUID.randomUUID(), "notes.pdf", 1234, "application/pdf", "file", null, null, false, null, null),
                List.of(new Message.Reaction("👍", 2, List.of(ANA, BOB))));
    }

    @Test
    void theServersOwnFramesComeBackAsTheyWereWritten() {
        ServerFrames writer = new ServerFrames(api);
        List<ServerFrame> frames = List.of(
                new ServerFrame.Welcome("ws-1", UUID.randomUUID(), 25, ANA, "ana_1"),
                new ServerFrame.Pong("c-1"),
                new ServerFrame.Error("", ErrorCode.UNKNOWN_FRAME, "Unknown frame type."),
                new ServerFrame.Error("f-9", ErrorCode.RATE_LIMITED, "You are sending messages too fast; slow down.", 12));
        for (ServerFrame f : frames) {
            assertEquals(f, events.decode(writer.encode(f)));
        }
        Message sent = message(5, "hello");
        ServerFrame.Ack ack = (ServerFrame.Ack) events.decode(writer.encode(new ServerFrame.Ack("f-1", 5L, sent)));
        assertEquals("f-1", ack.id());
        assertEquals(5L, ack.seq());
        assertEquals(sent, events.result(ack, Message.class), "a send's result is the message");
        Message.Reactions tally = new Message.Reactions(CHAT, 12, 7, List.of(new Message.Reaction("👍", 1, List.of(BOB))));
        ServerFrame.Ack reacted = (ServerFrame.Ack) events.decode(writer.encode(new ServerFrame.Ack("x-1", null, tally)));
        assertNull(reacted.seq());
        assertEquals(tally, events.result(reacted, Message.Reactions.class));
    }

    @Test
    void messageEventsCarryTheMessageAsApiWritesIt() throws Exception {
        Message m = message(5, "hello \"you\"");
        String data = api.writeValueAsString(m);
        assertEquals(new ServerEvent.MessageCreated(ID, CHAT, 5, Instant.parse(AT), m),
                events.decode(event("message.created", in(CHAT, 5L), data)));
        assertEquals(new ServerEvent.MessageUpdated(ID, CHAT, 5, Instant.parse(AT), m),
                events.decode(event("message.updated", in(CHAT, 5L), data)));
        ServerEvent.MessageDeleted moderated = (ServerEvent.MessageDeleted) events.decode(event("message.deleted", in(CHAT, 5L),
                data.substring(0, data.length() - 1) + ",\"moderated\":true}"));
        assertTrue(moderated.moderated());
        assertEquals(m, moderated.tombstone());
        assertFalse(((ServerEvent.MessageDeleted) events.decode(event("message.deleted", in(CHAT, 5L), data))).moderated());
    }

    @Test
    void everyEventAClientGetsIsRead() {
        Instant at = Instant.parse(AT);
        List<Object[]> cases = List.of(
                new Object[] {event("receipt.updated", in(CHAT, null), "{\"conversation\":\"" + CHAT + "\",\"user\":\"" + BOB
                        + "\",\"deliveredSeq\":50,\"readSeq\":48}"), new ServerEvent.ReceiptUpdated(ID, CHAT, at, BOB, 50, 48)},
                new Object[] {event("receipts.advanced", in(CHAT, null), "{\"conversation\":\"" + CHAT + "\",\"deliveredSeq\":40,\"readSeq\":38}"),
                        new ServerEvent.ReceiptsAdvanced(ID, CHAT, at, 40, 38)},
                new Object[] {event("typing", in(CHAT, null), "{\"user\":\"" + ANA + "\",\"state\":\"start\",\"expiresInMs\":6000}"),
                        new ServerEvent.Typing(ID, CHAT, at, ANA, TypingState.START, 6000)},
                new Object[] {event("presence", "", "{\"user\":\"" + BOB + "\",\"state\":\"offline\",\"lastSeen\":\"" + AT + "\"}"),
                        new ServerEvent.Presence(ID, at, BOB, false, at)},
                new Object[] {event("presence", "", "{\"user\":\"" + BOB + "\",\"state\":\"online\",\"lastSeen\":null}"),
                        new ServerEvent.Presence(ID, at, BOB, true, null)},
                new Object[] {event("reaction.updated", in(CHAT, 12L), "{\"conversation\":\"" + CHAT + "\",\"seq\":12,\"version\":7,\"user\":\""
                        + ANA + "\",\"emoji\":\"👍\",\"on\":true,\"reactions\":[{\"emoji\":\"👍\",\"count\":2,\"users\":[\"" + BOB + "\",\"" + ANA + "\"]}]}"),
                        new ServerEvent.ReactionUpdated(ID, CHAT, 12, at, 7, ANA, "👍", true,
                                List.of(new Message.Reaction("👍", 2, List.of(BOB, ANA))))},
                new Object[] {event("user.updated", "", "{\"id\":\"" + BOB + "\",\"username\":\"bob\",\"displayName\":\"Robert\"}"),
                        new ServerEvent.UserUpdated(ID, at, BOB, "bob", "Robert")},
                new Object[] {event("group.deleted", "", "{\"id\":\"" + GROUP + "\"}"), new ServerEvent.GroupDeleted(ID, at, GROUP)},
                new Object[] {event("group.member.added", "", "{\"group\":\"" + GROUP + "\",\"user\":\"" + BOB + "\",\"role\":\"member\"}"),
                        new ServerEvent.GroupMemberAdded(ID, at, GROUP, BOB, "member")},
                new Object[] {event("group.member.removed", "", "{\"group\":\"" + GROUP + "\",\"user\":\"" + BOB + "\"}"),
                        new ServerEvent.GroupMemberRemoved(ID, at, GROUP, BOB)},
                new Object[] {event("announcement", "", "{\"id\":\"" + GROUP + "\",\"text\":\"Maintenance at 22:00 UTC\",\"by\":\"root\"}"),
                        new ServerEvent.Announcement(ID, at, GROUP, "Maintenance at 22:00 UTC", "root")},
                new Object[] {event("call.incoming", in(CHAT, null), "{\"call\":\"" + GROUP + "\",\"from\":\"" + ANA
                        + "\",\"video\":true,\"sdp\":\"v=0\\r\\n\"}"), new ServerEvent.CallIncoming(ID, CHAT, at, GROUP, ANA, true, "v=0\r\n")},
                new Object[] {event("call.ringing", in(CHAT, null), "{\"call\":\"" + GROUP + "\"}"), new ServerEvent.CallRinging(ID, CHAT, at, GROUP)},
                new Object[] {event("call.answered", in(CHAT, null), "{\"call\":\"" + GROUP + "\",\"sdp\":\"v=0\"}"),
                        new ServerEvent.CallAnswered(ID, CHAT, at, GROUP, "v=0")},
                new Object[] {event("call.answered.elsewhere", in(CHAT, null), "{\"call\":\"" + GROUP + "\",\"session\":\"" + BOB + "\"}"),
                        new ServerEvent.CallAnsweredElsewhere(ID, CHAT, at, GROUP, BOB)},
                new Object[] {event("call.ice", in(CHAT, null), "{\"call\":\"" + GROUP + "\",\"candidate\":\"candidate:1\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}"),
                        new ServerEvent.CallIce(ID, CHAT, at, GROUP, "candidate:1", "0", 0)},
                new Object[] {event("call.media", in(CHAT, null), "{\"call\":\"" + GROUP + "\",\"user\":\"" + BOB + "\",\"audio\":false,\"video\":true}"),
                        new ServerEvent.CallMedia(ID, CHAT, at, GROUP, BOB, false, true)},
                new Object[] {event("call.renegotiate", in(CHAT, null), "{\"call\":\"" + GROUP + "\",\"sdp\":\"v=0\",\"kind\":\"offer\"}"),
                        new ServerEvent.CallRenegotiate(ID, CHAT, at, GROUP, "v=0", true)},
                new Object[] {event("call.ended", in(CHAT, null), "{\"call\":\"" + GROUP + "\",\"reason\":\"missed\",\"by\":null,\"durationMs\":0}"),
                        new ServerEvent.CallEnded(ID, CHAT, at, GROUP, "missed", null, 0)},
                new Object[] {event("huddle.updated", in(CHAT, null), "{\"huddle\":\"" + GROUP + "\",\"state\":\"live\",\"version\":3,"
                        + "\"participants\":[{\"user\":\"" + BOB + "\",\"session\":\"" + ANA + "\",\"audio\":false,\"video\":true,"
                        + "\"screen\":true,\"joinedAt\":\"" + AT + "\"}]}"),
                        new ServerEvent.HuddleUpdated(ID, CHAT, at, GROUP, 3, true, List.of(new ServerEvent.HuddlePeer(BOB, ANA, false, true, true)))},
                new Object[] {event("huddle.signal", in(CHAT, null), "{\"huddle\":\"" + GROUP + "\",\"from\":\"" + BOB + "\",\"fromSession\":\""
                        + ANA + "\",\"kind\":\"ice\",\"candidate\":\"candidate:1\",\"sdpMid\":\"0\",\"sdpMLineIndex\":1}"),
                        new ServerEvent.HuddleSignal(ID, CHAT, at, GROUP, BOB, ANA, "ice", null, "candidate:1", "0", 1)});
        Set<EventType> seen = EnumSet.of(EventType.MESSAGE_CREATED, EventType.MESSAGE_UPDATED, EventType.MESSAGE_DELETED);
        for (Object[] c : cases) {
            ServerEvent e = (ServerEvent) events.decode((String) c[0]);
            assertEquals(c[1], e, (String) c[0]);
            seen.add(e.type());
        }
        String conversation = "{\"id\":\"" + CHAT + "\",\"kind\":\"direct\",\"lastSeq\":0}";
        ServerEvent.ConversationCreated created = (ServerEvent.ConversationCreated) events.decode(event("conversation.created", in(CHAT, null), conversation));
        assertEquals(CHAT, created.conversation());
        assertEquals("direct", created.data().path("kind").asText());
        ServerEvent.ConversationUpdated updated = (ServerEvent.ConversationUpdated) events.decode(event("conversation.updated", in(CHAT, null), conversation));
        assertEquals(0, updated.data().path("lastSeq").asLong());
        ServerEvent.ContactUpdated contact = (ServerEvent.ContactUpdated) events.decode(event("contact.updated", "", "{\"id\":\"" + BOB + "\",\"alias\":\"Bobby\"}"));
        assertEquals("Bobby", contact.data().path("alias").asText());
        ServerEvent.GroupUpdated group = (ServerEvent.GroupUpdated) events.decode(event("group.updated", "", "{\"id\":\"" + GROUP + "\",\"name\":\"Team\"}"));
        assertEquals("Team", group.data().path("name").asText());
        seen.addAll(List.of(created.type(), updated.type(), contact.type(), group.type()));
        @SuppressWarnings("deprecation")
        Set<EventType> neverToClients = EnumSet.of(EventType.COMMAND_REPLY, EventType.SESSION_REVOKED);
        assertEquals(EnumSet.complementOf(EnumSet.copyOf(neverToClients)), seen, "every event a client can get is read here");
    }

    @Test
    void whatTheServerNeverWritesIsRefused() {
        for (String bad : List.of("{oops", "[]", "{\"type\":\"teleport\"}", "{\"type\":\"welcome\",\"node\":\"ws-1\"}",
                "{\"type\":\"error\",\"id\":\"\",\"code\":\"no_such_code\",\"detail\":\"x\"}",
                event("session.revoked", "", "{\"user\":\"" + ANA + "\"}"),
                event("typing", in(CHAT, null), "{\"user\":\"" + ANA + "\",\"state\":\"dancing\",\"expiresInMs\":6000}"),
                event("receipt.updated", in(CHAT, null), "{\"user\":\"" + BOB + "\",\"deliveredSeq\":\"50\",\"readSeq\":48}"),
                event("message.created", in(CHAT, 5L), "[]"),
                "{\"type\":\"presence\",\"v\":1,\"id\":\"" + ID + "\",\"at\":\"yesterday\",\"data\":{\"user\":\"" + BOB + "\",\"state\":\"online\"}}")) {
            assertThrows(IllegalArgumentException.class, () -> events.decode(bad), bad);
        }
    }
}
