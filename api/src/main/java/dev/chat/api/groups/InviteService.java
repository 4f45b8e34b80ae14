package dev.chat.api.groups;

import dev.chat.api.RateLimits;
import dev.chat.api.accounts.AuthService;
import dev.chat.api.accounts.Authenticator;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.Params;
import dev.chat.api.http.RateLimiter;
import dev.chat.api.messaging.Outbox;
import dev.chat.protocol.ErrorCode;
import dev.chat.tokens.AccessClaims;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Invite links. A token is 192 random bits, shown once and stored only as its SHA-256 hash; it may
 * expire, have a use limit, and be revoked. Anyone signed in may look at the group behind a valid
 * token before joining. A token that is unknown, expired, used up or revoked is one and the same
 * 404, and a user who presents too many bad tokens is rate-limited (429 with Retry-After), so
 * tokens cannot be guessed.
 */
public final class InviteService implements HttpService {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MAX_EXPIRY_SECONDS = Duration.ofDays(30).toSeconds();

    /** A new invite: the only time its token is shown. */
    public record Created(UUID id, String token, Instant expiresAt, Integer maxUses) {
    }

    /** What a holder of a valid token may see before joining. */
    public record Preview(UUID groupId, String name, String description, long memberCount, List<String> channels,
                          boolean alreadyMember) {
    }

    private final Db db;
    private final Outbox outbox;
    private final GroupStore groups;
    private final InviteStore invites = new InviteStore();
    private final GroupService groupService;
    private final Authenticator auth;
    private final Json json;
    private final RateLimiter limiter;
    private final RateLimits.Rate invalidTokens;

    public InviteService(Db db, Outbox outbox, GroupStore groups, GroupService groupService, Authenticator auth, Json json,
                         RateLimiter limiter, RateLimits.Rate invalidTokens) {
        this.limiter = limiter;
        this.invalidTokens = invalidTokens;
        this.db = db;
        this.outbox = outbox;
        this.groups = groups;
        this.groupService = groupService;
        this.auth = auth;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/groups/{group}/invites", this::create)
                .get("/groups/{group}/invites", this::list)
                .delete("/groups/{group}/invites/{invite}", this::revoke)
                .get("/invites/{token}", this::preview)
                .post("/invites/{token}/join", this::join);
    }

    private void create(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = uuid(req, "group", ErrorCode.GROUP_NOT_FOUND);
        JsonBody body = json.body(req);
        Long expiresIn = body.optionalLong("expiresInSeconds", 60, MAX_EXPIRY_SECONDS);
        Long maxUses = body.optionalLong("maxUses", 1, 10_000);
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expiresAt = expiresIn == null ? null : Instant.now().plusSeconds(expiresIn);
        UUID id = db.inTransaction(tx -> {
            requireAdmin(tx, group, me.userId());
            return invites.insert(tx, group, AuthService.sha256(token), me.userId(), expiresAt,
                    maxUses == null ? null : maxUses.intValue());
        });
        json.send(res, Status.CREATED_201, new Created(id, token, expiresAt, maxUses == null ? null : maxUses.intValue()));
    }

    private void list(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = uuid(req, "group", ErrorCode.GROUP_NOT_FOUND);
        json.ok(res, Map.of("invites", db.inTransaction(tx -> {
            requireAdmin(tx, group, me.userId());
            return invites.list(tx, group);
        })));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = uuid(req, "group", ErrorCode.GROUP_NOT_FOUND);
        UUID invite = uuid(req, "invite", ErrorCode.INVITE_NOT_FOUND);
        db.inTransaction(tx -> {
            requireAdmin(tx, group, me.userId());
            if (!invites.revoke(tx, group, invite)) {
                throw new ChatException(ErrorCode.INVITE_NOT_FOUND, "No such invite.");
            }
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    private void preview(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID group = validGroup(me.userId(), token(req), db.client().execute(), false);
        var exec = db.client().execute();
        InviteStore.Group g = invites.group(exec, group);
        json.ok(res, new Preview(g.id(), g.name(), g.description(), g.memberCount(), g.channels(),
                groups.role(exec, group, me.userId()).isPresent()));
    }

    private void join(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        String token = token(req);
        GroupStore.Group joined = outbox.inTransaction(t -> {
            UUID group = validGroup(me.userId(), token, t.db(), true);
            groups.lockAndRole(t.db(), group, me.userId()).ifPresent(r -> {
                throw new ChatException(ErrorCode.ALREADY_MEMBER, "You are already in this group.");
            });
            groupService.admit(t, group, me.userId());
            invites.used(t.db(), AuthService.sha256(token));
            return groups.view(t.db(), group, me.userId()).orElseThrow();
        });
        json.ok(res, joined);
    }

    /** The group of a usable token (locked for update when joining), or 404 and a strike against the caller. */
    private UUID validGroup(UUID user, String token, io.helidon.dbclient.DbExecute db, boolean lock) {
        checkNotLimited(user);
        Optional<UUID> group = invites.groupOf(db, AuthService.sha256(token), lock);
        if (group.isEmpty()) {
            strike(user);
            throw new ChatException(ErrorCode.INVITE_NOT_FOUND, "This invite link is not valid (unknown, expired, used up or revoked).");
        }
        return group.get();
    }

    private void checkNotLimited(UUID user) {
        limiter.check(RateLimiter.Kind.INVALID_INVITES, user.toString(), invalidTokens);
    }

    private void strike(UUID user) {
        limiter.count(RateLimiter.Kind.INVALID_INVITES, user.toString(), invalidTokens);
    }

    private void requireAdmin(io.helidon.dbclient.DbExecute tx, UUID group, UUID user) {
        String role = groups.lockAndRole(tx, group, user)
                .orElseThrow(() -> new ChatException(ErrorCode.GROUP_NOT_FOUND, "No such group."));
        if ("member".equals(role)) {
            throw new ChatException(ErrorCode.FORBIDDEN, "Only admins manage invite links.");
        }
    }

    private static String token(ServerRequest req) {
        String token = req.path().pathParameters().get("token");
        if (token.length() < 16 || token.length() > 64) {
            throw new ChatException(ErrorCode.INVITE_NOT_FOUND, "This invite link is not valid (unknown, expired, used up or revoked).");
        }
        return token;
    }

    private static UUID uuid(ServerRequest req, String name, ErrorCode notFound) {
        return Params.pathId(req, name, () -> new ChatException(notFound, "Not found."));
    }
}
