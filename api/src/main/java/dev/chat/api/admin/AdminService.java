package dev.chat.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.Version;
import dev.chat.api.accounts.Authenticator;
import dev.chat.api.db.Db;
import dev.chat.api.groups.GroupStore;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.ErrorCode;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.Views;
import dev.chat.api.messaging.ConversationStore;
import dev.chat.api.messaging.Messaging;
import dev.chat.api.messaging.Outbox;
import dev.chat.fanout.Envelope;
import dev.chat.fanout.EventPublisher;
import dev.chat.fanout.EventType;
import dev.chat.fanout.Topology;
import dev.chat.presence.PresenceStore;
import dev.chat.presence.PresenceUnavailableException;
import dev.chat.tokens.AccessClaims;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The management API under {@code /api/admin}: every route requires the {@code admin} role (as
 * it is now in the database, not as the token remembers it), and every change is written to the
 * audit log in the same transaction as the change itself.
 */
public final class AdminService implements HttpService {
    private static final int MAX_LIMIT = 200;
    private static final int MAX_REASON = 500;
    private static final int MAX_ANNOUNCEMENT = 500;

    private final Db db;
    private final Outbox outbox;
    private final Authenticator auth;
    private final GroupStore groups;
    private final ConversationStore conversations;
    private final PresenceStore presence;
    private final EventPublisher publisher;
    private final Json json;

    public AdminService(Db db, Outbox outbox, Authenticator auth, GroupStore groups, ConversationStore conversations,
                 PresenceStore presence, EventPublisher publisher, Json json) {
        this.db = db;
        this.outbox = outbox;
        this.auth = auth;
        this.groups = groups;
        this.conversations = conversations;
        this.presence = presence;
        this.publisher = publisher;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/users", this::listUsers)
                .get("/admin/users/{user}", this::getUser)
                .patch("/admin/users/{user}", this::changeRole)
                .post("/admin/users/{user}/disable", (req, res) -> setDisabled(req, res, true))
                .post("/admin/users/{user}/enable", (req, res) -> setDisabled(req, res, false))
                .post("/admin/users/{user}/logout", this::forceLogout)
                .get("/admin/groups", this::listGroups)
                .get("/admin/groups/{group}", this::getGroup)
                .delete("/admin/groups/{group}", this::deleteGroup)
                .delete("/admin/groups/{group}/members/{user}", this::removeMember)
                .delete("/admin/conversations/{id}/messages/{seq}", this::moderate)
                .post("/admin/announcements", this::announce)
                .get("/admin/stats", this::stats)
                .get("/admin/nodes", this::nodes)
                .get("/admin/audit", this::audit);
    }

    // ---------------------------------------------------------------------------------- users

    private static final String USER_COLUMNS =
            "u.id, u.username, u.display_name, u.role, u.disabled, u.created_at, u.last_seen_at";

    private void listUsers(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        query(req, "q").ifPresent(q -> {
            where.add("(u.username LIKE ? OR lower(u.display_name) LIKE ?)");
            String like = likePrefix(q.toLowerCase(Locale.ROOT));
            params.add(like);
            params.add(like);
        });
        query(req, "role").ifPresent(r -> {
            if (!r.equals("user") && !r.equals("admin")) {
                throw ChatException.validation("'role' must be \"user\" or \"admin\".");
            }
            where.add("u.role = ?");
            params.add(r);
        });
        query(req, "status").ifPresent(s -> {
            if (!s.equals("active") && !s.equals("disabled")) {
                throw ChatException.validation("'status' must be \"active\" or \"disabled\".");
            }
            where.add(s.equals("disabled") ? "u.disabled" : "NOT u.disabled");
        });
        timeFilter(req, "createdAfter", "u.created_at >= ?", where, params);
        timeFilter(req, "createdBefore", "u.created_at < ?", where, params);
        timeFilter(req, "seenAfter", "u.last_seen_at >= ?", where, params);
        int limit = limit(req);
        int offset = intParam(req, "offset", 0, 0, 1_000_000);
        String filter = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        DbExecute exec = db.client().execute();
        long total = Db.longValue(exec.get("SELECT count(*) AS n FROM users u" + filter, params.toArray()).orElseThrow(), "n");
        List<Object> paged = new ArrayList<>(params);
        paged.add(limit);
        paged.add(offset);
        List<JsonNode> users = exec.query("SELECT " + USER_COLUMNS + " FROM users u" + filter
                + " ORDER BY u.created_at DESC, u.id LIMIT ? OFFSET ?", paged.toArray()).map(r -> (JsonNode) user(r)).toList();
        json.ok(res, Map.of("users", users, "total", total, "limit", limit, "offset", offset));
    }

    private void getUser(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        UUID user = uuidParam(req, "user");
        DbExecute exec = db.client().execute();
        ObjectNode out = userView(exec, user);
        DbRow counts = exec.get("""
                SELECT (SELECT count(*) FROM conversation_members WHERE user_id = ?::uuid) AS conversations,
                       (SELECT count(*) FROM group_members WHERE user_id = ?::uuid) AS groups,
                       (SELECT count(*) FROM messages WHERE sender_id = ?::uuid) AS messages""", user, user, user).orElseThrow();
        out.putObject("counts").put("conversations", Db.longValue(counts, "conversations"))
                .put("groups", Db.longValue(counts, "groups")).put("messages", Db.longValue(counts, "messages"));
        try {
            out.put("online", presence.onlineUsers().contains(user));
        } catch (PresenceUnavailableException e) {
            out.putNull("online");
        }
        json.ok(res, out);
    }

    private void changeRole(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        UUID user = uuidParam(req, "user");
        JsonBody body = json.body(req);
        String role = body.string("role", 4, 5);
        if (!role.equals("user") && !role.equals("admin")) {
            throw ChatException.validation("'role' must be \"user\" or \"admin\".");
        }
        String reason = body.optionalString("reason", 1, MAX_REASON).orElse(null);
        if (user.equals(me.userId()) && role.equals("user")) {
            throw new ChatException(ErrorCode.FORBIDDEN, "Admins cannot take their own admin role away.");
        }
        ObjectNode view = outbox.inTransaction(t -> {
            String before = Db.string(lockUser(t.db(), user), "role");
            t.db().update("UPDATE users SET role = ? WHERE id = ?::uuid", role, user);
            Audit.record(t.db(), me, "user.role", "user", user.toString(), reason,
                    json.object().put("from", before).put("to", role));
            return userView(t.db(), user);
        });
        auth.guard().forget(user);
        json.ok(res, view);
    }

    /** Disabling ends every session at once: refresh tokens deleted, sockets closed by every node. */
    private void setDisabled(ServerRequest req, ServerResponse res, boolean disabled) {
        AccessClaims me = auth.requireAdmin(req);
        UUID user = uuidParam(req, "user");
        JsonBody body = json.body(req);
        String reason = disabled ? body.string("reason", 1, MAX_REASON) : body.optionalString("reason", 1, MAX_REASON).orElse(null);
        if (disabled && user.equals(me.userId())) {
            throw new ChatException(ErrorCode.FORBIDDEN, "Admins cannot disable themselves.");
        }
        ObjectNode view = outbox.inTransaction(t -> {
            lockUser(t.db(), user);
            if (disabled) {
                revokeSessions(t, user);
                t.db().update("UPDATE users SET disabled = true WHERE id = ?::uuid", user);
            } else {
                t.db().update("UPDATE users SET disabled = false WHERE id = ?::uuid", user);
            }
            Audit.record(t.db(), me, disabled ? "user.disable" : "user.enable", "user", user.toString(), reason, json.object());
            return userView(t.db(), user);
        });
        auth.guard().forget(user);
        json.ok(res, view);
    }

    private void forceLogout(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        UUID user = uuidParam(req, "user");
        String reason = json.body(req).optionalString("reason", 1, MAX_REASON).orElse(null);
        outbox.inTransaction(t -> {
            lockUser(t.db(), user);
            revokeSessions(t, user);
            Audit.record(t.db(), me, "user.logout", "user", user.toString(), reason, json.object());
            return null;
        });
        auth.guard().forget(user);
        res.status(Status.NO_CONTENT_204).send();
    }

    /** Tokens issued until now stop working everywhere: REST (via the guard) and sockets (every node). */
    private void revokeSessions(Outbox.Tx t, UUID user) {
        Instant now = Instant.now();
        t.db().update("UPDATE users SET sessions_revoked_at = ? WHERE id = ?::uuid", Audit.timestamp(now), user);
        t.db().delete("DELETE FROM refresh_tokens WHERE user_id = ?::uuid", user);
        t.announce(Envelope.broadcast(EventType.SESSION_REVOKED, now,
                json.object().put("user", user.toString()).put("revokedAt", now.toString())));
    }

    private DbRow lockUser(DbExecute tx, UUID user) {
        return tx.get("SELECT role FROM users WHERE id = ?::uuid FOR UPDATE", user)
                .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "No such user."));
    }

    private ObjectNode userView(DbExecute exec, UUID user) {
        return exec.get("SELECT " + USER_COLUMNS + " FROM users u WHERE u.id = ?::uuid", user).map(this::user)
                .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "No such user."));
    }

    private ObjectNode user(DbRow r) {
        ObjectNode n = json.object().put("id", Db.uuid(r, "id").toString()).put("username", Db.string(r, "username"))
                .put("displayName", Db.string(r, "display_name")).put("role", Db.string(r, "role"))
                .put("disabled", (Boolean) Db.value(r, "disabled")).put("createdAt", Db.instant(r, "created_at").toString());
        if (Db.isNull(r, "last_seen_at")) {
            n.putNull("lastSeenAt");
        } else {
            n.put("lastSeenAt", Db.instant(r, "last_seen_at").toString());
        }
        return n;
    }

    // ---------------------------------------------------------------------------------- groups

    private void listGroups(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        Optional<String> q = query(req, "q");
        int limit = limit(req);
        int offset = intParam(req, "offset", 0, 0, 1_000_000);
        String filter = q.isPresent() ? " WHERE lower(g.name) LIKE ?" : "";
        Object[] params = q.map(s -> new Object[] {likePrefix(s.toLowerCase(Locale.ROOT))}).orElse(new Object[0]);
        DbExecute exec = db.client().execute();
        long total = Db.longValue(exec.get("SELECT count(*) AS n FROM groups g" + filter, params).orElseThrow(), "n");
        List<Object> paged = new ArrayList<>(List.of(params));
        paged.add(limit);
        paged.add(offset);
        List<JsonNode> list = exec.query("""
                SELECT g.id, g.name, g.description, g.created_at,
                       (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS members,
                       (SELECT count(*) FROM conversations c WHERE c.group_id = g.id) AS channels
                FROM groups g""" + filter + " ORDER BY g.created_at DESC, g.id LIMIT ? OFFSET ?", paged.toArray())
                .map(r -> (JsonNode) json.object().put("id", Db.uuid(r, "id").toString()).put("name", Db.string(r, "name"))
                        .put("description", Db.string(r, "description")).put("memberCount", Db.longValue(r, "members"))
                        .put("channelCount", Db.longValue(r, "channels")).put("createdAt", Db.instant(r, "created_at").toString()))
                .toList();
        json.ok(res, Map.of("groups", list, "total", total, "limit", limit, "offset", offset));
    }

    private void getGroup(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        UUID group = uuidParam(req, "group");
        DbExecute exec = db.client().execute();
        DbRow g = exec.get("SELECT id, name, description, created_at FROM groups WHERE id = ?::uuid", group)
                .orElseThrow(() -> new ChatException(ErrorCode.GROUP_NOT_FOUND, "No such group."));
        ObjectNode out = json.object().put("id", group.toString()).put("name", Db.string(g, "name"))
                .put("description", Db.string(g, "description")).put("createdAt", Db.instant(g, "created_at").toString());
        out.set("members", json.tree(groups.members(exec, group)));
        ArrayNode channels = out.putArray("channels");
        exec.query("SELECT id, name, archived, last_seq FROM conversations WHERE group_id = ?::uuid ORDER BY name", group)
                .forEach(r -> channels.addObject().put("id", Db.uuid(r, "id").toString()).put("name", Db.string(r, "name"))
                        .put("archived", (Boolean) Db.value(r, "archived")).put("lastSeq", Db.longValue(r, "last_seq")));
        json.ok(res, out);
    }

    private void deleteGroup(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        UUID group = uuidParam(req, "group");
        String reason = reasonParam(req);
        outbox.inTransaction(t -> {
            DbRow g = t.db().get("SELECT name FROM groups WHERE id = ?::uuid FOR UPDATE", group)
                    .orElseThrow(() -> new ChatException(ErrorCode.GROUP_NOT_FOUND, "No such group."));
            List<UUID> everyone = groups.memberIds(t.db(), group);
            t.db().delete("DELETE FROM groups WHERE id = ?::uuid", group);
            if (!everyone.isEmpty()) {
                t.announce(Envelope.of(EventType.GROUP_DELETED, null, null, Instant.now(),
                        json.object().put("id", group.toString()), everyone));
            }
            Audit.record(t.db(), me, "group.delete", "group", group.toString(), reason,
                    json.object().put("name", Db.string(g, "name")).put("members", everyone.size()));
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    private void removeMember(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        UUID group = uuidParam(req, "group");
        UUID user = uuidParam(req, "user");
        String reason = reasonParam(req);
        outbox.inTransaction(t -> {
            t.db().get("SELECT 1 AS one FROM groups WHERE id = ?::uuid FOR UPDATE", group)
                    .orElseThrow(() -> new ChatException(ErrorCode.GROUP_NOT_FOUND, "No such group."));
            String role = groups.role(t.db(), group, user)
                    .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "Not a member of this group."));
            if ("owner".equals(role)) {
                throw new ChatException(ErrorCode.OWNER_MUST_TRANSFER,
                        "The owner cannot be removed; delete the group, or have ownership transferred first.");
            }
            List<UUID> told = new ArrayList<>(groups.memberIds(t.db(), group));
            groups.removeMember(t.db(), group, user);
            t.announce(Envelope.of(EventType.GROUP_MEMBER_REMOVED, null, null, Instant.now(),
                    json.object().put("group", group.toString()).put("user", user.toString()), told));
            Audit.record(t.db(), me, "group.member.remove", "group", group.toString(), reason,
                    json.object().put("user", user.toString()));
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    // ---------------------------------------------------------------------------------- moderation

    /** Any message becomes a tombstone; every member's sessions get {@code message.deleted} live. */
    private void moderate(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        UUID conversation = uuidParam(req, "id");
        long seq;
        try {
            seq = Long.parseLong(req.path().pathParameters().get("seq"));
        } catch (NumberFormatException e) {
            throw ChatException.validation("'seq' must be a positive number.");
        }
        if (seq < 1) {
            throw ChatException.validation("'seq' must be a positive number.");
        }
        String reason = reasonParam(req);
        if (reason == null) {
            throw ChatException.validation("Say why: 'reason' is required to delete someone's message.");
        }
        long at = seq;
        Views.Message m = outbox.inTransaction(t -> {
            Views.Message current = conversations.bySeq(t.db(), conversation, at)
                    .orElseThrow(() -> new ChatException(ErrorCode.MESSAGE_NOT_FOUND, "No message " + at + " there."));
            Views.Message tombstone = Messaging.tombstone(t.db(), conversations, conversation, at);
            ObjectNode data = (ObjectNode) json.tree(tombstone);
            data.put("moderated", true);
            t.announce(Envelope.of(EventType.MESSAGE_DELETED, conversation, at, Instant.now(), data,
                    conversations.members(t.db(), conversation)));
            Audit.record(t.db(), me, "message.delete", "message", conversation + "/" + at, reason,
                    json.object().put("sender", current.senderId().toString()).put("wasDeleted", current.deleted()));
            return tombstone;
        });
        json.ok(res, m);
    }

    /** A system message to every socket on every node (not stored: it is for whoever is online). */
    private void announce(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        String text = json.body(req).string("text", 1, MAX_ANNOUNCEMENT);
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        ObjectNode data = json.object().put("id", id.toString()).put("text", text).put("by", me.username());
        outbox.inTransaction(t -> {
            Audit.record(t.db(), me, "announcement", "announcement", id.toString(), null, json.object().put("text", text));
            t.announce(Envelope.broadcast(EventType.ANNOUNCEMENT, now, data));
            return null;
        });
        json.send(res, Status.ACCEPTED_202, json.object().put("id", id.toString()).put("text", text).put("at", now.toString()));
    }

    // ---------------------------------------------------------------------------------- operations

    private void stats(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        DbExecute exec = db.client().execute();
        DbRow counts = exec.get("""
                SELECT (SELECT count(*) FROM users) AS users,
                       (SELECT count(*) FROM messages WHERE created_at > now() - interval '1 hour') AS last_hour,
                       (SELECT count(*) FROM messages WHERE created_at > now() - interval '1 day') AS last_day,
                       (SELECT count(*) FROM outbox) AS outbox""").orElseThrow();
        ObjectNode out = json.object();
        ObjectNode users = out.putObject("users").put("total", Db.longValue(counts, "users"));
        out.putObject("messages").put("lastHour", Db.longValue(counts, "last_hour")).put("lastDay", Db.longValue(counts, "last_day"));
        ObjectNode sockets = out.putObject("sockets");
        ObjectNode depth = out.putObject("queues");
        try {
            users.put("online", presence.onlineUsers().size());
            presence.nodeDescriptions().forEach((node, description) -> {
                JsonNode d = parse(description);
                sockets.put(node, d.path("sessions").asLong(0));
                // a node queue is exclusive to its node, so the node reports its depth in its heartbeat
                if (d.has("queueDepth")) {
                    depth.put(Topology.nodeQueue(node), d.path("queueDepth").asLong());
                }
            });
        } catch (PresenceUnavailableException e) {
            users.putNull("online");
        }
        out.put("outboxBacklog", Db.longValue(counts, "outbox"));
        json.ok(res, out);
    }

    private void nodes(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        ArrayNode list = json.mapper().createArrayNode();
        Instant now = Instant.now();
        try {
            presence.instanceDescriptions().forEach((id, d) -> list.add(node(id, "api", parse(d), now)));
            presence.nodeDescriptions().forEach((id, d) -> list.add(node(id, "ws-node", parse(d), now)));
        } catch (PresenceUnavailableException e) {
            throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "The heartbeat store (Memcached) is unavailable.");
        }
        json.ok(res, json.object().set("nodes", list));
    }

    private ObjectNode node(String id, String kind, JsonNode d, Instant now) {
        ObjectNode n = json.object().put("id", id).put("kind", kind).put("version", d.path("version").asText(Version.CURRENT));
        String started = d.path("startedAt").asText(null);
        if (started != null) {
            n.put("startedAt", started);
            try {
                n.put("uptimeSeconds", java.time.Duration.between(Instant.parse(started), now).toSeconds());
            } catch (DateTimeParseException ignored) {
                // a node that wrote something odd still shows up
            }
        }
        if (d.has("sessions")) {
            n.put("sockets", d.path("sessions").asLong());
        }
        if (d.has("queueDepth")) {
            n.put("queueDepth", d.path("queueDepth").asLong());
        }
        if (d.has("address")) {
            n.put("address", d.path("address").asText());
        }
        return n;
    }

    private void audit(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        Optional<UUID> actor = query(req, "actor").map(AdminService::uuid);
        int limit = limit(req);
        Long before = query(req, "before").map(b -> {
            try {
                return Long.parseLong(b);
            } catch (NumberFormatException e) {
                throw ChatException.validation("'before' must be an entry id.");
            }
        }).orElse(null);
        List<Audit.Entry> entries = Audit.page(db.client().execute(), query(req, "action").orElse(null), actor.orElse(null),
                query(req, "target").orElse(null), before, limit + 1);
        boolean more = entries.size() > limit;
        List<Audit.Entry> page = more ? entries.subList(0, limit) : entries;
        ObjectNode out = json.object();
        out.set("entries", json.tree(page));
        if (more) {
            out.put("next", page.getLast().id());
        } else {
            out.putNull("next");
        }
        json.ok(res, out);
    }

    // ---------------------------------------------------------------------------------- parameters

    private JsonNode parse(String description) {
        try {
            return json.mapper().readTree(description);
        } catch (java.io.IOException e) {
            return json.object();
        }
    }

    private static Optional<String> query(ServerRequest req, String name) {
        Optional<String> v = req.query().first(name).asOptional().map(String::strip).filter(s -> !s.isEmpty());
        v.ifPresent(s -> {
            if (s.length() > 200 || JsonBody.hasForbiddenControl(s)) {
                throw ChatException.validation("'" + name + "' is too long or holds control characters.");
            }
        });
        return v;
    }

    private static String reasonParam(ServerRequest req) {
        Optional<String> r = query(req, "reason");
        if (r.isPresent() && r.get().length() > MAX_REASON) {
            throw ChatException.validation("'reason' is at most " + MAX_REASON + " characters.");
        }
        return r.orElse(null);
    }

    private static int limit(ServerRequest req) {
        return intParam(req, "limit", 50, 1, MAX_LIMIT);
    }

    private static int intParam(ServerRequest req, String name, int fallback, int min, int max) {
        Optional<String> raw = query(req, name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(raw.get());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error
        }
        throw ChatException.validation("'" + name + "' must be a number from " + min + " to " + max + ".");
    }

    private static void timeFilter(ServerRequest req, String name, String clause, List<String> where, List<Object> params) {
        query(req, name).ifPresent(v -> {
            try {
                params.add(Audit.timestamp(Instant.parse(v)));
            } catch (DateTimeParseException e) {
                throw ChatException.validation("'" + name + "' must be an RFC 3339 time such as 2026-01-31T12:00:00Z.");
            }
            where.add(clause);
        });
    }

    private static UUID uuidParam(ServerRequest req, String name) {
        return uuid(req.path().pathParameters().get(name));
    }

    private static UUID uuid(String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ChatException.validation("'" + raw + "' is not an id.");
        }
    }

    /** A LIKE prefix pattern with the wildcards of the input escaped. */
    private static String likePrefix(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
