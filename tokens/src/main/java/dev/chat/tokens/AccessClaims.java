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
 * @param issuedAt when the token was issued, to the millisecond (whole seconds for tokens without
 *                 the {@code iat_ms} claim): a revocation of the user's sessions at or after it refuses it
 * @param expiresAt the instant after which the token is refused
 * @param session  the session (login) the token belongs to: the family of its refresh tokens, ended
 *                 as a whole by logout; {@code null} for tokens not issued by a login
 */
public record AccessClaims(UUID userId, String username, String role, Instant issuedAt, Instant expiresAt, UUID session) {
    public AccessClaims(UUID userId, String username, String role, Instant issuedAt, Instant expiresAt) {
        this(userId, username, role, issuedAt, expiresAt, null);
    }

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

    /**
     * Whether sessions revoked at {@code revokedAt} include this token's: issued in that millisecond or
     * before. A token issued after it (a login right after a forced logout) is not.
     */
    public boolean revokedBy(Instant revokedAt) {
        return revokedAt != null && issuedAt.toEpochMilli() <= revokedAt.toEpochMilli();
    }
}
