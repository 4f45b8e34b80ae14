package dev.chat.ws;

import dev.chat.fanout.AmqpSettings;
import dev.chat.fanout.Topology;
import dev.chat.tokens.Secret;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * ws-node settings, read once at boot from {@link #DEFAULTS} (the one place of every default;
 * {@code CHAT_NODE_ID} overrides {@code chat.node.id}) and validated here. There is deliberately
 * no database setting: a node cannot reach PostgreSQL.
 *
 * @param heartbeat     a socket silent this long is pinged
 * @param idleTimeout   a socket silent this long (no frame, no pong) is closed with 4408
 * @param sendQueueLimit frames waiting for a slow client before it is dropped with 4429
 * @param framesPerSecond inbound frames a session may send per second, sustained
 * @param frameBurst      inbound frames a session may send at once
 * @param apis            api instances' internal listeners to start from (the node then follows their announcements)
 */
public record NodeConfig(String nodeId, String host, int port, AmqpSettings amqp, Secret tokenSecret,
                         InetSocketAddress memcached, Set<String> allowedOrigins, int maxFrameBytes,
                         Duration heartbeat, Duration idleTimeout, int sendQueueLimit, double framesPerSecond,
                         double frameBurst, java.util.List<java.net.URI> apis) {
    public NodeConfig {
        Topology.nodeQueue(nodeId); // validates the id's characters
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("chat.ws.max-frame-bytes too small");
        }
        if (idleTimeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("chat.ws.idle-timeout must be at least twice the heartbeat");
        }
        allowedOrigins = Set.copyOf(allowedOrigins);
        apis = java.util.List.copyOf(apis);
        if (apis.isEmpty()) {
            throw new IllegalArgumentException("chat.api.urls names no api instance");
        }
        if (framesPerSecond <= 0 || frameBurst < 1) {
            throw new IllegalArgumentException("chat.ws.frames-per-second and chat.ws.frame-burst must be positive");
        }
    }

    /** Where every default is: the node's settings file on the class path (not shared with api's). */
    public static final String DEFAULTS = "dev/chat/ws/application.yaml";

    /** The settings of this process: environment variables over system properties over {@link #DEFAULTS}. */
    public static NodeConfig load() {
        return from(Config.builder().sources(ConfigSources.classpath(DEFAULTS)).build());
    }

    /** Reads {@code chat.*} from {@code root}, which holds every key (a missing one is an error naming it). */
    public static NodeConfig from(Config root) {
        Config c = root.get("chat");
        String[] mc = c.get("memcached").asString().get().split(":");
        return new NodeConfig(
                c.get("node.id").asString().get(),
                c.get("ws.host").asString().get(),
                c.get("ws.port").asInt().get(),
                AmqpSettings.from(c.get("amqp")),
                new Secret(c.get("token.secret").asString().orElseThrow(
                        () -> new IllegalArgumentException("missing setting chat.token.secret (CHAT_TOKEN_SECRET)"))),
                new InetSocketAddress(mc[0], Integer.parseInt(mc[1])),
                list(c, "allowed.origins").collect(Collectors.toSet()),
                c.get("ws.max.frame.bytes").asInt().get(),
                Duration.ofSeconds(c.get("ws.heartbeat.seconds").asInt().get()),
                Duration.ofSeconds(c.get("ws.idle.timeout.seconds").asInt().get()),
                c.get("ws.send.queue.limit").asInt().get(),
                c.get("ws.frames.per.second").asDouble().get(),
                c.get("ws.frame.burst").asDouble().get(),
                list(c, "api.urls").map(java.net.URI::create).toList());
    }

    /** A comma-separated setting's items. */
    private static Stream<String> list(Config c, String key) {
        return Arrays.stream(c.get(key).asString().get().split(",")).map(String::strip).filter(s -> !s.isEmpty());
    }
}
