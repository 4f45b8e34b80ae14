package dev.chat.api.push;

import dev.chat.tokens.Secret;
import io.helidon.config.Config;

import java.util.Objects;

/**
 * The settings of Web Push ({@code chat.push.*} in api's application.yaml).
 *
 * @param vapidKey the stack's private VAPID scalar, 32 bytes in hex; empty: Web Push is off
 * @param subject  the contact push services are given in every token ({@code mailto:} or {@code https:})
 * @param loopback whether subscriptions may name a push service on loopback over plain http: the
 *                 test suite's own; never in production
 */
public record PushSettings(Secret vapidKey, String subject, boolean loopback) {
    public PushSettings {
        Objects.requireNonNull(vapidKey, "chat.push.vapid.key");
        Objects.requireNonNull(subject, "chat.push.vapid.subject");
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
                c.get("vapid.subject").asString().get(), c.get("loopback").asBoolean().get());
    }
}
