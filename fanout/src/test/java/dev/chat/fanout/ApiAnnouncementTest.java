package dev.chat.fanout;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ApiAnnouncementTest {
    @Test
    void anAnnouncementReadsBackAsItWasSaid() {
        URI address = URI.create("http://127.0.0.1:8090");
        assertEquals(new ApiAnnouncement(address, true), ApiAnnouncement.decode(new ApiAnnouncement(address, true).encode()));
        assertEquals("{\"address\":\"http://127.0.0.1:8090\",\"state\":\"leaving\"}",
                new String(new ApiAnnouncement(address, false).encode(), StandardCharsets.UTF_8));
    }

    @Test
    void whatIsNotAnAnnouncementIsRefused() {
        for (String body : new String[] {"", "not json", "{\"address\":\"http://a:1\",\"state\":\"gone\"}",
                "{\"address\":\"ftp://a:1\",\"state\":\"up\"}", "{\"state\":\"up\"}", "[]"}) {
            assertThrows(MalformedEnvelopeException.class, () -> ApiAnnouncement.decode(body.getBytes(StandardCharsets.UTF_8)), body);
        }
        assertThrows(IllegalArgumentException.class, () -> new ApiAnnouncement(URI.create("file:///etc"), true));
    }
}
