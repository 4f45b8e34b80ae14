package dev.chat.api.db;

import io.helidon.config.Config;

import java.time.Duration;
import java.util.Optional;

/**
 * The read-only replica api may read history from ({@code chat.db.replica.*} in api's
 * application.yaml): a streaming hot standby of the primary, same user and password.
 *
 * @param url       its JDBC URL; empty: no replica, every read goes to the primary
 * @param maxWait   how long a read may wait for the replica to replay what the primary had when the
 *                  read began, before it is served by the primary instead
 * @param poolSize  connections to the replica
 */
public record ReplicaSettings(String url, Duration maxWait, int poolSize) {
    public ReplicaSettings {
        if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("chat.db.replica.url must be empty or a jdbc:postgresql: URL");
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("chat.db.replica.wait.ms must be 0 or more");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("chat.db.replica.pool.size must be positive");
        }
    }

    /** No replica. */
    public static final ReplicaSettings NONE = new ReplicaSettings("", Duration.ofMillis(20), 1);

    public Optional<String> replicaUrl() {
        return url.isEmpty() ? Optional.empty() : Optional.of(url);
    }

    /** Reads {@code url}, {@code wait.ms} and {@code pool.size} of {@code chat.db.replica}. */
    public static ReplicaSettings from(Config c) {
        return new ReplicaSettings(c.get("url").asString().orElse(""),
                Duration.ofMillis(c.get("wait.ms").asLong().get()), c.get("pool.size").asInt().get());
    }
}
