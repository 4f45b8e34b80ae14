package dev.chat.api.accounts;

import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.Params;
import dev.chat.api.http.Views;
import dev.chat.api.messaging.Outbox;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.tokens.AccessClaims;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * People under {@code /api}: my profile, finding people (by any part of the username or display name,
 * paged, disabled users excluded), and my contacts with the alias I give each — shown wherever
 * that person appears for me. Contact changes reach all my sessions as {@code contact.updated}.
 */
public final class PeopleService implements HttpService {
    private static final int MAX_PAGE = 50;

    private final Db db;
    private final UserStore users;
    private final PeopleStore people = new PeopleStore();
    private final Outbox outbox;
    private final Authenticator auth;
    private final Json json;

    public PeopleService(Db db, UserStore users, Outbox outbox, Authenticator auth, Json json) {
        this.db = db;
        this.users = users;
        this.outbox = outbox;
        this.auth = auth;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/me", this::me)
                .patch("/me", this::updateMe)
                .get("/users", this::search)
                .get("/users/{username}", this::findUser)
                .get("/contacts", this::contacts)
                .put("/contacts/{userId}", this::putContact)
                .delete("/contacts/{userId}", this::deleteContact);
    }

    private void me(ServerRequest req, ServerResponse res) {
        json.ok(res, profile(auth.require(req).userId()));
    }

    private void updateMe(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        JsonBody body = json.body(req);
        Optional<String> displayName = body.optionalString("displayName", 1, 64);
        Optional<String> bio = body.optionalString("bio", 0, 280);
        if (displayName.isEmpty() && bio.isEmpty()) {
            throw ChatException.validation("Give 'displayName' and/or 'bio'.");
        }
        UUID id = me.userId();
        outbox.inTransaction(t -> {
            Views.User user = people.updateProfile(t.db(), id, displayName.orElse(null), bio.orElse(null));
            if (displayName.isPresent()) { // the name shows in others' inboxes, headers and sender lines: they get it live
                t.announce(Envelope.of(EventType.USER_UPDATED, null, null, Instant.now(), json.tree(user), people.audienceOf(t.db(), id)));
            }
            return null;
        });
        json.ok(res, profile(id));
    }

    private Views.Profile profile(UUID id) {
        return people.profile(db.client().execute(), id)
                .orElseThrow(() -> new ChatException(ErrorCode.UNAUTHENTICATED, "This account no longer exists."));
    }

    /** {@code ?q=part&limit=20&after=username}: matches any part of the username or display name. */
    private void search(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        String q = req.query().first("q").orElse("").strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty() || q.length() > 64) {
            throw ChatException.validation("'q' must be 1 to 64 characters.");
        }
        int limit = intParam(req, "limit", 20);
        String after = req.query().first("after").orElse("");
        List<Views.Person> found = people.search(db.client().execute(), me.userId(), q, after, limit + 1);
        boolean more = found.size() > limit;
        List<Views.Person> page = found.subList(0, Math.min(limit, found.size()));
        json.ok(res, new Views.PersonList(page, more ? page.getLast().username() : null));
    }

    private void findUser(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        String username = req.path().pathParameters().get("username").toLowerCase(Locale.ROOT);
        json.ok(res, people.byUsername(db.client().execute(), me.userId(), username)
                .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "No user is called '" + username + "'.")));
    }

    private void contacts(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        json.ok(res, new Views.PersonList(people.contacts(db.client().execute(), me.userId()), null));
    }

    /** Adds a contact, or renames it: {@code {"alias": "Mum"}} ({@code null} or absent: no alias). */
    private void putContact(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID contact = userId(req);
        JsonBody body = json.body(req);
        String alias = body.optionalString("alias", 1, 64).orElse(null);
        if (contact.equals(me.userId())) {
            throw ChatException.validation("You cannot add yourself as a contact.");
        }
        json.ok(res, changeContacts(me.userId(), contact, tx -> people.putContact(tx, me.userId(), contact, alias)));
    }

    private void deleteContact(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID contact = userId(req);
        json.ok(res, changeContacts(me.userId(), contact, tx -> people.deleteContact(tx, me.userId(), contact)));
    }

    private Views.Person changeContacts(UUID me, UUID contact, java.util.function.Consumer<io.helidon.dbclient.DbTransaction> change) {
        return outbox.inTransaction(t -> {
            var tx = t.db();
            if (users.byId(tx, contact).filter(a -> !a.disabled()).isEmpty()) {
                throw new ChatException(ErrorCode.USER_NOT_FOUND, "No such user.");
            }
            change.accept(tx);
            Views.Person p = people.byId(tx, me, contact).orElseThrow();
            t.announce(Envelope.of(EventType.CONTACT_UPDATED, null, null, Instant.now(), json.tree(p), List.of(me)));
            return p;
        });
    }

    private static UUID userId(ServerRequest req) {
        return Params.pathId(req, "userId", () -> new ChatException(ErrorCode.USER_NOT_FOUND, "No such user."));
    }

    private static int intParam(ServerRequest req, String name, int dflt) {
        Optional<String> raw = req.query().first(name).asOptional();
        if (raw.isEmpty()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw.get());
            if (v < 1 || v > MAX_PAGE) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ChatException.validation("'" + name + "' must be 1 to " + MAX_PAGE + ".");
        }
    }
}
