package dev.chat.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The call frames' codec: what goes in comes back, the session description untouched; what breaks a rule is refused. */
class CallFramesTest {
    private static final UUID CHAT = UUID.fromString("5b1c9a0e-0000-4000-8000-000000000001");
    private static final UUID CALL = UUID.fromString("c0a1c0a1-0000-4000-8000-000000000003");
    private static final String SDP = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private final ClientFrames frames = new ClientFrames(new ObjectMapper());

    @Test
    void everyCallFrameComesBackAsItWasWritten() {
        List<ClientFrame> all = List.of(
                new ClientFrame.CallInvite("k-1", CHAT, CALL, SDP, true),
                new ClientFrame.CallInvite("k-2", CHAT, CALL, SDP + "  \r\n", false),
                new ClientFrame.CallAnswer("k-3", CHAT, CALL, SDP),
                new ClientFrame.CallStep("k-4", CHAT, CALL, FrameType.CALL_RINGING),
                new ClientFrame.CallStep("k-5", CHAT, CALL, FrameType.CALL_REJECT),
                new ClientFrame.CallStep("k-6", CHAT, CALL, FrameType.CALL_CANCEL),
                new ClientFrame.CallStep("k-7", CHAT, CALL, FrameType.CALL_HANGUP),
                new ClientFrame.CallIce("k-8", CHAT, CALL, "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "0", 0),
                new ClientFrame.CallIce("k-9", CHAT, CALL, "", null, null),
                new ClientFrame.CallMedia("k-10", CHAT, CALL, false, true),
                new ClientFrame.CallRenegotiate("k-11", CHAT, CALL, SDP, true),
                new ClientFrame.CallRenegotiate("k-12", CHAT, CALL, SDP, false));
        for (ClientFrame f : all) {
            String text = frames.encode(f);
            assertEquals(f, frames.decode(text), text);
            Peeked peeked = frames.peek(text);
            assertEquals(CHAT, assertInstanceOf(Peeked.ForApi.class, peeked, text).conversation(), "handed to api");
        }
    }

    @Test
    void aStepIsOnlyOneOfTheFourSteps() {
        assertThrows(IllegalArgumentException.class, () -> new ClientFrame.CallStep("k", CHAT, CALL, FrameType.CALL_INVITE));
    }

    @Test
    void sessionDescriptionsAndCandidatesKeepTheirLimits() {
        String head = "{\"type\":\"call.invite\",\"id\":\"k\",\"conversation\":\"" + CHAT + "\",\"call\":\"" + CALL + "\",\"video\":true,";
        String longest = SDP + "a=" + "x".repeat(ClientFrame.MAX_SDP - SDP.length() - 4) + "\r\n";
        assertEquals(ClientFrame.MAX_SDP, longest.length());
        ClientFrame ok = frames.decode(head + "\"sdp\":" + quote(longest) + "}");
        assertEquals(longest, assertInstanceOf(ClientFrame.CallInvite.class, ok).sdp());
        assertRefused(head + "\"sdp\":" + quote(longest + "x") + "}", "at most 16384");
        assertRefused(head + "\"sdp\":\"hello\"}", "v=0");
        assertRefused(head + "\"sdp\":" + quote(SDP + "\u0000") + "}", "v=0");
        assertRefused(head.replace("\"video\":true,", "") + "\"sdp\":" + quote(SDP) + "}", "'video' is required");
        assertRefused(head.replace("\"call\":\"" + CALL + "\",", "") + "\"sdp\":" + quote(SDP) + "}", "'call' is required");
        String ice = "{\"type\":\"call.ice\",\"id\":\"k\",\"conversation\":\"" + CHAT + "\",\"call\":\"" + CALL + "\",";
        assertRefused(ice + "\"candidate\":" + quote("c".repeat(ClientFrame.MAX_CANDIDATE + 1)) + "}", "at most 1024");
        assertRefused(ice + "\"candidate\":\"a\\nb\"}", "one line");
        assertRefused(ice + "\"candidate\":\"\",\"sdpMLineIndex\":1024}", "sdpMLineIndex");
        assertRefused(ice + "\"candidate\":7}", "'candidate' is required");
    }

    private void assertRefused(String text, String detailPart) {
        ClientFrame.Refused r = assertInstanceOf(ClientFrame.Refused.class, frames.decode(text), text);
        assertEquals(ErrorCode.VALIDATION_FAILED, r.code());
        assertEquals("k", r.id());
        assertTrue(r.detail().contains(detailPart), r.detail());
    }

    private static String quote(String s) {
        return new ObjectMapper().valueToTree(s).toString();
    }
}
