package dev.chat.api.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.accounts.Authenticator;
import dev.chat.api.db.Db;
import dev.chat.api.groups.GroupStore;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.Params;
import dev.chat.api.http.Views;
import dev.chat.api.messaging.ConversationStore;
import dev.chat.api.messaging.Messaging;
import dev.chat.api.messaging.Outbox;
import dev.chat.fanout.Envelope;
import dev.chat.presence.PresenceStore;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.tokens.AccessClaims;
import dev.chat.protocol.Message;
import io.helidon.dbclient.DbExecute;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    private final AdminStore store = new AdminStore();
    private final Outbox outbox;
    private final Authenticator auth;
    private final GroupStore groups;
    private final ConversationStore conversations;
    private final Heartbeats heartbeats;
    private final Json json;

    public AdminService(Db db, Outbox outbox, Authenticator auth, GroupStore groups, ConversationStore conversations,
                 PresenceStore presence, Json json) {
        this.db = db;
        this.outbox = outbox;
        this.auth = auth;
        this.groups = groups;
        this.conversations = conversations;
        this.heartbeats = new Heartbeats(presence, json.mapper());
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

    private void listUsers(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        AdminStore.UserFilter filter = new AdminStore.UserFilter(Params.query(req, "q").orElse(null),
                Params.oneOf(req, "role", "user", "admin").orElse(null),
                Params.oneOf(req, "status", "active", "disabled").map(s -> s.equals("disabled")).orElse(null),
                Params.instantQuery(req, "createdAfter").orElse(null), Params.instantQuery(req, "createdBefore").orElse(null),
                Params.instantQuery(req, "seenAfter").orElse(null));
        int limit = limit(req);
        int offset = offset(req);
        DbExecute exec = db.client().execute();
        json.ok(res, new AdminViews.UserPage(store.users(exec, filter, limit, offset), store.countUsers(exec, filter), limit, offset));
    }

    private void getUser(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        UUID user = userParam(req);
        DbExecute exec = db.client().execute();
        json.ok(res, AdminViews.UserDetail.of(userView(exec, user), store.counts(exec, user), heartbeats.isOnline(user)));
    }

    private void changeRole(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        UUID user = userParam(req);
        JsonBody body = json.body(req);
        String role = body.string("role", 4, 5);
        if (!role.equals("user") && !role.equals("admin")) {
            throw ChatException.validation("'role' must be \"user\" or \"admin\".");
        }
        String reason = body.optionalString("reason", 1, MAX_REASON).orElse(null);
        if (user.equals(me.userId()) && role.equals("user")) {
            throw new ChatException(ErrorCode.FORBIDDEN, "Admins cannot take their own admin role away.");
        }
        AdminViews.User view = outbox.inTransaction(t -> {
            String before = lockUser(t.db(), user);
            store.setRole(t.db(), user, role);
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
        UUID user = userParam(req);
        JsonBody body = json.body(req);
        String reason = disabled ? body.string("reason", 1, MAX_REASON) : body.optionalString("reason", 1, MAX_REASON).orElse(null);
        if (disabled && user.equals(me.userId())) {
            throw new ChatException(ErrorCode.FORBIDDEN, "Admins cannot disable themselves.");
        }
        AdminViews.User view = outbox.inTransaction(t -> {
            lockUser(t.db(), user);
            if (disabled) {
                revokeSessions(t, user);
            }
            store.setDisabled(t.db(), user, disabled);
            Audit.record(t.db(), me, disabled ? "user.disable" : "user.enable", "user", user.toString(), reason, json.object());
            return userView(t.db(), user);
        });
        auth.guard().forget(user);
        json.ok(res, view);
    }

    private void forceLogout(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        UUID user = userParam(req);
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
        store.revokeSessions(t.db(), user, now);
        t.announce(Envelope.broadcast(EventType.SESSION_REVOKED, now,
                json.object().put("user", user.toString()).put("revokedAt", now.toString())));
    }

    /** Locks the account for the transaction; its role before the change. */
    private String lockUser(DbExecute tx, UUID user) {
        return store.lockUser(tx, user).orElseThrow(AdminService::noSuchUser);
    }

    private AdminViews.User userView(DbExecute exec, UUID user) {
        return store.user(exec, user).orElseThrow(AdminService::noSuchUser);
    }

    // ---------------------------------------------------------------------------------- groups

    private void listGroups(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        String q = Params.query(req, "q").orElse(null);
        int limit = limit(req);
        int offset = offset(req);
        DbExecute exec = db.client().execute();
        json.ok(res, new AdminViews.GroupPage(store.groups(exec, q, limit, offset), store.countGroups(exec, q), limit, offset));
    }

    private void getGroup(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        UUID group = groupParam(req);
        DbExecute exec = db.client().execute();
        AdminStore.GroupRow g = store.group(exec, group).orElseThrow(AdminService::noSuchGroup);
        json.ok(res, new AdminViews.GroupDetail(g.id(), g.name(), g.description(), g.createdAt(), groups.members(exec, group),
                store.channels(exec, group)));
    }

    private void deleteGroup(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        UUID group = groupParam(req);
        String reason = reasonParam(req);
        outbox.inTransaction(t -> {
            String name = store.lockGroup(t.db(), group).orElseThrow(AdminService::noSuchGroup);
            List<UUID> everyone = groups.memberIds(t.db(), group);
            store.deleteGroup(t.db(), group);
            if (!everyone.isEmpty()) {
                t.announce(Envelope.of(EventType.GROUP_DELETED, null, null, Instant.now(),
                        json.object().put("id", group.toString()), everyone));
            }
            Audit.record(t.db(), me, "group.delete", "group", group.toString(), reason,
                    json.object().put("name", name).put("members", everyone.size()));
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    private void removeMember(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.requireAdmin(req);
        UUID group = groupParam(req);
        UUID user = userParam(req);
        String reason = reasonParam(req);
        outbox.inTransaction(t -> {
            store.lockGroup(t.db(), group).orElseThrow(AdminService::noSuchGroup);
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
        UUID conversation = Params.pathId(req, "id", () -> notAnId(req.path().pathParameters().get("id")));
        long seq = seqParam(req);
        String reason = reasonParam(req);
        if (reason == null) {
            throw ChatException.validation("Say why: 'reason' is required to delete someone's message.");
        }
        Message m = outbox.inTransaction(t -> {
            Message current = conversations.bySeq(t.db(), conversation, seq)
                    .orElseThrow(() -> new ChatException(ErrorCode.MESSAGE_NOT_FOUND, "No message " + seq + " there."));
            Message tombstone = Messaging.tombstone(t.db(), conversations, conversation, seq);
            ObjectNode data = (ObjectNode) json.tree(tombstone);
            data.put("moderated", true);
            t.announce(Envelope.of(EventType.MESSAGE_DELETED, conversation, seq, Instant.now(), data,
                    conversations.members(t.db(), conversation)));
            Audit.record(t.db(), me, "message.delete", "message", conversation + "/" + seq, reason,
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
        json.send(res, Status.ACCEPTED_202, new AdminViews.Announcement(id, text, now));
    }

    // ---------------------------------------------------------------------------------- operations

    private void stats(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        json.ok(res, heartbeats.stats(store.figures(db.client().execute())));
    }

    private void nodes(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        json.ok(res, new AdminViews.Nodes(heartbeats.nodes()));
    }

    private void audit(ServerRequest req, ServerResponse res) {
        auth.requireAdmin(req);
        UUID actor = Params.query(req, "actor").map(a -> Params.id(a, () -> notAnId(a))).orElse(null);
        int limit = limit(req);
        Long before = Params.query(req, "before").map(b -> {
            try {
                return Long.parseLong(b);
            } catch (NumberFormatException e) {
                throw ChatException.validation("'before' must be an entry id.");
            }
        }).orElse(null);
        List<Audit.Entry> entries = Audit.page(db.client().execute(), Params.query(req, "action").orElse(null), actor,
                Params.query(req, "target").orElse(null), before, limit + 1);
        boolean more = entries.size() > limit;
        List<Audit.Entry> page = more ? entries.subList(0, limit) : entries;
        json.ok(res, new AdminViews.AuditPage(page, more ? page.getLast().id() : null));
    }

    // ---------------------------------------------------------------------------------- parameters

    private static String reasonParam(ServerRequest req) {
        Optional<String> r = Params.query(req, "reason");
        if (r.isPresent() && r.get().length() > MAX_REASON) {
            throw ChatException.validation("'reason' is at most " + MAX_REASON + " characters.");
        }
        return r.orElse(null);
    }

    private static int limit(ServerRequest req) {
        return Params.intQuery(req, "limit", 50, 1, MAX_LIMIT);
    }

    private static int offset(ServerRequest req) {
        return Params.intQuery(req, "offset", 0, 0, 1_000_000);
    }

    private static long seqParam(ServerRequest req) {
        try {
            long seq = Long.parseLong(req.path().pathParameters().get("seq"));
            if (seq >= 1) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw ChatException.validation("'seq' must be a positive number.");
    }

    private static UUID userParam(ServerRequest req) {
        return Params.pathId(req, "user", () -> notAnId(req.path().pathParameters().get("user")));
    }

    private static UUID groupParam(ServerRequest req) {
        return Params.pathId(req, "group", () -> notAnId(req.path().pathParameters().get("group")));
    }

    private static ChatException notAnId(String raw) {
        return ChatException.validation("'" + raw + "' is not an id.");
    }

    private static ChatException noSuchUser() {
        return new ChatException(ErrorCode.USER_NOT_FOUND, "No such user.");
    }

    private static ChatException noSuchGroup() {
        return new ChatException(ErrorCode.GROUP_NOT_FOUND, "No such group.");
    }
}
