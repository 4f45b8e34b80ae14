package dev.chat.api;

import dev.chat.api.attachments.AttachmentStore;
import dev.chat.fanout.AmqpSettings;
import dev.chat.tokens.Secret;
import io.helidon.config.Config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything api needs to start, read once at boot from {@code application.yaml} with environment
 * overrides ({@code CHAT_DB_URL} overrides {@code chat.db.url}) and validated here, so a bad
 * setting stops the process with a clear message instead of failing later.
 */
public record ApiConfig(String instanceId, String host, int port, String internalHost, int internalPort, String dbUrl, String dbUser, Secret dbPassword,
                        int dbPoolSize, AmqpSettings amqp, InetSocketAddress memcached, Secret tokenSecret,
                        Duration accessTokenTtl, boolean secureCookies, RateLimits limits, long attachmentMaxBytes) {
    public ApiConfig {
        Objects.requireNonNull(limits, "chat.limits");
        Objects.requireNonNull(instanceId, "chat.instance-id");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("chat.http.port out of range: " + port);
        }
        if (internalPort < 0 || internalPort > 65535) {
            throw new IllegalArgumentException("chat.internal.port out of range: " + internalPort);
        }
        if (!dbUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("chat.db.url must be a jdbc:postgresql: URL");
        }
        if (attachmentMaxBytes < 1) {
            throw new IllegalArgumentException("chat.attachments.max.bytes must be positive");
        }
        if (dbPoolSize < 1) {
            throw new IllegalArgumentException("chat.db.pool-size must be positive");
        }
    }

    public static ApiConfig from(Config root) {
        Config c = root.get("chat");
        return new ApiConfig(
                c.get("instance.id").asString().orElse("api-1"),
                c.get("http.host").asString().orElse("127.0.0.1"),
                c.get("http.port").asInt().orElse(8080),
                c.get("internal.host").asString().orElse("127.0.0.1"),
                c.get("internal.port").asInt().orElse(8090),
                required(c, "db.url"),
                required(c, "db.user"),
                new Secret(c.get("db.password").asString().orElse("")),
                c.get("db.pool.size").asInt().orElse(16),
                new AmqpSettings(c.get("amqp.host").asString().orElse("127.0.0.1"),
                        c.get("amqp.port").asInt().orElse(5672),
                        c.get("amqp.user").asString().orElse("guest"),
                        c.get("amqp.password").asString().orElse("guest"),
                        c.get("amqp.vhost").asString().orElse("/")),
                memcached(c.get("memcached").asString().orElse("127.0.0.1:11212")),
                new Secret(required(c, "token.secret")),
                Duration.ofSeconds(c.get("token.ttl.seconds").asInt().orElse(900)),
                c.get("cookie.secure").asBoolean().orElse(true),
                new RateLimits(
                        rate(c, "limits.login.account", RateLimits.DEFAULTS.loginFailuresPerAccount()),
                        rate(c, "limits.login.address", RateLimits.DEFAULTS.loginsPerAddress()),
                        rate(c, "limits.signup.address", RateLimits.DEFAULTS.signupsPerAddress()),
                        rate(c, "limits.sends.user", RateLimits.DEFAULTS.sendsPerUser()),
                        rate(c, "limits.invites.user", RateLimits.DEFAULTS.invalidInvitesPerUser()),
                        rate(c, "limits.uploads.user", RateLimits.DEFAULTS.uploadsPerUser())),
                c.get("attachments.max.bytes").asLong().orElse(AttachmentStore.DEFAULT_MAX_BYTES));
    }

    private static RateLimits.Rate rate(Config c, String key, RateLimits.Rate otherwise) {
        return c.get(key).asString().map(spec -> {
            try {
                return RateLimits.Rate.parse(spec);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("chat." + key + ": " + e.getMessage(), e);
            }
        }).orElse(otherwise);
    }

    static InetSocketAddress memcached(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("chat.memcached must be host:port, got " + hostPort);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static String required(Config c, String key) {
        return c.get(key).asString().orElseThrow(() -> new IllegalArgumentException(
                "missing setting chat." + key + " (environment CHAT_" + key.toUpperCase().replace('.', '_') + ")"));
    }
}
