package dev.chat.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonBodyTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonBody body(String json) throws Exception {
        return new JsonBody((ObjectNode) mapper.readTree(json));
    }

    private static void assertInvalid(String expectedFragment, Runnable r) {
        ChatException e = assertThrows(ChatException.class, r::run);
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
    }

    @Test
    void stringsAreTrimmedAndMeasuredInCodePoints() throws Exception {
        assertEquals("hi", body("{\"t\":\"  hi \"}").string("t", 1, 2));
        // four emoji are four characters for the limit, although eight UTF-16 units
        assertEquals("\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00",
                body("{\"t\":\"\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00\"}").string("t", 1, 4));
    }

    @Test
    void missingWrongTypeAndLengthAreNamed() throws Exception {
        JsonBody b = body("{\"n\":42,\"s\":\"\",\"long\":\"abcdef\"}");
        assertInvalid("'x' is required", () -> b.string("x", 1, 5));
        assertInvalid("'n' must be a string", () -> b.string("n", 1, 5));
        assertInvalid("'s' must be 1 to 5", () -> b.string("s", 1, 5));
        assertInvalid("'long' must be 1 to 5", () -> b.string("long", 1, 5));
        assertTrue(b.optionalString("absent", 1, 5).isEmpty());
    }

    @Test
    void patternRuleIsReported() throws Exception {
        JsonBody b = body("{\"id\":\"has space\"}");
        assertInvalid("'id' must be compact", () -> b.string("id", 1, 64, Pattern.compile("\\S+"), "must be compact"));
    }

    @Test
    void controlCharactersAndLoneSurrogatesAreRefusedButNewlinesAllowed() {
        assertFalse(JsonBody.hasForbiddenControl("line one\nline two\ttabbed\r\n"));
        assertTrue(JsonBody.hasForbiddenControl("nul\u0000"));
        assertTrue(JsonBody.hasForbiddenControl("bell\u0007"));
        assertTrue(JsonBody.hasForbiddenControl("del\u007f"));
        assertTrue(JsonBody.hasForbiddenControl("lone \uD83D high"));
        assertTrue(JsonBody.hasForbiddenControl("lone \uDE00 low"));
        assertFalse(JsonBody.hasForbiddenControl("pair \uD83D\uDE00 ok"));
    }

    @Test
    void errorCodesHaveStableWireNamesAndStatuses() {
        assertEquals("validation_failed", ErrorCode.VALIDATION_FAILED.code());
        assertEquals(400, ErrorCode.VALIDATION_FAILED.status());
        assertEquals("conversation_not_found", ErrorCode.CONVERSATION_NOT_FOUND.code());
        assertEquals(404, ErrorCode.CONVERSATION_NOT_FOUND.status());
        assertEquals(503, ErrorCode.SERVICE_UNAVAILABLE.status());
    }

    @Test
    void databaseOutagesAreServiceUnavailableAndBugsAreInternal() {
        var down = Problems.fromDatabase(new RuntimeException(new java.sql.SQLTransientConnectionException("pool timeout")));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, down.code());
        assertEquals(5, down.retryAfterSeconds());
        var refused = Problems.fromDatabase(new RuntimeException(new java.sql.SQLException("refused", "08001")));
        assertEquals(ErrorCode.SERVICE_UNAVAILABLE, refused.code());
        assertEquals(ErrorCode.INTERNAL_ERROR, Problems.fromDatabase(new NullPointerException()).code());
        ChatException own = new ChatException(ErrorCode.USER_NOT_FOUND, "no");
        assertEquals(own, Problems.fromDatabase(new RuntimeException(own)));
    }
}
