package dev.chat.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonLogFormatterTest {
    private final JsonLogFormatter formatter = new JsonLogFormatter("api-1");

    @Test
    void oneJsonObjectPerLineWithTheRequestIdAndFormattedParameters() throws IOException {
        LogRecord r = new LogRecord(Level.WARNING, "publish failed: {0} \"quoted\"\nsecond line");
        r.setParameters(new Object[] {"broker away"});
        r.setLoggerName("dev.chat.api.Outbox");
        String line = RequestId.with("req-42", () -> formatter.format(r));
        assertTrue(line.endsWith("\n"));
        assertEquals(1, line.strip().lines().count(), "a single line, newlines escaped");
        Map<String, String> fields = parse(line);
        assertEquals("WARNING", fields.get("level"));
        assertEquals("api-1", fields.get("process"));
        assertEquals("req-42", fields.get("requestId"));
        assertEquals("publish failed: broker away \"quoted\"\nsecond line", fields.get("msg"));
    }

    @Test
    void noRequestIdOutsideARequestAndErrorsCarryTheirTrace() throws IOException {
        LogRecord r = new LogRecord(Level.SEVERE, "boom");
        r.setThrown(new IllegalStateException("cause here"));
        Map<String, String> fields = parse(formatter.format(r));
        assertFalse(fields.containsKey("requestId"));
        assertTrue(fields.get("error").contains("IllegalStateException: cause here"));
    }

    @Test
    void foreignRequestIdsAreKeptOnlyWhenSane() {
        assertEquals("abc-123_x.y", RequestId.accept("abc-123_x.y"));
        assertFalse(RequestId.accept("evil\nnewline").contains("\n"));
        assertTrue(RequestId.accept("x".repeat(65)).length() <= 16, "too long: replaced by a fresh id");
        assertFalse(RequestId.accept(null).isEmpty());
    }

    private static Map<String, String> parse(String line) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                out.put(name, p.getText());
            }
        }
        return out;
    }
}
