package dev.chat.presence;

import java.time.Instant;
import java.util.UUID;

/**
 * What a reader learns about one user: online, offline (with when last seen, if ever), or unknown
 * when Memcached cannot be reached. Presence never blocks chat: unknown is a valid answer.
 */
public record Presence(UUID user, State state, Instant lastSeen) {
    public enum State {
        ONLINE, OFFLINE, UNKNOWN;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
