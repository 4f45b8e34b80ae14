package dev.chat.api.admin;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * What the admin console reads and changes in PostgreSQL beyond the other stores: accounts with
 * their role and state, groups with their figures, the service's figures. Stateless; every method
 * takes the executor (or transaction) to run on.
 */
final class AdminStore {
    private static final String USER_COLUMNS =
            "u.id, u.username, u.display_name, u.role, u.disabled, u.created_at, u.last_seen_at";

    /** Which accounts to list; every field is optional (null: no condition). */
    record UserFilter(String q, String role, Boolean disabled, Instant createdAfter, Instant createdBefore,
                      Instant seenAfter) {
    }

    /** A group's own row. */
    record GroupRow(UUID id, String name, String description, Instant createdAt) {
    }

    /** The service's figures that come from the database. */
    record Figures(long users, long messagesLastHour, long messagesLastDay, long outboxBacklog) {
    }

    // ---------------------------------------------------------------------------------- users

    long countUsers(DbExecute exec, UserFilter filter) {
        Where w = where(filter);
        return Db.longValue(exec.get("SELECT count(*) AS n FROM users u" + w.sql(), w.params().toArray()).orElseThrow(), "n");
    }

    /** Newest first. */
    List<AdminViews.User> users(DbExecute exec, UserFilter filter, int limit, int offset) {
        Where w = where(filter);
        return exec.query("SELECT " + USER_COLUMNS + " FROM users u" + w.sql()
                + " ORDER BY u.created_at DESC, u.id LIMIT ? OFFSET ?", w.paged(limit, offset)).map(AdminStore::user).toList();
    }

    Optional<AdminViews.User> user(DbExecute exec, UUID user) {
        return exec.get("SELECT " + USER_COLUMNS + " FROM users u WHERE u.id = ?::uuid", user).map(AdminStore::user);
    }

    AdminViews.Counts counts(DbExecute exec, UUID user) {
        DbRow r = exec.get("""
                SELECT (SELECT count(*) FROM conversation_members WHERE user_id = ?::uuid) AS conversations,
                       (SELECT count(*) FROM group_members WHERE user_id = ?::uuid) AS groups,
                       (SELECT count(*) FROM messages WHERE sender_id = ?::uuid) AS messages""", user, user, user).orElseThrow();
        return new AdminViews.Counts(Db.longValue(r, "conversations"), Db.longValue(r, "groups"), Db.longValue(r, "messages"));
    }

    /** Locks the account's row for the rest of the transaction; its role, or empty if there is none. */
    Optional<String> lockUser(DbExecute tx, UUID user) {
        return tx.get("SELECT role FROM users WHERE id = ?::uuid FOR UPDATE", user).map(r -> Db.string(r, "role"));
    }

    void setRole(DbExecute tx, UUID user, String role) {
        tx.update("UPDATE users SET role = ? WHERE id = ?::uuid", role, user);
    }

    void setDisabled(DbExecute tx, UUID user, boolean disabled) {
        tx.update("UPDATE users SET disabled = ? WHERE id = ?::uuid", disabled, user);
    }

    /** Tokens issued up to {@code now} are refused from now on; refresh tokens are gone. */
    void revokeSessions(DbExecute tx, UUID user, Instant now) {
        tx.update("UPDATE users SET sessions_revoked_at = ? WHERE id = ?::uuid", Db.timestamp(now), user);
        tx.delete("DELETE FROM refresh_tokens WHERE user_id = ?::uuid", user);
    }

    // ---------------------------------------------------------------------------------- groups

    long countGroups(DbExecute exec, String q) {
        Where w = groupWhere(q);
        return Db.longValue(exec.get("SELECT count(*) AS n FROM groups g" + w.sql(), w.params().toArray()).orElseThrow(), "n");
    }

    /** Newest first, each with its member and channel counts. */
    List<AdminViews.Group> groups(DbExecute exec, String q, int limit, int offset) {
        Where w = groupWhere(q);
        return exec.query("""
                SELECT g.id, g.name, g.description, g.created_at,
                       (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS members,
                       (SELECT count(*) FROM conversations c WHERE c.group_id = g.id) AS channels
                FROM groups g""" + w.sql() + " ORDER BY g.created_at DESC, g.id LIMIT ? OFFSET ?", w.paged(limit, offset))
                .map(r -> new AdminViews.Group(Db.uuid(r, "id"), Db.string(r, "name"), Db.string(r, "description"),
                        Db.longValue(r, "members"), Db.longValue(r, "channels"), Db.instant(r, "created_at")))
                .toList();
    }

    Optional<GroupRow> group(DbExecute exec, UUID group) {
        return exec.get("SELECT id, name, description, created_at FROM groups WHERE id = ?::uuid", group)
                .map(r -> new GroupRow(Db.uuid(r, "id"), Db.string(r, "name"), Db.string(r, "description"),
                        Db.instant(r, "created_at")));
    }

    /** Every channel of the group, archived ones too, by name. */
    List<AdminViews.Channel> channels(DbExecute exec, UUID group) {
        return exec.query("SELECT id, name, archived, last_seq FROM conversations WHERE group_id = ?::uuid ORDER BY name", group)
                .map(r -> new AdminViews.Channel(Db.uuid(r, "id"), Db.string(r, "name"), (Boolean) Db.value(r, "archived"),
                        Db.longValue(r, "last_seq")))
                .toList();
    }

    /** Locks the group's row for the rest of the transaction; its name, or empty if there is none. */
    Optional<String> lockGroup(DbExecute tx, UUID group) {
        return tx.get("SELECT name FROM groups WHERE id = ?::uuid FOR UPDATE", group).map(r -> Db.string(r, "name"));
    }

    /** The group, its channels and their messages go (foreign keys cascade). */
    void deleteGroup(DbExecute tx, UUID group) {
        tx.delete("DELETE FROM groups WHERE id = ?::uuid", group);
    }

    // ---------------------------------------------------------------------------------- figures

    Figures figures(DbExecute exec) {
        DbRow r = exec.get("""
                SELECT (SELECT count(*) FROM users) AS users,
                       (SELECT count(*) FROM messages WHERE created_at > now() - interval '1 hour') AS last_hour,
                       (SELECT count(*) FROM messages WHERE created_at > now() - interval '1 day') AS last_day,
                       (SELECT count(*) FROM outbox) AS outbox""").orElseThrow();
        return new Figures(Db.longValue(r, "users"), Db.longValue(r, "last_hour"), Db.longValue(r, "last_day"),
                Db.longValue(r, "outbox"));
    }

    // ---------------------------------------------------------------------------------- helpers

    /** A WHERE clause (or "") and its parameters. */
    private record Where(String sql, List<Object> params) {
        static Where of(List<String> conditions, List<Object> params) {
            return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
        }

        /** The parameters, then a page's LIMIT and OFFSET. */
        Object[] paged(int limit, int offset) {
            List<Object> all = new ArrayList<>(params);
            all.add(limit);
            all.add(offset);
            return all.toArray();
        }
    }

    private static Where where(UserFilter f) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (f.q() != null) {
            conditions.add("(u.username LIKE ? OR lower(u.display_name) LIKE ?)");
            String like = Db.likePrefix(f.q().toLowerCase(Locale.ROOT));
            params.add(like);
            params.add(like);
        }
        if (f.role() != null) {
            conditions.add("u.role = ?");
            params.add(f.role());
        }
        if (f.disabled() != null) {
            conditions.add(f.disabled() ? "u.disabled" : "NOT u.disabled");
        }
        condition(conditions, params, "u.created_at >= ?", f.createdAfter());
        condition(conditions, params, "u.created_at < ?", f.createdBefore());
        condition(conditions, params, "u.last_seen_at >= ?", f.seenAfter());
        return Where.of(conditions, params);
    }

    private static Where groupWhere(String q) {
        return q == null ? Where.of(List.of(), List.of())
                : Where.of(List.of("lower(g.name) LIKE ?"), List.of(Db.likePrefix(q.toLowerCase(Locale.ROOT))));
    }

    private static void condition(List<String> conditions, List<Object> params, String clause, Instant at) {
        if (at != null) {
            conditions.add(clause);
            params.add(Db.timestamp(at));
        }
    }

    private static AdminViews.User user(DbRow r) {
        return new AdminViews.User(Db.uuid(r, "id"), Db.string(r, "username"), Db.string(r, "display_name"),
                Db.string(r, "role"), (Boolean) Db.value(r, "disabled"), Db.instant(r, "created_at"),
                Db.instant(r, "last_seen_at"));
    }
}
