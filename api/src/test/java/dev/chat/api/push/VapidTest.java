package dev.chat.api.push;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VAPID header: a token signed with the kept key, verifiable with the served public key. */
class VapidTest {
    private static final String KEY = "c2e7a1f0b4d3968e5f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70";

    @Test
    void theTokenVerifiesAgainstThePublicKeyAndNamesTheOrigin() throws Exception {
        Vapid vapid = new Vapid(KEY, "mailto:ops@chat.test");
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        String header = vapid.authorization(URI.create("https://push.example:8443/send/abc?x=1"), now);
        assertTrue(header.startsWith("vapid t="), header);
        String k = header.substring(header.indexOf(", k=") + 4);
        assertEquals(vapid.publicKeyText(), k);
        String jwt = header.substring("vapid t=".length(), header.indexOf(", k="));
        String[] parts = jwt.split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertEquals("{\"aud\":\"https://push.example:8443\",\"exp\":" + now.plus(Vapid.TOKEN_TTL).getEpochSecond()
                + ",\"sub\":\"mailto:ops@chat.test\"}", claims);
        Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
        ecdsa.initVerify(P256.publicKey(Base64.getUrlDecoder().decode(k)));
        ecdsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(ecdsa.verify(Base64.getUrlDecoder().decode(parts[2])));
        // and the public key is the private scalar's: another key's signature would not verify
        Vapid other = new Vapid(HexFormat.of().formatHex(new byte[31]) + "07", "mailto:ops@chat.test");
        ecdsa.initVerify(P256.publicKey(other.publicKey()));
        ecdsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(!ecdsa.verify(Base64.getUrlDecoder().decode(parts[2])));
    }

    @Test
    void badSettingsStopTheStart() {
        assertThrows(IllegalArgumentException.class, () -> new Vapid("abc", "mailto:a@b"));
        assertThrows(IllegalArgumentException.class, () -> new Vapid(KEY, "ops@chat.test"));
    }
}
