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
 * @param role     {@code user} or {@code admin} when the token was issued
 * @param issuedAt when the token was issued (whole seconds): sessions revoked after it refuse it
 * @param expiresAt the instant after which the token is refused
 */
public record AccessClaims(UUID userId, String username, String role, Instant issuedAt, Instant expiresAt) {
    public AccessClaims {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean isAdmin() {
        return "admin".equals(role);
    }

    /** Whether sessions revoked at {@code revokedAt} include this token's (issued in that second or before). */
    public boolean revokedBy(Instant revokedAt) {
        return revokedAt != null && issuedAt.getEpochSecond() <= revokedAt.getEpochSecond();
    }
}
