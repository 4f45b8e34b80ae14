package dev.chat.api.groups;

import dev.chat.api.accounts.Authenticator;
import dev.chat.api.accounts.UserStore;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.Params;
import dev.chat.api.http.Views;
import dev.chat.api.messaging.ConversationStore;
import dev.chat.api.messaging.Outbox;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.tokens.AccessClaims;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Groups, members, roles and channels under {@code /api/groups}. Roles: the owner (one), admins,
 * members. Admins manage members and channels; the owner also manages admins, transfers ownership
 * and deletes the group; anyone may leave (the owner after transferring). A group I am not in is
 * 404, like one that does not exist. Every change reaches every member's sessions live (and the
 * affected user's), and is in {@code GET /api/groups} and {@code GET /api/conversations} for sync.
 */
public final class GroupService implements HttpService {
    public static final int MAX_MEMBERS = 500;
    static final Pattern CHANNEL_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    private final Outbox outbox;
    private final Db db;
    private final GroupStore groups;
    private final UserStore users;
    private final ConversationStore conversations;
    private final Authenticator auth;
    private final Json json;

    public GroupService(Db db, Outbox outbox, GroupStore groups, UserStore users, ConversationStore conversations,
                        Authenticator auth, Json json) {
        this.db = db;
        this.outbox = outbox;
        this.groups = groups;
        this.users = users;
        this.conversations = conversations;
        this.auth = auth;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/groups", this::list)
                .post("/groups", this::create)
                .get("/groups/{group}", this::get)
                .patch("/groups/{group}", this::update)
                .delete("/groups/{group}", this::delete)
                .get("/groups/{group}/members", this::members)
                .post("/groups/{group}/members", this::addMember)
                .patch("/groups/{group}/members/{user}", this::setRole)
                .delete("/groups/{group}/members/{user}", this::removeMember)
                .post("/groups/{group}/transfer", this::transfer)
                .post("/groups/{group}/channels", this::createChannel)
                .patch("/groups/{group}/channels/{channel}", this::updateChannel)
                .delete("/groups/{group}/channels/{channel}", this::deleteChannel);
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        json.ok(res, Map.of("groups", groups.groupsOf(db.client().execute(), me.userId())));
    }

    private void create(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        JsonBody body = json.body(req);
        String name = body.string("name", 1, 80);
        String description = body.optionalString("description", 0, 500).orElse("");
        GroupStore.Group created = outbox.inTransaction(t -> {
            UUID id = groups.create(t.db(), name, description, me.userId());
            GroupStore.Group g = groups.view(t.db(), id, me.userId()).orElseThrow();
            t.announce(event(EventType.GROUP_UPDATED, g, List.of(me.userId())));
            return g;
        });
        json.send(res, Status.CREATED_201, created);
    }

    private void get(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        json.ok(res, groups.view(db.client().execute(), groupId(req), me.userId()).orElseThrow(GroupService::notFound));
    }

    private void update(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        JsonBody body = json.body(req);
        Optional<String> name = body.optionalString("name", 1, 80);
        Optional<String> description = body.optionalString("description", 0, 500);
        if (name.isEmpty() && description.isEmpty()) {
            throw ChatException.validation("Give 'name' and/or 'description'.");
        }
        json.ok(res, change(me, group, Role.ADMIN, t -> groups.describe(t.db(), group, name.orElse(null), description.orElse(null))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        outbox.inTransaction(t -> {
            require(t, group, me.userId(), Role.OWNER);
            List<UUID> everyone = groups.memberIds(t.db(), group);
            groups.delete(t.db(), group);
            t.announce(Envelope.of(EventType.GROUP_DELETED, null, null, Instant.now(),
                    json.object().put("id", group.toString()), everyone));
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    private void members(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        var exec = db.client().execute();
        if (groups.role(exec, group, me.userId()).isEmpty()) {
            throw notFound();
        }
        json.ok(res, Map.of("members", groups.members(exec, group)));
    }

    private void addMember(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        String username = json.body(req).string("username", 1, 64).toLowerCase(Locale.ROOT);
        GroupStore.Group view = change(me, group, Role.ADMIN, t -> {
            UserStore.Account user = users.byUsername(t.db(), username).filter(a -> !a.disabled())
                    .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "No user is called '" + username + "'."));
            admit(t, group, user.id());
        });
        json.send(res, Status.CREATED_201, view);
    }

    /** Adds a user (group row already locked) and tells everyone, the newcomer included. */
    void admit(Outbox.Tx t, UUID group, UUID user) {
        if (groups.role(t.db(), group, user).isPresent()) {
            throw new ChatException(ErrorCode.ALREADY_MEMBER, "Already a member of this group.");
        }
        if (groups.memberCount(t.db(), group) >= MAX_MEMBERS) {
            throw new ChatException(ErrorCode.GROUP_FULL, "The group has reached its limit of " + MAX_MEMBERS + " members.");
        }
        groups.addMember(t.db(), group, user, "member");
        t.announce(Envelope.of(EventType.GROUP_MEMBER_ADDED, null, null, Instant.now(),
                json.object().put("group", group.toString()).put("user", user.toString()).put("role", "member"),
                groups.memberIds(t.db(), group)));
    }

    private void removeMember(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        UUID target = userId(req);
        boolean leaving = target.equals(me.userId());
        outbox.inTransaction(t -> {
            String myRole = require(t, group, me.userId(), leaving ? Role.MEMBER : Role.ADMIN);
            String theirRole = groups.role(t.db(), group, target)
                    .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "Not a member of this group."));
            if ("owner".equals(theirRole)) {
                throw new ChatException(leaving ? ErrorCode.OWNER_MUST_TRANSFER : ErrorCode.FORBIDDEN,
                        leaving ? "Transfer ownership before leaving the group." : "The owner cannot be removed.");
            }
            if (!leaving && "admin".equals(theirRole) && !"owner".equals(myRole)) {
                throw new ChatException(ErrorCode.FORBIDDEN, "Only the owner can remove an admin.");
            }
            List<UUID> told = new ArrayList<>(groups.memberIds(t.db(), group)); // the removed one is told too
            groups.removeMember(t.db(), group, target);
            t.announce(Envelope.of(EventType.GROUP_MEMBER_REMOVED, null, null, Instant.now(),
                    json.object().put("group", group.toString()).put("user", target.toString()), told));
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    private void setRole(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        UUID target = userId(req);
        String role = json.body(req).string("role", 5, 6);
        if (!role.equals("admin") && !role.equals("member")) {
            throw ChatException.validation("'role' must be \"admin\" or \"member\"; use transfer for ownership.");
        }
        json.ok(res, change(me, group, Role.OWNER, t -> {
            String theirs = groups.role(t.db(), group, target)
                    .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "Not a member of this group."));
            if ("owner".equals(theirs)) {
                throw ChatException.validation("The owner's role changes only by transfer.");
            }
            groups.setRole(t.db(), group, target, role);
        }));
    }

    private void transfer(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        UUID target = parseUser(json.body(req).string("userId", 36, 36));
        json.ok(res, change(me, group, Role.OWNER, t -> {
            if (groups.role(t.db(), group, target).isEmpty() || target.equals(me.userId())) {
                throw ChatException.validation("Ownership goes to another member of the group.");
            }
            groups.setRole(t.db(), group, me.userId(), "admin");
            groups.setRole(t.db(), group, target, "owner");
        }));
    }

    private void createChannel(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        String name = json.body(req).string("name", 1, 32, CHANNEL_NAME,
                "must be 1 to 32 lowercase letters, digits, '-' or '_', starting with a letter or digit").toLowerCase(Locale.ROOT);
        Views.Conversation channel = outbox.inTransaction(t -> {
            require(t, group, me.userId(), Role.ADMIN);
            UUID id;
            try {
                id = groups.createChannel(t.db(), group, name);
            } catch (RuntimeException e) {
                if (Db.isUniqueViolation(e)) {
                    throw new ChatException(ErrorCode.CHANNEL_NAME_TAKEN, "There is already a #" + name + " in this group.");
                }
                throw e;
            }
            Views.Conversation v = conversations.getFor(t.db(), id, me.userId())
                    .orElseThrow(() -> new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation."));
            t.announce(Envelope.of(EventType.CONVERSATION_CREATED, id, null, Instant.now(), json.tree(v),
                    groups.memberIds(t.db(), group)));
            return v;
        });
        json.send(res, Status.CREATED_201, channel);
    }

    private void updateChannel(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        UUID channel = channelId(req);
        JsonBody body = json.body(req);
        Optional<String> name = body.optionalString("name", 1, 32).map(n -> n.toLowerCase(Locale.ROOT));
        Boolean archived = body.optionalBoolean("archived");
        if (name.isPresent() && !CHANNEL_NAME.matcher(name.get()).matches()) {
            throw ChatException.validation("'name' must be 1 to 32 lowercase letters, digits, '-' or '_'.");
        }
        if (name.isEmpty() && archived == null) {
            throw ChatException.validation("Give 'name' and/or 'archived'.");
        }
        json.ok(res, change(me, group, Role.ADMIN, t -> {
            groups.channel(t.db(), group, channel).orElseThrow(GroupService::channelNotFound);
            try {
                groups.changeChannel(t.db(), channel, name.orElse(null), archived);
            } catch (RuntimeException e) {
                if (Db.isUniqueViolation(e)) {
                    throw new ChatException(ErrorCode.CHANNEL_NAME_TAKEN, "There is already a #" + name.get() + " in this group.");
                }
                throw e;
            }
        }));
    }

    private void deleteChannel(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = groupId(req);
        UUID channel = channelId(req);
        json.ok(res, change(me, group, Role.ADMIN, t -> {
            groups.channel(t.db(), group, channel).orElseThrow(GroupService::channelNotFound);
            if (groups.view(t.db(), group, me.userId()).orElseThrow().channels().size() == 1) {
                throw new ChatException(ErrorCode.LAST_CHANNEL, "A group keeps at least one channel.");
            }
            groups.deleteChannel(t.db(), channel);
        }));
    }

    /** Roles in increasing power. */
    private enum Role {
        MEMBER, ADMIN, OWNER;

        static Role of(String role) {
            return valueOf(role.toUpperCase(Locale.ROOT));
        }
    }

    /** Locks the group and checks the caller's role; 404 for non-members, 403 for too little power. */
    private String require(Outbox.Tx t, UUID group, UUID user, Role needed) {
        String role = groups.lockAndRole(t.db(), group, user).orElseThrow(GroupService::notFound);
        if (Role.of(role).ordinal() < needed.ordinal()) {
            throw new ChatException(ErrorCode.FORBIDDEN, "This needs the group's " + needed.name().toLowerCase(Locale.ROOT) + " role.");
        }
        return role;
    }

    /** Runs a change that needs {@code needed}, then tells every member the group as it now is. */
    private GroupStore.Group change(AccessClaims me, UUID group, Role needed, java.util.function.Consumer<Outbox.Tx> work) {
        return outbox.inTransaction(t -> {
            require(t, group, me.userId(), needed);
            work.accept(t);
            GroupStore.Group g = groups.view(t.db(), group, me.userId()).orElseThrow();
            t.announce(event(EventType.GROUP_UPDATED, g, groups.memberIds(t.db(), group)));
            return g;
        });
    }

    private Envelope event(EventType type, GroupStore.Group g, List<UUID> to) {
        var data = (com.fasterxml.jackson.databind.node.ObjectNode) json.tree(g);
        data.remove("myRole"); // roles differ per member: clients ask GET /api/groups/{id}
        return Envelope.of(type, null, null, Instant.now(), data, to);
    }

    private static UUID groupId(ServerRequest req) {
        return Params.pathId(req, "group", GroupService::notFound);
    }

    private static UUID channelId(ServerRequest req) {
        return Params.pathId(req, "channel", GroupService::channelNotFound);
    }

    private static UUID userId(ServerRequest req) {
        return parseUser(req.path().pathParameters().get("user"));
    }

    private static UUID parseUser(String raw) {
        return Params.id(raw, () -> new ChatException(ErrorCode.USER_NOT_FOUND, "No such user."));
    }

    private static ChatException notFound() {
        return new ChatException(ErrorCode.GROUP_NOT_FOUND, "No such group.");
    }

    private static ChatException channelNotFound() {
        return new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such channel in this group.");
    }
}
