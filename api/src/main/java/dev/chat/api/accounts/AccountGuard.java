package dev.chat.api.accounts;

import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.protocol.ErrorCode;
import dev.chat.tokens.AccessClaims;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What a valid token alone cannot tell: whether its account is still enabled, whether its
 * sessions were revoked after it was issued, whether its own session was ended by a logout, and
 * the account's current role. Read from PostgreSQL and kept for {@link #FRESH_FOR_NANOS} per user,
 * so a disable, a forced logout or a logout takes hold on every api instance within a second (at
 * once on the instance that made it), at one primary-key lookup per user per second.
 */
public final class AccountGuard {
    static final long FRESH_FOR_NANOS = 1_000_000_000L;
    private static final int MAX_ENTRIES = 100_000;

    /** The account's standing, as of {@code readAt}. */
    record Standing(String role, boolean disabled, Instant revokedAt, Set<UUID> endedSessions, long readAt) {
    }

    private final Db db;
    private final ConcurrentHashMap<UUID, Standing> cache = new ConcurrentHashMap<>();

    public AccountGuard(Db db) {
        this.db = db;
    }

    /** The caller's standing, or 401 when the account is gone, disabled or its sessions revoked. */
    Standing check(AccessClaims claims) {
        Standing s = standing(claims.userId()).orElseThrow(
                () -> new ChatException(ErrorCode.UNAUTHENTICATED, "This account no longer exists."));
        if (s.disabled()) {
            throw new ChatException(ErrorCode.ACCOUNT_DISABLED, "This account is disabled.");
        }
        if (claims.revokedBy(s.revokedAt()) || claims.session() != null && s.endedSessions().contains(claims.session())) {
            throw new ChatException(ErrorCode.UNAUTHENTICATED, "This session was ended; log in again.");
        }
        return s;
    }

    /** Forgets what is cached of a user (this instance changed them). */
    public void forget(UUID user) {
        cache.remove(user);
    }

    private Optional<Standing> standing(UUID user) {
        long now = System.nanoTime();
        Standing cached = cache.get(user);
        if (cached != null && now - cached.readAt() < FRESH_FOR_NANOS) {
            return Optional.of(cached);
        }
        Optional<Standing> read = db.client().execute()
                .get("""
                        SELECT role, disabled, sessions_revoked_at,
                               (SELECT string_agg(e.family::text, ',') FROM ended_sessions e
                                WHERE e.user_id = u.id AND e.expires_at > now()) AS ended
                        FROM users u WHERE id = ?::uuid""", user)
                .map(r -> new Standing(Db.string(r, "role"), (Boolean) Db.value(r, "disabled"),
                        Db.isNull(r, "sessions_revoked_at") ? null : Db.instant(r, "sessions_revoked_at"),
                        Db.isNull(r, "ended") ? Set.of() : Arrays.stream(Db.string(r, "ended").split(","))
                                .map(UUID::fromString).collect(Collectors.toUnmodifiableSet()), now));
        if (cache.size() > MAX_ENTRIES) {
            cache.clear(); // a crude bound: entries are cheap to read again
        }
        read.ifPresent(s -> cache.put(user, s));
        return read;
    }
}
