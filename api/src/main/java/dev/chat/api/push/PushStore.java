package dev.chat.api.push;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The SQL of Web Push: subscriptions per device, the previews setting, and who a new message reaches. */
public final class PushStore {
    /** The most devices one person keeps subscribed; a new one beyond it replaces the oldest. */
    static final int MAX_PER_USER = 10;

    /** A device to push to: its endpoint and keys, and what its owner chose. */
    public record Target(UUID user, String endpoint, byte[] p256dh, byte[] auth, boolean previews) {
    }

    /** What a push about a message says: who wrote, and where (a group and channel, or nothing for a direct chat). */
    public record Names(String sender, String group, String channel) {
    }

    /** Adds or takes over the subscription of {@code endpoint} for this user and session; keeps the newest few. */
    void upsert(DbExecute tx, UUID user, UUID session, String endpoint, byte[] p256dh, byte[] auth) {
        tx.insert("""
                INSERT INTO push_subscriptions (endpoint, user_id, session_id, p256dh, auth) VALUES (?, ?::uuid, ?::uuid, ?, ?)
                ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, session_id = excluded.session_id,
                    p256dh = excluded.p256dh, auth = excluded.auth, created_at = now()""",
                endpoint, user, session, p256dh, auth);
        tx.delete("""
                DELETE FROM push_subscriptions WHERE user_id = ?::uuid AND endpoint NOT IN (
                    SELECT endpoint FROM push_subscriptions WHERE user_id = ?::uuid ORDER BY created_at DESC LIMIT ?)""",
                user, user, MAX_PER_USER);
    }

    /** Removes this user's subscription of {@code endpoint}, if there is one. */
    void delete(DbExecute tx, UUID user, String endpoint) {
        tx.delete("DELETE FROM push_subscriptions WHERE endpoint = ? AND user_id = ?::uuid", endpoint, user);
    }

    /** Removes a subscription the push service says is gone (404, 410). */
    void gone(DbExecute tx, String endpoint) {
        tx.delete("DELETE FROM push_subscriptions WHERE endpoint = ?", endpoint);
    }

    Optional<Boolean> previews(DbExecute tx, UUID user) {
        return tx.get("SELECT push_previews FROM users WHERE id = ?::uuid", user).map(r -> Boolean.TRUE.equals(Db.value(r, "push_previews")));
    }

    void setPreviews(DbExecute tx, UUID user, boolean previews) {
        tx.update("UPDATE users SET push_previews = ? WHERE id = ?::uuid", previews, user);
    }

    /**
     * The devices of {@code users} a new message {@code seq} of {@code conversation} pushes to: a
     * member who muted the chat only when the message mentions them by name.
     */
    List<Target> forMessage(DbExecute tx, UUID conversation, long seq, List<UUID> users) {
        return tx.query("""
                SELECT s.user_id, s.endpoint, s.p256dh, s.auth, u.push_previews
                FROM push_subscriptions s
                JOIN users u ON u.id = s.user_id AND NOT u.disabled
                JOIN conversation_members m ON m.conversation_id = ?::uuid AND m.user_id = s.user_id
                WHERE s.user_id = ANY (?::uuid[])
                  AND (NOT m.muted OR EXISTS (SELECT 1 FROM mentions mn
                       WHERE mn.conversation_id = ?::uuid AND mn.seq = ? AND mn.user_id = s.user_id))""",
                conversation, array(users), conversation, seq).map(PushStore::target).toList();
    }

    /** The devices of {@code users}, whatever they muted: a call rings. */
    List<Target> forCall(DbExecute tx, List<UUID> users) {
        return tx.query("""
                SELECT s.user_id, s.endpoint, s.p256dh, s.auth, u.push_previews
                FROM push_subscriptions s JOIN users u ON u.id = s.user_id AND NOT u.disabled
                WHERE s.user_id = ANY (?::uuid[])""", (Object) array(users)).map(PushStore::target).toList();
    }

    Optional<Names> names(DbExecute tx, UUID conversation, UUID sender) {
        return tx.get("""
                SELECT u.display_name, g.name AS group_name, c.name AS channel
                FROM conversations c LEFT JOIN groups g ON g.id = c.group_id, users u
                WHERE c.id = ?::uuid AND u.id = ?::uuid""", conversation, sender)
                .map(r -> new Names(Db.string(r, "display_name"), Db.string(r, "group_name"), Db.string(r, "channel")));
    }

    private static String array(List<UUID> users) {
        return users.stream().map(UUID::toString).collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }

    private static Target target(DbRow r) {
        return new Target(Db.uuid(r, "user_id"), Db.string(r, "endpoint"), r.column("p256dh").get(byte[].class),
                r.column("auth").get(byte[].class), Boolean.TRUE.equals(Db.value(r, "push_previews")));
    }
}
