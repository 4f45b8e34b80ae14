package dev.chat.ws;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The node's reading of frames is the protocol's ({@code ClientFramesTest}); here, the token of an upgrade. */
class ChatEndpointTest {
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
