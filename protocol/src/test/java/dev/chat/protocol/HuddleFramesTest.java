package dev.chat.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The huddle frames' codec: what goes in comes back; what breaks a rule is refused with the rule. */
class HuddleFramesTest {
    private static final UUID CHANNEL = UUID.fromString("5b1c9a0e-0000-4000-8000-000000000001");
    private static final UUID HUDDLE = UUID.fromString("9d2e9d2e-0000-4000-8000-000000000002");
    private static final UUID TO = UUID.fromString("3f1e3f1e-0000-4000-8000-000000000003");
    private static final String SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private final ClientFrames frames = new ClientFrames(new ObjectMapper());

    @Test
    void everyHuddleFrameComesBackAsItWasWritten() {
        List<ClientFrame> all = List.of(
                new ClientFrame.HuddleJoin("h-1", CHANNEL, true, false),
                new ClientFrame.HuddleLeave("h-2", CHANNEL, HUDDLE),
                new ClientFrame.HuddleMedia("h-3", CHANNEL, HUDDLE, false, true, true),
                new ClientFrame.HuddleSignal("h-4", CHANNEL, HUDDLE, TO, ClientFrame.SignalKind.OFFER, SDP, null, null, null),
                new ClientFrame.HuddleSignal("h-5", CHANNEL, HUDDLE, TO, ClientFrame.SignalKind.ANSWER, SDP, null, null, null),
                new ClientFrame.HuddleSignal("h-6", CHANNEL, HUDDLE, TO, ClientFrame.SignalKind.ICE, null,
                        "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "0", 0),
                new ClientFrame.HuddleSignal("h-7", CHANNEL, HUDDLE, TO, ClientFrame.SignalKind.ICE, null, "", null, null));
        for (ClientFrame f : all) {
            String text = frames.encode(f);
            assertEquals(f, frames.decode(text), text);
            assertEquals(CHANNEL, assertInstanceOf(Peeked.ForApi.class, frames.peek(text), text).conversation(), "handed to api");
        }
    }

    @Test
    void aJoinWithoutMediaFlagsHasBothOn() {
        ClientFrame f = frames.decode("{\"type\":\"huddle.join\",\"id\":\"h\",\"conversation\":\"" + CHANNEL + "\"}");
        assertEquals(new ClientFrame.HuddleJoin("h", CHANNEL, true, true), f);
    }

    @Test
    void aSignalCarriesWhatItsKindNeeds() {
        assertThrows(IllegalArgumentException.class,
                () -> new ClientFrame.HuddleSignal("h", CHANNEL, HUDDLE, TO, ClientFrame.SignalKind.ICE, SDP, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new ClientFrame.HuddleSignal("h", CHANNEL, HUDDLE, TO, ClientFrame.SignalKind.OFFER, null, "c", null, null));
    }

    @Test
    void brokenRulesAreRefusedWithTheRule() {
        String head = "{\"type\":\"huddle.signal\",\"id\":\"h\",\"conversation\":\"" + CHANNEL + "\",";
        String to = "\"huddle\":\"" + HUDDLE + "\",\"to\":\"" + TO + "\",";
        String longest = SDP + "a=" + "x".repeat(ClientFrame.MAX_SDP - SDP.length() - 4) + "\r\n";
        assertEquals(longest, assertInstanceOf(ClientFrame.HuddleSignal.class,
                frames.decode(head + to + "\"kind\":\"offer\",\"sdp\":" + quote(longest) + "}")).sdp());
        assertRefused(head + to + "\"kind\":\"offer\",\"sdp\":" + quote(longest + "x") + "}", "at most 16384");
        assertRefused(head + to + "\"kind\":\"answer\",\"sdp\":\"hello\"}", "v=0");
        assertRefused(head + to + "\"kind\":\"shout\",\"sdp\":" + quote(SDP) + "}", "'kind'");
        assertRefused(head + to + "\"kind\":\"ice\",\"candidate\":\"a\\r\\nb\"}", "one line");
        assertRefused(head + to + "\"kind\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":1024}", "sdpMLineIndex");
        assertRefused(head + "\"huddle\":\"" + HUDDLE + "\",\"kind\":\"offer\",\"sdp\":" + quote(SDP) + "}", "'to' is required");
        assertRefused(head + "\"to\":\"" + TO + "\",\"kind\":\"offer\",\"sdp\":" + quote(SDP) + "}", "'huddle' is required");
        assertRefused("{\"type\":\"huddle.media\",\"id\":\"h\",\"conversation\":\"" + CHANNEL + "\",\"huddle\":\"" + HUDDLE
                + "\",\"audio\":true,\"video\":true}", "'screen' is required");
        assertRefused("{\"type\":\"huddle.join\",\"id\":\"h\",\"conversation\":\"" + CHANNEL + "\",\"audio\":\"yes\"}", "audio");
    }

    private void assertRefused(String text, String detail) {
        ClientFrame.Refused r = assertInstanceOf(ClientFrame.Refused.class, frames.decode(text), text);
        assertEquals(ErrorCode.VALIDATION_FAILED, r.code(), text);
        assertTrue(r.detail().contains(detail), r.detail() + " (wanted " + detail + ")");
    }

    private static String quote(String s) {
        try {
            return new ObjectMapper().writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
