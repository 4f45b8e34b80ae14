package dev.chat.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientFrameTest {
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void pingKeepsItsId() {
        ClientFrame f = ClientFrame.parse(mapper, "{\"type\":\"ping\",\"id\":\"c-1\",\"extra\":true}");
        assertEquals(new ClientFrame.Ping("c-1"), f);
    }

    @Test
    void badFramesBecomeInvalidWithACodeAndNeverThrow() {
        assertEquals("malformed_json", ((ClientFrame.Invalid) ClientFrame.parse(mapper, "{oops")).code());
        assertEquals("malformed_json", ((ClientFrame.Invalid) ClientFrame.parse(mapper, "[]")).code());
        assertEquals("malformed_json", ((ClientFrame.Invalid) ClientFrame.parse(mapper, "")).code());
        ClientFrame.Invalid noType = (ClientFrame.Invalid) ClientFrame.parse(mapper, "{\"id\":\"c-2\"}");
        assertEquals("validation_failed", noType.code());
        assertEquals("c-2", noType.id());
        ClientFrame.Invalid unknown = (ClientFrame.Invalid) ClientFrame.parse(mapper, "{\"type\":\"teleport\",\"id\":\"c-3\"}");
        assertEquals("unknown_frame", unknown.code());
        assertEquals("c-3", unknown.id());
        ClientFrame.Invalid wrongType = (ClientFrame.Invalid) ClientFrame.parse(mapper, "{\"type\":7,\"id\":9}");
        assertEquals("", wrongType.id(), "a non-string id is not echoed");
        assertEquals("validation_failed", wrongType.code(), "a non-string id is refused");
        ClientFrame longPing = ClientFrame.parse(mapper, "{\"type\":\"ping\",\"id\":\"" + "x".repeat(65) + "\"}");
        assertEquals(new ClientFrame.Invalid("", "validation_failed", "'id' must be a string of at most 64 characters."), longPing,
                "a ping with an over-long id is refused, not answered under another id");
        ClientFrame.Invalid longSend = (ClientFrame.Invalid) ClientFrame.parse(mapper, "{\"type\":\"send\",\"id\":\"" + "x".repeat(65)
                + "\",\"conversation\":\"" + java.util.UUID.randomUUID() + "\"}");
        assertEquals("validation_failed", longSend.code());
        assertTrue(longSend.detail().contains("64"), longSend.detail());
        assertEquals(new ClientFrame.Ping("x".repeat(64)), ClientFrame.parse(mapper, "{\"type\":\"ping\",\"id\":\"" + "x".repeat(64) + "\"}"),
                "64 characters are allowed");
        assertEquals(new ClientFrame.Ping(""), ClientFrame.parse(mapper, "{\"type\":\"ping\"}"), "a ping may have no id");
    }

    @Test
    void tokenComesFromBearerHeaderElseFromTheAccessCookie() {
        WritableHeaders<?> bearer = WritableHeaders.create();
        bearer.add(HeaderNames.AUTHORIZATION, "Bearer abc.def.ghi");
        bearer.add(HeaderNames.COOKIE, "chat_access=cookie-token");
        assertEquals(Optional.of("abc.def.ghi"), ChatEndpoint.token(bearer));

        WritableHeaders<?> cookie = WritableHeaders.create();
        cookie.add(HeaderNames.COOKIE, "theme=dark; chat_access=cookie-token; other=1");
        assertEquals(Optional.of("cookie-token"), ChatEndpoint.token(cookie));

        WritableHeaders<?> none = WritableHeaders.create();
        none.add(HeaderNames.COOKIE, "chat_accessx=nope; xchat_access=nope");
        assertEquals(Optional.empty(), ChatEndpoint.token(none));
    }
}
