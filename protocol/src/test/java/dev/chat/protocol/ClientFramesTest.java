package dev.chat.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientFramesTest {
    private static final UUID CHAT = UUID.fromString("5b1c9a0e-0000-4000-8000-000000000001");
    private static final UUID FILE = UUID.fromString("a7c1a7c1-0000-4000-8000-000000000002");
    private final ObjectMapper mapper = new ObjectMapper();
    private final ClientFrames frames = new ClientFrames(mapper);

    private static ClientFrame.Refused refused(String id, ErrorCode code, String detail) {
        return new ClientFrame.Refused(id, code, detail);
    }

    private static ClientFrame.Refused invalid(String id, String detail) {
        return refused(id, ErrorCode.VALIDATION_FAILED, detail);
    }

    /** A frame about CHAT with these fields after its envelope. */
    private static String frame(String type, String id, String fields) {
        return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"conversation\":\"" + CHAT + "\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    @Test
    void everyFrameComesBackAsItWasWritten() {
        List<ClientFrame> all = List.of(
                new ClientFrame.Ping("c-1"),
                new ClientFrame.Ping(""),
                new ClientFrame.Send("f-1", CHAT, "0f8e4b7c-aaaa", "hello \"you\" – ü\nbye"),
                new ClientFrame.Send("f-2", CHAT, "9a1d9a1d", "look", FILE, 3L),
                new ClientFrame.Send("f-3", CHAT, "9a1d9a1e", "", FILE, null),
                new ClientFrame.React("x-1", CHAT, 12, "👍", true),
                new ClientFrame.React("x-2", CHAT, 0, "🏳️‍🌈", false),
                new ClientFrame.Typing("t-1", CHAT, TypingState.START),
                new ClientFrame.Typing("t-2", CHAT, TypingState.STOP),
                new ClientFrame.Read("r-1", CHAT, 12),
                new ClientFrame.Delivered("d-1", CHAT, Long.MAX_VALUE));
        for (ClientFrame f : all) {
            String text = frames.encode(f);
            assertEquals(f, frames.decode(text), text);
        }
    }

    @Test
    void framesAreWrittenAsDocumented() {
        assertEquals("{\"type\":\"send\",\"id\":\"f-2\",\"conversation\":\"" + CHAT + "\",\"clientMsgId\":\"9a1d9a1d\",\"text\":\"look\","
                        + "\"attachment\":\"" + FILE + "\",\"replyTo\":3}",
                frames.encode(new ClientFrame.Send("f-2", CHAT, "9a1d9a1d", "look", FILE, 3L)));
        assertEquals("{\"type\":\"react\",\"id\":\"x-1\",\"conversation\":\"" + CHAT + "\",\"seq\":12,\"emoji\":\"👍\",\"on\":true}",
                frames.encode(new ClientFrame.React("x-1", CHAT, 12, "👍", true)));
        assertEquals("{\"type\":\"typing\",\"id\":\"t-1\",\"conversation\":\"" + CHAT + "\",\"state\":\"start\"}",
                frames.encode(new ClientFrame.Typing("t-1", CHAT, TypingState.START)));
        assertEquals("{\"type\":\"read\",\"id\":\"r-1\",\"conversation\":\"" + CHAT + "\",\"seq\":5}",
                frames.encode(new ClientFrame.Read("r-1", CHAT, 5)));
        assertEquals("{\"type\":\"ping\",\"id\":\"c-1\"}", frames.encode(new ClientFrame.Ping("c-1")));
        assertThrows(IllegalArgumentException.class,
                () -> frames.encode(new ClientFrame.Refused("x", ErrorCode.UNKNOWN_FRAME, "no")), "a refusal is never sent");
    }

    @Test
    void aReplacementCharacterTravelsEscaped() {
        ClientFrame.Send send = new ClientFrame.Send("f-\uFFFD", CHAT, "abcdefgh", "meant: \uFFFD, and é 💥");
        String text = frames.encode(send);
        assertEquals(-1, text.indexOf('\uFFFD'), "a node takes a raw U+FFFD for bytes that were not UTF-8: " + text);
        assertTrue(text.contains("\"text\":\"meant: \\ufffd, and é 💥\""), text);
        assertEquals(send, frames.decode(text));
    }

    @Test
    void thePeekRoutesWithoutReadingTheRest() {
        assertEquals(new Peeked.ForApi("f-1", FrameType.SEND, CHAT),
                frames.peek(frame("send", "f-1", "\"text\":{\"id\":\"inner\",\"deep\":[1,{\"type\":\"ping\"}]},\"clientMsgId\":7")));
        for (FrameType t : List.of(FrameType.REACT, FrameType.TYPING, FrameType.READ, FrameType.DELIVERED)) {
            assertEquals(new Peeked.ForApi("a", t, CHAT), frames.peek(frame(t.wireName(), "a", "\"seq\":\"not the node's business\"")));
        }
        assertEquals(new ClientFrame.Ping("c-1"), frames.peek("{\"type\":\"ping\",\"id\":\"c-1\",\"extra\":{\"id\":\"x\"}}"));
        assertEquals(new ClientFrame.Ping("c-1"), frames.peek("{\"type\":\"ping\",\"id\":\"c-1\"} and then garbage"),
                "nothing after the object is read");
        assertEquals(invalid("", ClientFrames.BAD_ID), frames.peek("{\"id\":{\"type\":\"send\"},\"type\":\"ping\"}"),
                "an id that is an object is refused, and its inside is not read as the frame's fields");
    }

    /** What the node and api both refuse, the same way: the peek answers first, and decode agrees. */
    @Test
    void theEnvelopeIsRefusedAlikeByPeekAndDecode() {
        String longId = "x".repeat(65);
        List<Object[]> cases = List.of(
                new Object[] {"{oops", refused("", ErrorCode.MALFORMED_JSON, ClientFrames.NOT_JSON)},
                new Object[] {"{\"type\":\"ping\"", refused("", ErrorCode.MALFORMED_JSON, ClientFrames.NOT_JSON)},
                new Object[] {"nul", refused("", ErrorCode.MALFORMED_JSON, ClientFrames.NOT_JSON)},
                new Object[] {"[]", refused("", ErrorCode.MALFORMED_JSON, ClientFrames.NOT_AN_OBJECT)},
                new Object[] {"", refused("", ErrorCode.MALFORMED_JSON, ClientFrames.NOT_AN_OBJECT)},
                new Object[] {"\"ping\"", refused("", ErrorCode.MALFORMED_JSON, ClientFrames.NOT_AN_OBJECT)},
                new Object[] {"{\"id\":\"c-2\"}", invalid("c-2", ClientFrames.NO_TYPE)},
                new Object[] {"{\"type\":7,\"id\":\"c-2\"}", invalid("c-2", ClientFrames.NO_TYPE)},
                new Object[] {"{\"type\":\"teleport\",\"id\":\"c-3\"}", refused("c-3", ErrorCode.UNKNOWN_FRAME, ClientFrames.UNKNOWN)},
                new Object[] {"{\"type\":\"presence\",\"id\":\"c-3\"}", refused("c-3", ErrorCode.UNKNOWN_FRAME, ClientFrames.UNKNOWN)},
                new Object[] {"{\"type\":7,\"id\":9}", invalid("", ClientFrames.BAD_ID)},
                new Object[] {"{\"type\":\"ping\",\"id\":\"" + longId + "\"}", invalid("", ClientFrames.BAD_ID)},
                new Object[] {frame("send", longId, ""), invalid("", ClientFrames.BAD_ID)},
                new Object[] {"{\"type\":\"send\",\"conversation\":\"" + CHAT + "\"}", invalid("", ClientFrames.NO_ID)},
                new Object[] {"{\"type\":\"read\",\"id\":null,\"conversation\":\"" + CHAT + "\"}", invalid("", ClientFrames.NO_ID)},
                new Object[] {"{\"type\":\"send\",\"id\":\"e2\",\"conversation\":\"nope\"}", invalid("e2", ClientFrames.BAD_CONVERSATION)},
                new Object[] {"{\"type\":\"send\",\"id\":\"e2\",\"conversation\":{\"id\":\"" + CHAT + "\"}}", invalid("e2", ClientFrames.BAD_CONVERSATION)},
                new Object[] {"{\"type\":\"typing\",\"id\":\"e3\"}", invalid("e3", ClientFrames.BAD_CONVERSATION)});
        for (Object[] c : cases) {
            assertEquals(c[1], frames.peek((String) c[0]), "peek " + c[0]);
            assertEquals(c[1], frames.decode((String) c[0]), "decode " + c[0]);
        }
        assertEquals(new ClientFrame.Ping("x".repeat(64)), frames.peek("{\"type\":\"ping\",\"id\":\"" + "x".repeat(64) + "\"}"),
                "64 characters are allowed");
        assertEquals(new ClientFrame.Ping(""), frames.peek("{\"type\":\"ping\"}"), "a ping may have no id");
        assertEquals(new ClientFrame.Ping(""), frames.decode("{\"type\":\"ping\",\"id\":null}"));
        assertEquals(refused("", ErrorCode.MALFORMED_JSON, ClientFrames.NOT_JSON), frames.decode(frame("read", "r", "\"seq\":1") + " {}"),
                "api reads the whole text: nothing may follow the object");
    }

    @Test
    void aSendKeepsApisRulesInApisOrder() {
        Function<String, ClientFrame> send = fields -> frames.decode(frame("send", "f", fields));
        String must = "'clientMsgId' must be 8 to 64 letters, digits, '-' or '_' (a UUID fits).";
        assertEquals(invalid("f", "'clientMsgId' is required."), send.apply("\"text\":\"hi\""));
        assertEquals(invalid("f", "'clientMsgId' must be a string."), send.apply("\"clientMsgId\":12345678,\"text\":\"hi\""));
        assertEquals(invalid("f", "'clientMsgId' must be 8 to 64 characters long."), send.apply("\"clientMsgId\":\"short\",\"text\":\"\""),
                "the id is judged before the text");
        assertEquals(invalid("f", must), send.apply("\"clientMsgId\":\"has spaces in\",\"text\":\"hi\""));
        assertEquals(invalid("f", "'attachment' must be an id (a UUID string)."), send.apply("\"clientMsgId\":\"abcdefgh\",\"attachment\":\"x\""));
        assertEquals(invalid("f", "'attachment' must be an id (a UUID string)."), send.apply("\"clientMsgId\":\"abcdefgh\",\"attachment\":5"));
        assertEquals(invalid("f", "'text' is required."), send.apply("\"clientMsgId\":\"abcdefgh\""));
        assertEquals(invalid("f", "'text' is required."), send.apply("\"clientMsgId\":\"abcdefgh\",\"text\":null"));
        assertEquals(invalid("f", "'text' must be 1 to 4000 characters long."), send.apply("\"clientMsgId\":\"abcdefgh\",\"text\":\"   \""));
        assertEquals(invalid("f", "'text' must be 1 to 4000 characters long."),
                send.apply("\"clientMsgId\":\"abcdefgh\",\"text\":\"" + "a".repeat(4001) + "\""));
        assertEquals(invalid("f", "'text' must be 0 to 4000 characters long."),
                send.apply("\"clientMsgId\":\"abcdefgh\",\"attachment\":\"" + FILE + "\",\"text\":\"" + "a".repeat(4001) + "\""));
        assertEquals(invalid("f", "'text' must be a string."), send.apply("\"clientMsgId\":\"abcdefgh\",\"text\":[\"hi\"]"));
        assertEquals(invalid("f", "'text' contains control characters."), send.apply("\"clientMsgId\":\"abcdefgh\",\"text\":\"a\\u0007b\""));
        assertEquals(invalid("f", "'replyTo' must be a whole number from 1 to " + Long.MAX_VALUE + "."),
                send.apply("\"clientMsgId\":\"abcdefgh\",\"text\":\"hi\",\"replyTo\":0"));
        assertEquals(invalid("f", "'replyTo' must be a whole number from 1 to " + Long.MAX_VALUE + "."),
                send.apply("\"clientMsgId\":\"abcdefgh\",\"text\":\"hi\",\"replyTo\":\"3\""));
        assertEquals(new ClientFrame.Send("f", CHAT, "abcdefgh", "hi", null, null),
                send.apply("\"clientMsgId\":\"  abcdefgh \",\"text\":\"  hi \\n\",\"replyTo\":null,\"unknown\":{\"x\":1}"),
                "strings are stripped, nulls are absent, unknown fields are ignored");
        assertEquals(new ClientFrame.Send("f", CHAT, "abcdefgh", "😀".repeat(4000), null, null),
                send.apply("\"clientMsgId\":\"abcdefgh\",\"text\":\"" + "😀".repeat(4000) + "\""), "text is measured in code points");
        assertEquals(new ClientFrame.Send("f", CHAT, "abcdefgh", "", FILE, 2L),
                send.apply("\"clientMsgId\":\"abcdefgh\",\"attachment\":\"" + FILE + "\",\"replyTo\":2"), "a file needs no caption");
    }

    @Test
    void reactTypingAndCursorsKeepApisRules() {
        String seqRule = "'seq' must be a whole number >= 0.";
        assertEquals(invalid("x", "'on' is required: true to react, false to take it back."),
                frames.decode(frame("react", "x", "\"seq\":-1,\"emoji\":\"no\"")), "on is judged first");
        assertEquals(invalid("x", "'on' must be true or false."), frames.decode(frame("react", "x", "\"seq\":1,\"emoji\":\"👍\",\"on\":\"yes\"")));
        assertEquals(invalid("x", seqRule), frames.decode(frame("react", "x", "\"seq\":-1,\"emoji\":\"👍\",\"on\":true")));
        assertEquals(invalid("x", Emoji.NOT_ONE), frames.decode(frame("react", "x", "\"seq\":1,\"emoji\":\"👍👍\",\"on\":true")));
        assertEquals(invalid("x", Emoji.NOT_ONE), frames.decode(frame("react", "x", "\"seq\":1,\"on\":true")));
        assertEquals(invalid("x", Emoji.NOT_ONE), frames.decode(frame("react", "x", "\"seq\":1,\"emoji\":{\"e\":\"👍\"},\"on\":true")));

        assertEquals(invalid("t", "'state' is required."), frames.decode(frame("typing", "t", "")));
        assertEquals(invalid("t", "'state' must be 4 to 5 characters long."), frames.decode(frame("typing", "t", "\"state\":\"go\"")));
        assertEquals(invalid("t", "'state' must be \"start\" or \"stop\"."), frames.decode(frame("typing", "t", "\"state\":\"begin\"")));
        assertEquals(new ClientFrame.Typing("t", CHAT, TypingState.STOP), frames.decode(frame("typing", "t", "\"state\":\" stop \"")));

        for (String type : List.of("read", "delivered")) {
            for (String bad : List.of("", "\"seq\":null", "\"seq\":\"ten\"", "\"seq\":1.5", "\"seq\":-1", "\"seq\":99999999999999999999")) {
                assertEquals(invalid("r", seqRule), frames.decode(frame(type, "r", bad)), type + " " + bad);
            }
        }
        assertEquals(new ClientFrame.Read("r", CHAT, 0), frames.decode(frame("read", "r", "\"seq\":0")));
    }

    @Test
    void aRestBodyIsReadAsTheFrameItStandsFor() throws Exception {
        var body = mapper.readTree("{\"clientMsgId\":\"rest-0001\",\"text\":\"by REST\"}");
        assertEquals(new ClientFrame.Send("", CHAT, "rest-0001", "by REST", null, null), frames.decode(FrameType.SEND, "", CHAT, body));
        assertEquals(invalid("", "'seq' must be a whole number >= 0."),
                frames.decode(FrameType.READ, "", CHAT, mapper.readTree("{\"seq\":\"ten\"}")));
        assertEquals(new ClientFrame.Delivered("", CHAT, 7), frames.decode(FrameType.DELIVERED, "", CHAT, mapper.readTree("{\"seq\":7}")));
    }

    @Test
    void textRulesAllowLineBreaksOnly() {
        assertEquals(false, FrameFields.hasForbiddenControl("line one\nline two\ttabbed\r\n"));
        assertEquals(true, FrameFields.hasForbiddenControl("nul\u0000"));
        assertEquals(true, FrameFields.hasForbiddenControl("del\u007f"));
        assertEquals(true, FrameFields.hasForbiddenControl("lone \uD83D high"));
        assertEquals(true, FrameFields.hasForbiddenControl("lone \uDE00 low"));
        assertEquals(false, FrameFields.hasForbiddenControl("pair \uD83D\uDE00 ok"));
    }
}
