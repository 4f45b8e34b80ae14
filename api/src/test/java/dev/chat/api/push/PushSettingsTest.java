package dev.chat.api.push;

import dev.chat.tokens.Secret;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PushSettingsTest {
    private static final PushSettings SETTINGS = new PushSettings(new Secret(""), "mailto:a@b", false,
            List.of(" FCM.googleapis.com", ".push.apple.com", ""));

    @Test
    void aHostIsAllowedByItsNameOrByADomainAbove() {
        assertTrue(SETTINGS.allows("fcm.googleapis.com"));
        assertTrue(SETTINGS.allows("web.push.apple.com"));
        assertFalse(SETTINGS.allows("push.apple.com"), "a .domain names the hosts under it");
        assertFalse(SETTINGS.allows("evilpush.apple.com"));
        assertFalse(SETTINGS.allows("fcm.googleapis.com.attacker.example"));
        assertFalse(SETTINGS.allows("x.fcm.googleapis.com"), "a host is that host only");
        assertFalse(SETTINGS.allows("metadata.internal"));
    }

    @Test
    void anEndpointElsewhereIsRefused() {
        assertThrows(RuntimeException.class, () -> PushService.endpoint("https://metadata.internal/x", SETTINGS));
        assertTrue(PushService.endpoint("https://web.push.apple.com/abc", SETTINGS).getHost().endsWith("apple.com"));
    }

    @Test
    void aMalformedListStopsTheProcess() {
        assertThrows(IllegalArgumentException.class, () -> new PushSettings(new Secret(""), "mailto:a@b", false, List.of("a b")));
        assertThrows(IllegalArgumentException.class, () -> new PushSettings(new Secret(""), "mailto:a@b", false, List.of(".")));
    }
}
