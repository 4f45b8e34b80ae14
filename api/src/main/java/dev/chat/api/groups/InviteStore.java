package dev.chat.api.groups;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Invite links in PostgreSQL ({@code group_invites}): stored by the SHA-256 of their token, never
 * the token. Stateless; every method takes the executor to run on.
 */
final class InviteStore {
    /** An invite as admins see it (never with its token). */
    record Invite(UUID id, Instant createdAt, Instant expiresAt, Integer maxUses, int uses, boolean revoked) {
    }

    /** What a holder of a valid token may see of the group before joining. */
    record Group(UUID id, String name, String description, long memberCount, List<String> channels) {
    }

    UUID insert(DbExecute tx, UUID group, byte[] tokenHash, UUID createdBy, Instant expiresAt, Integer maxUses) {
        return Db.uuid(tx.get("""
                INSERT INTO group_invites (group_id, token_hash, created_by, expires_at, max_uses)
                VALUES (?::uuid, ?, ?::uuid, ?, ?) RETURNING id""",
                group, tokenHash, createdBy, expiresAt == null ? null : java.sql.Timestamp.from(expiresAt), maxUses)
                .orElseThrow(), "id");
    }

    /** The group's invites, newest first. */
    List<Invite> list(DbExecute tx, UUID group) {
        return tx.query("""
                SELECT id, created_at, expires_at, max_uses, uses, revoked_at IS NOT NULL AS revoked
                FROM group_invites WHERE group_id = ?::uuid ORDER BY created_at DESC""", group)
                .map(InviteStore::invite).toList();
    }

    /** Whether the group had that invite (revoking twice is revoking once). */
    boolean revoke(DbExecute tx, UUID group, UUID invite) {
        return tx.update("UPDATE group_invites SET revoked_at = coalesce(revoked_at, now()) WHERE id = ?::uuid AND group_id = ?::uuid",
                invite, group) > 0;
    }

    /**
     * The group of a usable invite (not revoked, not expired, not used up), its row locked for the
     * rest of the transaction when {@code lock}.
     */
    Optional<UUID> groupOf(DbExecute db, byte[] tokenHash, boolean lock) {
        return db.get("""
                SELECT group_id FROM group_invites
                WHERE token_hash = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                  AND (max_uses IS NULL OR uses < max_uses)""" + (lock ? " FOR UPDATE" : ""), tokenHash)
                .map(r -> Db.uuid(r, "group_id"));
    }

    void used(DbExecute tx, byte[] tokenHash) {
        tx.update("UPDATE group_invites SET uses = uses + 1 WHERE token_hash = ?", tokenHash);
    }

    /** The group with its member count and open channels' names. */
    Group group(DbExecute db, UUID group) {
        DbRow g = db.get("""
                SELECT g.id, g.name, g.description, (SELECT count(*) FROM group_members x WHERE x.group_id = g.id) AS n
                FROM groups g WHERE g.id = ?::uuid""", group).orElseThrow();
        List<String> channels = db.query("SELECT name FROM conversations WHERE group_id = ?::uuid AND NOT archived ORDER BY name", group)
                .map(r -> Db.string(r, "name")).toList();
        return new Group(Db.uuid(g, "id"), Db.string(g, "name"), Db.string(g, "description"), Db.longValue(g, "n"), channels);
    }

    private static Invite invite(DbRow r) {
        Object max = Db.value(r, "max_uses");
        return new Invite(Db.uuid(r, "id"), Db.instant(r, "created_at"), Db.instant(r, "expires_at"),
                max == null ? null : ((Number) max).intValue(), (int) Db.longValue(r, "uses"),
                Boolean.TRUE.equals(Db.value(r, "revoked")));
    }
}
