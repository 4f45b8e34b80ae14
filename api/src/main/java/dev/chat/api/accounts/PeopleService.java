package dev.chat.api.accounts;

import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.Views;
import dev.chat.api.messaging.Outbox;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.tokens.AccessClaims;
import io.helidon.dbclient.DbRow;
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
 * People under {@code /api}: my profile, finding people (by username or display name prefix,
 * paged, disabled users excluded), and my contacts with the alias I give each — shown wherever
 * that person appears for me. Contact changes reach all my sessions as {@code contact.updated}.
 */
public final class PeopleService implements HttpService {
    private static final int MAX_PAGE = 50;
    private static final String PERSON_COLUMNS = """
            u.id, u.username, u.display_name, ct.alias, ct.contact_id IS NOT NULL AS is_contact""";

    private final Db db;
    private final UserStore users;
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
            var tx = t.db();
            tx.update("""
                    UPDATE users SET display_name = coalesce(?, display_name), bio = coalesce(?, bio) WHERE id = ?::uuid""",
                    displayName.orElse(null), bio.orElse(null), id);
            if (displayName.isPresent()) { // the name shows in others' inboxes, headers and sender lines: they get it live
                var data = tx.get("SELECT id, username, display_name FROM users WHERE id = ?::uuid", id)
                        .map(r -> json.object().put("id", id.toString()).put("username", Db.string(r, "username"))
                                .put("displayName", Db.string(r, "display_name")))
                        .orElseThrow();
                t.announce(Envelope.of(EventType.USER_UPDATED, null, null, Instant.now(), data, audienceOf(tx, id)));
            }
            return null;
        });
        json.ok(res, profile(id));
    }

    /** Who sees this person's name: they (all their sessions), everyone who shares a conversation with them, and whoever keeps them as a contact. */
    private static List<UUID> audienceOf(io.helidon.dbclient.DbTransaction tx, UUID user) {
        java.util.LinkedHashSet<UUID> audience = new java.util.LinkedHashSet<>();
        audience.add(user);
        tx.query("""
                SELECT other.user_id FROM conversation_members mine
                JOIN conversation_members other ON other.conversation_id = mine.conversation_id AND other.user_id <> mine.user_id
                WHERE mine.user_id = ?::uuid
                UNION
                SELECT owner_id FROM contacts WHERE contact_id = ?::uuid""", user, user)
                .forEach(r -> audience.add(Db.uuid(r, "user_id")));
        return List.copyOf(audience);
    }

    private Views.Profile profile(UUID id) {
        return db.client().execute().get("SELECT id, username, display_name, bio, role FROM users WHERE id = ?::uuid AND NOT disabled", id)
                .map(r -> new Views.Profile(Db.uuid(r, "id"), Db.string(r, "username"), Db.string(r, "display_name"),
                        Db.string(r, "bio"), Db.string(r, "role")))
                .orElseThrow(() -> new ChatException(ErrorCode.UNAUTHENTICATED, "This account no longer exists."));
    }

    /** {@code ?q=prefix&limit=20&after=username}: matches by username or display name prefix. */
    private void search(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        String q = req.query().first("q").orElse("").strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty() || q.length() > 64) {
            throw ChatException.validation("'q' must be 1 to 64 characters.");
        }
        int limit = intParam(req, "limit", 20);
        String after = req.query().first("after").orElse("");
        String pattern = Db.likePrefix(q);
        List<Views.Person> people = db.client().execute().query("SELECT " + PERSON_COLUMNS + """
                 FROM users u LEFT JOIN contacts ct ON ct.owner_id = ?::uuid AND ct.contact_id = u.id
                WHERE NOT u.disabled AND u.id <> ?::uuid AND u.username > ?
                  AND (u.username LIKE ? OR lower(u.display_name) LIKE ?)
                ORDER BY u.username LIMIT ?""", me.userId(), me.userId(), after, pattern, pattern, limit + 1)
                .map(PeopleService::person).toList();
        boolean more = people.size() > limit;
        List<Views.Person> page = people.subList(0, Math.min(limit, people.size()));
        json.ok(res, new Views.PersonList(page, more ? page.getLast().username() : null));
    }

    private void findUser(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        String username = req.path().pathParameters().get("username").toLowerCase(Locale.ROOT);
        json.ok(res, db.client().execute().get("SELECT " + PERSON_COLUMNS + """
                 FROM users u LEFT JOIN contacts ct ON ct.owner_id = ?::uuid AND ct.contact_id = u.id
                WHERE u.username = ? AND NOT u.disabled""", me.userId(), username)
                .map(PeopleService::person)
                .orElseThrow(() -> new ChatException(ErrorCode.USER_NOT_FOUND, "No user is called '" + username + "'.")));
    }

    private void contacts(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        json.ok(res, new Views.PersonList(db.client().execute().query("SELECT " + PERSON_COLUMNS + """
                 FROM contacts ct JOIN users u ON u.id = ct.contact_id
                WHERE ct.owner_id = ?::uuid AND NOT u.disabled
                ORDER BY lower(coalesce(ct.alias, u.display_name)), u.username""", me.userId())
                .map(PeopleService::person).toList(), null));
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
        Views.Person person = changeContacts(me.userId(), contact, tx -> tx.insert("""
                INSERT INTO contacts (owner_id, contact_id, alias) VALUES (?::uuid, ?::uuid, ?)
                ON CONFLICT (owner_id, contact_id) DO UPDATE SET alias = excluded.alias""", me.userId(), contact, alias));
        json.ok(res, person);
    }

    private void deleteContact(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID contact = userId(req);
        json.ok(res, changeContacts(me.userId(), contact,
                tx -> tx.delete("DELETE FROM contacts WHERE owner_id = ?::uuid AND contact_id = ?::uuid", me.userId(), contact)));
    }

    private Views.Person changeContacts(UUID me, UUID contact, java.util.function.Consumer<io.helidon.dbclient.DbTransaction> change) {
        Views.Person person = outbox.inTransaction(t -> {
            var tx = t.db();
            if (users.byId(tx, contact).filter(a -> !a.disabled()).isEmpty()) {
                throw new ChatException(ErrorCode.USER_NOT_FOUND, "No such user.");
            }
            change.accept(tx);
            Views.Person p = tx.get("SELECT " + PERSON_COLUMNS + """
                     FROM users u LEFT JOIN contacts ct ON ct.owner_id = ?::uuid AND ct.contact_id = u.id
                    WHERE u.id = ?::uuid""", me, contact).map(PeopleService::person).orElseThrow();
            t.announce(Envelope.of(EventType.CONTACT_UPDATED, null, null, Instant.now(), json.tree(p), List.of(me)));
            return p;
        });
        return person;
    }

    private static UUID userId(ServerRequest req) {
        try {
            return UUID.fromString(req.path().pathParameters().get("userId"));
        } catch (IllegalArgumentException e) {
            throw new ChatException(ErrorCode.USER_NOT_FOUND, "No such user.");
        }
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

    public static Views.Person person(DbRow r) {
        return new Views.Person(Db.uuid(r, "id"), Db.string(r, "username"), Db.string(r, "display_name"),
                Db.string(r, "alias"), Boolean.TRUE.equals(Db.value(r, "is_contact")));
    }
}
