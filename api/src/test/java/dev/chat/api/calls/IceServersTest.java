package dev.chat.api.calls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.api.http.Json;
import dev.chat.tokens.Secret;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class IceServersTest {
    private static final UUID USER = UUID.fromString("0b9a0f0e-5a1e-4c1e-9d3b-8d1f7b1e2c3d");

    @Test
    void thePasswordIsBase64OfHmacSha1() {
        // RFC 2202, HMAC-SHA1 test case 2
        assertEquals("7/zfauXrL6LSdBbV8YTfnCWafHk=", IceServers.password("Jefe", "what do ya want for nothing?"));
    }

    @Test
    void credentialsNameTheUserAndExpireAfterTheTtl() {
        CallSettings settings = new CallSettings(List.of("127.0.0.1:3478"), new Secret("s3cret"), Duration.ofHours(1), Duration.ofSeconds(30));
        JsonNode out = new IceServers(settings).forUser(new Json(), USER, Instant.ofEpochSecond(1_000_000));
        assertEquals("stun:127.0.0.1:3478", out.at("/iceServers/0/urls/0").asText());
        JsonNode turn = out.at("/iceServers/1");
        assertEquals("turn:127.0.0.1:3478?transport=udp", turn.at("/urls/0").asText());
        assertEquals("turn:127.0.0.1:3478?transport=tcp", turn.at("/urls/1").asText());
        assertEquals("1003600:" + USER, turn.path("username").asText());
        assertEquals(IceServers.password("s3cret", "1003600:" + USER), turn.path("credential").asText());
        assertEquals(3600, out.path("ttlSeconds").asLong());
        assertEquals(Instant.ofEpochSecond(1_003_600).toString(), out.path("expiresAt").asText());
    }

    @Test
    void withoutASecretOnlyStun() {
        CallSettings settings = new CallSettings(List.of("127.0.0.1:3478"), new Secret(""), Duration.ofHours(1), Duration.ofSeconds(30));
        JsonNode out = new IceServers(settings).forUser(new Json(), USER, Instant.now());
        assertEquals(1, out.path("iceServers").size());
        assertFalse(out.toString().contains("credential"));
    }
}
