package dev.chat.api.push;

import dev.chat.tokens.Secret;
import io.helidon.config.Config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of Web Push ({@code chat.push.*} in api's application.yaml).
 *
 * @param vapidKey the stack's private VAPID scalar, 32 bytes in hex; empty: Web Push is off
 * @param subject  the contact push services are given in every token ({@code mailto:} or {@code https:})
 * @param loopback whether subscriptions may name a push service on loopback over plain http: the
 *                 test suite's own; never in production
 * @param services the push services a subscription may name, by host ({@code fcm.googleapis.com})
 *                 or by domain ({@code .push.apple.com}: any host under it): api posts to what a
 *                 subscription names, so only to these, never to a host of its own network
 */
public record PushSettings(Secret vapidKey, String subject, boolean loopback, List<String> services) {
    public PushSettings {
        Objects.requireNonNull(vapidKey, "chat.push.vapid.key");
        Objects.requireNonNull(subject, "chat.push.vapid.subject");
        services = services.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        if (services.stream().anyMatch(s -> s.equals(".") || !s.matches("\\.?[a-z0-9.-]+"))) {
            throw new IllegalArgumentException("chat.push.services: host names or .domains, comma-separated: " + services);
        }
    }

    /** Whether a subscription may name this push service host (lowercase). */
    public boolean allows(String host) {
        return services.stream().anyMatch(s -> s.startsWith(".") ? host.endsWith(s) && host.length() > s.length() : host.equals(s));
    }

    public boolean enabled() {
        return !vapidKey.value().isBlank();
    }

    /** The stack's VAPID identity; only when {@link #enabled()}. */
    public Vapid vapid() {
        return new Vapid(vapidKey.value(), subject);
    }

    /** Reads {@code chat.push}. */
    public static PushSettings from(Config c) {
        return new PushSettings(new Secret(c.get("vapid.key").asString().orElse("")),
                c.get("vapid.subject").asString().get(), c.get("loopback").asBoolean().get(),
                Arrays.asList(c.get("services").asString().get().split(",")));
    }
}
