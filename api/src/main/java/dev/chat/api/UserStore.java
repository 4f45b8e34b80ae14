package dev.chat.api;

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

    public void insertRefreshToken(DbExecute db, byte[] hash, UUID userId, java.time.Instant expiresAt) {
        db.insert("INSERT INTO refresh_tokens (token_hash, user_id, expires_at) VALUES (?, ?::uuid, ?)",
                hash, userId, java.sql.Timestamp.from(expiresAt));
    }

    /** Deletes the token and returns its user when it was valid: a refresh token is used once. */
    public Optional<UUID> consumeRefreshToken(DbExecute db, byte[] hash) {
        return db.get("DELETE FROM refresh_tokens WHERE token_hash = ? RETURNING user_id, expires_at > now() AS valid", hash)
                .filter(r -> Boolean.TRUE.equals(Db.value(r, "valid")))
                .map(r -> Db.uuid(r, "user_id"));
    }

    public void deleteRefreshToken(DbExecute db, byte[] hash) {
        db.delete("DELETE FROM refresh_tokens WHERE token_hash = ?", hash);
    }

    private static Account account(DbRow r) {
        return new Account(Db.uuid(r, "id"), Db.string(r, "username"), Db.string(r, "display_name"),
                Db.string(r, "password_hash"), Db.string(r, "role"), Boolean.TRUE.equals(Db.value(r, "disabled")));
    }
}
