package dev.chat.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerFramesTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final ServerFrames frames = new ServerFrames(mapper);

    @Test
    void framesAreWrittenFieldForFieldAsDocumented() {
        UUID session = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        ObjectNode welcome = mapper.createObjectNode().put("type", "welcome").put("v", 1).put("node", "ws-1")
                .put("session", session.toString()).put("heartbeatSeconds", 25L);
        welcome.putObject("user").put("id", user.toString()).put("username", "ana");
        assertEquals(welcome.toString(), frames.encode(new ServerFrame.Welcome("ws-1", session, 25, user, "ana")));

        assertEquals("{\"type\":\"pong\",\"id\":\"c-1\"}", frames.encode(new ServerFrame.Pong("c-1")));

        assertEquals("{\"type\":\"error\",\"id\":\"\",\"code\":\"unknown_frame\",\"detail\":\"Unknown \\\"x\\\" – ü\"}",
                frames.encode(new ServerFrame.Error("", ErrorCode.UNKNOWN_FRAME, "Unknown \"x\" – ü")));
        assertEquals("{\"type\":\"error\",\"id\":\"f-1\",\"code\":\"rate_limited\",\"detail\":\"slow down\",\"retryAfter\":12}",
                frames.encode(new ServerFrame.Error("f-1", ErrorCode.RATE_LIMITED, "slow down", 12)));
    }

    record Result(String text, long seq, List<String> users) {
    }

    @Test
    void anAckCarriesItsResultAsTheMapperWritesIt() {
        Result r = new Result("hi", 5, List.of("a", "b"));
        ObjectNode expected = mapper.createObjectNode().put("type", "ack").put("id", "f-1").put("seq", 5L);
        expected.set("result", mapper.valueToTree(r));
        assertEquals(expected.toString(), frames.encode(new ServerFrame.Ack("f-1", 5L, r)));
        assertEquals("{\"type\":\"ack\",\"id\":\"x-1\",\"result\":{\"on\":true}}",
                frames.encode(new ServerFrame.Ack("x-1", null, Map.of("on", true))));
    }

    @Test
    void theCatalogueHasOneWireFormPerCodeAndSaysWhichCloseASocket() {
        Set<String> seen = new HashSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            assertTrue(seen.add(c.code()), c.code());
            assertTrue(c.status() >= 400 && c.status() < 600, c.code());
        }
        assertEquals("validation_failed", ErrorCode.VALIDATION_FAILED.code());
        assertEquals(4401, ErrorCode.UNAUTHENTICATED.closeCode().code());
        assertEquals(1009, ErrorCode.PAYLOAD_TOO_LARGE.closeCode().code());
        assertFalse(ErrorCode.RATE_LIMITED.closesSocket());
        assertThrows(IllegalStateException.class, ErrorCode.RATE_LIMITED::closeCode);
    }

    @Test
    void wireNamesResolveBothWays() {
        for (FrameType t : FrameType.values()) {
            assertEquals(t, FrameType.fromWire(t.wireName()).orElseThrow());
        }
        for (EventType t : EventType.values()) {
            assertEquals(t, EventType.fromWire(t.wireName()).orElseThrow());
        }
        assertTrue(FrameType.fromWire("teleport").isEmpty());
    }
}
