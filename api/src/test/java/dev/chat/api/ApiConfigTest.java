package dev.chat.api;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** api's settings come from its application.yaml, the one place of every default, under overrides. */
class ApiConfigTest {

    private static ApiConfig read(Map<String, String> overrides) {
        return ApiConfig.from(Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .sources(ConfigSources.create(overrides), ConfigSources.classpath(ApiConfig.DEFAULTS)).build());
    }

    @Test
    void everyDefaultComesFromTheSettingsFile() {
        ApiConfig c = read(Map.of("chat.token.secret", "a-secret-of-at-least-thirty-two-bytes!"));
        assertEquals("api-1", c.instanceId());
        assertEquals(8080, c.port());
        assertEquals(8090, c.internalPort());
        assertEquals("jdbc:postgresql://127.0.0.1:5433/chat", c.dbUrl());
        assertEquals(16, c.dbPoolSize());
        assertEquals(5673, c.amqp().port(), "the broker ./chat up starts");
        assertEquals("/", c.amqp().virtualHost());
        assertEquals(11212, c.memcached().getPort());
        assertEquals(Duration.ofSeconds(900), c.accessTokenTtl());
        assertTrue(c.secureCookies());
        assertEquals(26_214_400, c.attachmentMaxBytes());
        assertEquals(new RateLimits.Rate(120, Duration.ofMinutes(1)), c.limits().sendsPerUser());
        assertEquals(new RateLimits.Rate(10, Duration.ofMinutes(15)), c.limits().loginFailuresPerAccount());
        assertEquals(new RateLimits.Rate(100, Duration.ofMinutes(10)), c.limits().uploadsPerUser());
        assertEquals(new dev.chat.fanout.EventLogRetention(1_073_741_824L, "7D", 67_108_864L), c.eventLog());
        assertTrue(c.replica().replicaUrl().isEmpty(), "no replica unless one is named");
        assertEquals(Duration.ofMillis(20), c.replica().maxWait());
    }

    @Test
    void aReplicaIsNamedByItsUrlAndChecked() {
        ApiConfig c = read(Map.of("chat.token.secret", "a-secret-of-at-least-thirty-two-bytes!",
                "chat.db.replica.url", "jdbc:postgresql://127.0.0.1:5434/chat", "chat.db.replica.wait.ms", "50"));
        assertEquals("jdbc:postgresql://127.0.0.1:5434/chat", c.replica().replicaUrl().orElseThrow());
        assertEquals(Duration.ofMillis(50), c.replica().maxWait());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(Map.of(
                "chat.token.secret", "a-secret-of-at-least-thirty-two-bytes!", "chat.db.replica.url", "postgres://elsewhere")));
        assertTrue(e.getMessage().contains("chat.db.replica.url"), e.getMessage());
    }

    @Test
    void theEventLogsRetentionIsOverriddenAndCheckedAtBoot() {
        ApiConfig c = read(Map.of("chat.token.secret", "a-secret-of-at-least-thirty-two-bytes!",
                "chat.events.log.max.bytes", "500000000", "chat.events.log.max.age", "24h"));
        assertEquals(500_000_000L, c.eventLog().maxBytes());
        assertEquals("24h", c.eventLog().maxAge());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(Map.of(
                "chat.token.secret", "a-secret-of-at-least-thirty-two-bytes!", "chat.events.log.max.age", "a week")));
        assertTrue(e.getMessage().contains("chat.events.log.max.age"), e.getMessage());
    }

    @Test
    void anOverrideWins() {
        ApiConfig c = read(Map.of("chat.token.secret", "a-secret-of-at-least-thirty-two-bytes!",
                "chat.amqp.port", "6673", "chat.limits.sends.user", "100000/1m"));
        assertEquals(6673, c.amqp().port());
        assertEquals(new RateLimits.Rate(100000, Duration.ofMinutes(1)), c.limits().sendsPerUser());
    }

    @Test
    void theTokenSecretHasNoDefault() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(Map.of()));
        assertTrue(e.getMessage().contains("CHAT_TOKEN_SECRET"), e.getMessage());
    }

    @Test
    void aBadRateNamesItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(Map.of(
                "chat.token.secret", "a-secret-of-at-least-thirty-two-bytes!", "chat.limits.sends.user", "lots")));
        assertTrue(e.getMessage().contains("chat.limits.sends.user"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
