package dev.chat.tokens;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What a verified access token says about its bearer: everything ws-node needs to authorise a
 * connection without a database.
 *
 * @param userId   the authenticated user
 * @param username the user's unique handle
 * @param role     {@code user} or {@code admin}
 * @param expiresAt the instant after which the token is refused
 */
public record AccessClaims(UUID userId, String username, String role, Instant expiresAt) {
    public AccessClaims {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean isAdmin() {
        return "admin".equals(role);
    }
}
