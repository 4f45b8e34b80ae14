package dev.chat.ws;

import dev.chat.fanout.AmqpSettings;
import dev.chat.fanout.Topology;
import dev.chat.tokens.Secret;
import io.helidon.config.Config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ws-node settings, read once at boot ({@code CHAT_NODE_ID} overrides {@code chat.node.id}) and
 * validated here. There is deliberately no database setting: a node cannot reach PostgreSQL.
 *
 * @param heartbeat     a socket silent this long is pinged
 * @param idleTimeout   a socket silent this long (no frame, no pong) is closed with 4408
 * @param sendQueueLimit frames waiting for a slow client before it is dropped with 4429
 * @param framesPerSecond inbound frames a session may send per second, sustained
 * @param frameBurst      inbound frames a session may send at once
 * @param apis            api instances' internal listeners, where frames are handed off
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

    public static NodeConfig from(Config root) {
        Config c = root.get("chat");
        String[] mc = c.get("memcached").asString().orElse("127.0.0.1:11212").split(":");
        return new NodeConfig(
                c.get("node.id").asString().orElse("ws-1"),
                c.get("ws.host").asString().orElse("127.0.0.1"),
                c.get("ws.port").asInt().orElse(8081),
                new AmqpSettings(c.get("amqp.host").asString().orElse("127.0.0.1"),
                        c.get("amqp.port").asInt().orElse(5672),
                        c.get("amqp.user").asString().orElse("guest"),
                        c.get("amqp.password").asString().orElse("guest"),
                        c.get("amqp.vhost").asString().orElse("/")),
                new Secret(c.get("token.secret").asString().orElseThrow(
                        () -> new IllegalArgumentException("missing setting chat.token.secret (CHAT_TOKEN_SECRET)"))),
                new InetSocketAddress(mc[0], Integer.parseInt(mc[1])),
                Arrays.stream(c.get("allowed.origins").asString().orElse("https://localhost:8443").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet()),
                c.get("ws.max.frame.bytes").asInt().orElse(64 * 1024),
                Duration.ofSeconds(c.get("ws.heartbeat.seconds").asInt().orElse(25)),
                Duration.ofSeconds(c.get("ws.idle.timeout.seconds").asInt().orElse(75)),
                c.get("ws.send.queue.limit").asInt().orElse(1024),
                c.get("ws.frames.per.second").asDouble().orElse(50.0),
                c.get("ws.frame.burst").asDouble().orElse(200.0),
                Arrays.stream(c.get("api.urls").asString().orElse("http://127.0.0.1:8090").split(","))
                        .map(String::strip).filter(u -> !u.isEmpty()).map(java.net.URI::create).toList());
    }
}
