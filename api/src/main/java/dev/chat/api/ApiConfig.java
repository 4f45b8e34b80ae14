package dev.chat.api;

import dev.chat.api.attachments.AttachmentStore;
import dev.chat.api.calls.CallSettings;
import dev.chat.api.db.ReplicaSettings;
import dev.chat.api.push.PushSettings;
import dev.chat.fanout.AmqpSettings;
import dev.chat.fanout.EventLogRetention;
import dev.chat.tokens.Secret;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything api needs to start, read once at boot from {@link #DEFAULTS} (the one place of every
 * default) with environment overrides ({@code CHAT_DB_URL} overrides {@code chat.db.url}) and
 * validated here, so a bad setting stops the process with a clear message instead of failing later.
 */
public record ApiConfig(String instanceId, String host, int port, String internalHost, int internalPort, String dbUrl, String dbUser, Secret dbPassword,
                        int dbPoolSize, AmqpSettings amqp, InetSocketAddress memcached, Secret tokenSecret,
                        Duration accessTokenTtl, boolean secureCookies, RateLimits limits, long attachmentMaxBytes,
                        EventLogRetention eventLog, CallSettings calls, ReplicaSettings replica,
                        PushSettings push, Announce announce, long searchReach) {
    /**
     * How this instance tells ws-nodes where to hand it frames (docs/ARCHITECTURE.md, "api instances
     * come and go").
     *
     * @param enabled whether it announces itself at all (the configured lists of ws-nodes only, if not)
     * @param address what it announces; empty: {@code http://<internal host>:<internal port>}
     * @param drain   on a stop: how long it keeps serving after saying "leaving", for the hand-offs on their way
     */
    public record Announce(boolean enabled, String address, Duration drain) {
        public Announce {
            if (!address.isBlank()) {
                new dev.chat.fanout.ApiAnnouncement(java.net.URI.create(address), true); // refuses what no node could use
            }
            if (drain.isNegative()) {
                throw new IllegalArgumentException("chat.internal.drain.ms must not be negative");
            }
        }

        static Announce from(Config c) {
            return new Announce(c.get("announce").asBoolean().get(), c.get("advertise").asString().orElse(""),
                    Duration.ofMillis(c.get("drain.ms").asLong().get()));
        }
    }

    public ApiConfig {
        Objects.requireNonNull(announce, "chat.internal.announce");
        if (searchReach < 1) {
            throw new IllegalArgumentException("chat.search.reach must be positive");
        }
        Objects.requireNonNull(push, "chat.push");
        Objects.requireNonNull(calls, "chat.calls");
        Objects.requireNonNull(replica, "chat.db.replica");
        Objects.requireNonNull(limits, "chat.limits");
        Objects.requireNonNull(eventLog, "chat.events.log");
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

    /** Where every default is: api's settings file on the class path (not shared with ws-node's). */
    public static final String DEFAULTS = "dev/chat/api/application.yaml";

    /** The settings of this process: environment variables over system properties over {@link #DEFAULTS}. */
    public static ApiConfig load() {
        return from(Config.builder().sources(ConfigSources.classpath(DEFAULTS)).build());
    }

    /** Reads {@code chat.*} from {@code root}, which holds every key (a missing one is an error naming it). */
    public static ApiConfig from(Config root) {
        Config c = root.get("chat");
        return new ApiConfig(
                c.get("instance.id").asString().get(),
                c.get("http.host").asString().get(),
                c.get("http.port").asInt().get(),
                c.get("internal.host").asString().get(),
                c.get("internal.port").asInt().get(),
                required(c, "db.url"),
                required(c, "db.user"),
                new Secret(c.get("db.password").asString().get()),
                c.get("db.pool.size").asInt().get(),
                AmqpSettings.from(c.get("amqp")),
                memcached(c.get("memcached").asString().get()),
                new Secret(required(c, "token.secret")),
                Duration.ofSeconds(c.get("token.ttl.seconds").asInt().get()),
                c.get("cookie.secure").asBoolean().get(),
                new RateLimits(
                        rate(c, "limits.login.account"),
                        rate(c, "limits.login.address"),
                        rate(c, "limits.signup.address"),
                        rate(c, "limits.sends.user"),
                        rate(c, "limits.invites.user"),
                        rate(c, "limits.uploads.user")),
                c.get("attachments.max.bytes").asLong().get(),
                EventLogRetention.from(c.get("events.log")),
                CallSettings.from(c.get("calls")),
                ReplicaSettings.from(c.get("db.replica")),
                PushSettings.from(c.get("push")),
                Announce.from(c.get("internal")),
                c.get("search.reach").asLong().get());
    }

    private static RateLimits.Rate rate(Config c, String key) {
        String spec = c.get(key).asString().get();
        try {
            return RateLimits.Rate.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chat." + key + ": " + e.getMessage(), e);
        }
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
