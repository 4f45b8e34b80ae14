package dev.chat.api.calls;

import dev.chat.api.RateLimits;
import dev.chat.tokens.Secret;
import io.helidon.config.Config;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The settings of 1:1 calls ({@code chat.calls.*} in api's application.yaml).
 *
 * @param turnServers    where browsers reach the STUN/TURN server, {@code host:port} each
 * @param turnSecret     coturn's {@code static-auth-secret}; empty: no TURN credentials, STUN only
 * @param credentialTtl  how long handed-out TURN credentials stay valid
 * @param ringTimeout    a call not answered within this is missed
 * @param invitesPerUser calls one person may start ({@code call.invite}), every device together
 */
public record CallSettings(List<String> turnServers, Secret turnSecret, Duration credentialTtl, Duration ringTimeout,
                           RateLimits.Rate invitesPerUser) {
    /** With the default invite rate, {@link #DEFAULT_INVITES}. */
    public CallSettings(List<String> turnServers, Secret turnSecret, Duration credentialTtl, Duration ringTimeout) {
        this(turnServers, turnSecret, credentialTtl, ringTimeout, RateLimits.Rate.parse(DEFAULT_INVITES));
    }

    /** What a person never reaches and a script ringing people soon does. */
    public static final String DEFAULT_INVITES = "20/1m";

    public CallSettings {
        turnServers = List.copyOf(turnServers);
        Objects.requireNonNull(turnSecret, "chat.calls.turn.secret");
        Objects.requireNonNull(invitesPerUser, "chat.calls.invites.user");
        for (String server : turnServers) {
            if (!server.matches("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}")) {
                throw new IllegalArgumentException("chat.calls.turn.urls: each must be host:port, got " + server);
            }
        }
        if (credentialTtl.isNegative() || credentialTtl.isZero()) {
            throw new IllegalArgumentException("chat.calls.turn.ttl.seconds must be positive");
        }
        if (ringTimeout.isNegative() || ringTimeout.isZero()) {
            throw new IllegalArgumentException("chat.calls.ring.timeout.seconds must be positive");
        }
    }

    /** Reads {@code chat.calls}. */
    public static CallSettings from(Config c) {
        List<String> servers = Arrays.stream(c.get("turn.urls").asString().orElse("").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        return new CallSettings(servers, new Secret(c.get("turn.secret").asString().orElse("")),
                Duration.ofSeconds(c.get("turn.ttl.seconds").asInt().get()),
                Duration.ofMillis(Math.round(c.get("ring.timeout.seconds").asDouble().get() * 1000)),
                RateLimits.Rate.parse(c.get("invites.user").asString().orElse(DEFAULT_INVITES)));
    }
}
