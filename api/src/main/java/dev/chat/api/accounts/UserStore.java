package dev.chat.api.accounts;

import dev.chat.api.db.Db;
import dev.chat.api.http.Views;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.util.Optional;
import java.util.UUID;

/** Users and refresh tokens in PostgreSQL. Stateless; every method takes the executor to run on. */
public final class UserStore {

    /** A user row with what login needs. */
    public record Account(UUID id, String username, String displayName, String passwordHash, String role, boolean disabled) {
        Views.User view() {
            return new Views.User(id, username, displayName);
        }
    }

    public Account insert(DbExecute db, String username, String displayName, String passwordHash) {
        DbRow row = db.get("""
                INSERT INTO users (username, display_name, password_hash) VALUES (?, ?, ?)
                RETURNING id, username, display_name, password_hash, role, disabled""",
                username, displayName, passwordHash).orElseThrow();
        return account(row);
    }

    public Optional<Account> byUsername(DbExecute db, String username) {
        return db.get("SELECT id, username, display_name, password_hash, role, disabled FROM users WHERE username = ?",
                username).map(UserStore::account);
    }

    public Optional<Account> byId(DbExecute db, UUID id) {
        return db.get("SELECT id, username, display_name, password_hash, role, disabled FROM users WHERE id = ?::uuid",
                id).map(UserStore::account);
    }

    /** Stores a new token of a session's family; drops this user's expired tokens and long-spent ones. */
    public void insertRefreshToken(DbExecute db, byte[] hash, UUID userId, UUID family, java.time.Instant expiresAt) {
        db.delete("DELETE FROM refresh_tokens WHERE user_id = ?::uuid AND (expires_at < now() OR used_at < now() - interval '2 days')",
                userId);
        db.insert("INSERT INTO refresh_tokens (token_hash, user_id, family, expires_at) VALUES (?, ?::uuid, ?::uuid, ?)",
                hash, userId, family, java.sql.Timestamp.from(expiresAt));
    }

    /** A refresh token presented: who it belongs to and what became of it. */
    public record Presented(UUID userId, UUID family, Use use) {
    }

    public enum Use { FRESH, JUST_SPENT, REUSED }

    /**
     * Spends a refresh token (once). A token spent within the last {@code graceSeconds} is
     * {@link Use#JUST_SPENT} (another tab of the same browser won the race); spent before that it is
     * {@link Use#REUSED}: someone holds a copy, and the caller revokes the family. Empty when the
     * token is unknown or expired.
     */
    public Optional<Presented> spendRefreshToken(DbExecute db, byte[] hash, int graceSeconds) {
        Optional<DbRow> row = db.get("""
                SELECT user_id, family, used_at IS NULL AS fresh, used_at > now() - ? * interval '1 second' AS recent
                FROM refresh_tokens WHERE token_hash = ? AND expires_at > now() FOR UPDATE""", graceSeconds, hash);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        DbRow r = row.get();
        Use use;
        if (Boolean.TRUE.equals(Db.value(r, "fresh"))) {
            db.update("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = ?", hash);
            use = Use.FRESH;
        } else {
            use = Boolean.TRUE.equals(Db.value(r, "recent")) ? Use.JUST_SPENT : Use.REUSED;
        }
        return Optional.of(new Presented(Db.uuid(r, "user_id"), Db.uuid(r, "family"), use));
    }

    /** A session named by one of its refresh tokens (spent ones too, while they are kept). */
    public record Session(UUID userId, UUID family) {
    }

    public Optional<Session> familyOf(DbExecute db, byte[] hash) {
        return db.get("SELECT user_id, family FROM refresh_tokens WHERE token_hash = ?", hash)
                .map(r -> new Session(Db.uuid(r, "user_id"), Db.uuid(r, "family")));
    }

    /**
     * Ends a session: deletes every refresh token of the family, and records it as ended until
     * {@code accessTokensExpire} (the last of its access tokens is refused until then). The
     * device's Web Push subscriptions made in it go too: a logged-out browser is not notified.
     */
    public void endSession(DbExecute db, UUID user, UUID family, java.time.Instant accessTokensExpire) {
        db.delete("DELETE FROM refresh_tokens WHERE family = ?::uuid", family);
        db.delete("DELETE FROM push_subscriptions WHERE session_id = ?::uuid", family);
        db.delete("DELETE FROM ended_sessions WHERE user_id = ?::uuid AND expires_at < now()", user);
        db.insert("""
                INSERT INTO ended_sessions (family, user_id, expires_at) SELECT ?::uuid, id, ? FROM users WHERE id = ?::uuid
                ON CONFLICT (family) DO NOTHING""", family, java.sql.Timestamp.from(accessTokensExpire), user);
    }

    private static Account account(DbRow r) {
        return new Account(Db.uuid(r, "id"), Db.string(r, "username"), Db.string(r, "display_name"),
                Db.string(r, "password_hash"), Db.string(r, "role"), Boolean.TRUE.equals(Db.value(r, "disabled")));
    }

    /** Locks the account of that name for the transaction; its role, or empty if there is none. */
    public Optional<String> lockRole(DbExecute tx, String username) {
        return tx.get("SELECT role FROM users WHERE username = ? FOR UPDATE", username).map(r -> Db.string(r, "role"));
    }

    /** A new admin account, its display name its username. */
    public void insertAdmin(DbExecute tx, String username, String passwordHash) {
        tx.insert("INSERT INTO users (username, display_name, password_hash, role) VALUES (?, ?, ?, 'admin')",
                username, username, passwordHash);
    }

    public void setPassword(DbExecute tx, String username, String passwordHash) {
        tx.update("UPDATE users SET password_hash = ? WHERE username = ?", passwordHash, username);
    }

    public void makeAdmin(DbExecute tx, String username) {
        tx.update("UPDATE users SET role = 'admin' WHERE username = ?", username);
    }
}
