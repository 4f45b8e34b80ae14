package dev.chat.ws;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A node's settings come from its application.yaml, the one place of every default, under overrides. */
class NodeConfigTest {

    private static NodeConfig read(Map<String, String> overrides) {
        return NodeConfig.from(Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .sources(ConfigSources.create(overrides), ConfigSources.classpath(NodeConfig.DEFAULTS)).build());
    }

    @Test
    void everyDefaultComesFromTheSettingsFile() {
        NodeConfig c = read(Map.of("chat.token.secret", "a-secret-of-at-least-thirty-two-bytes!"));
        assertEquals("ws-1", c.nodeId());
        assertEquals(8081, c.port());
        assertEquals(5673, c.amqp().port(), "the broker ./chat up starts");
        assertEquals(11212, c.memcached().getPort());
        assertEquals(Set.of("https://localhost:8443", "https://127.0.0.1:8443"), c.allowedOrigins());
        assertEquals(64 * 1024, c.maxFrameBytes());
        assertEquals(Duration.ofSeconds(25), c.heartbeat());
        assertEquals(Duration.ofSeconds(75), c.idleTimeout());
        assertEquals(1024, c.sendQueueLimit());
        assertEquals(50.0, c.framesPerSecond());
        assertEquals(200.0, c.frameBurst());
        assertEquals(List.of(URI.create("http://127.0.0.1:8090")), c.apis());
    }

    @Test
    void anOverrideWins() {
        NodeConfig c = read(Map.of("chat.token.secret", "a-secret-of-at-least-thirty-two-bytes!",
                "chat.api.urls", "http://api-1:8090, http://api-2:8090", "chat.amqp.vhost", "chat_it"));
        assertEquals(List.of(URI.create("http://api-1:8090"), URI.create("http://api-2:8090")), c.apis());
        assertEquals("chat_it", c.amqp().virtualHost());
    }
}
