package dev.chat.api.accounts;

import dev.chat.api.db.Db;
import dev.chat.api.http.Views;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * People as one user sees them, in PostgreSQL: profiles, finding people by name, contacts with the
 * alias the owner gives them, and who sees a person's name. Stateless; every method takes the
 * executor to run on.
 */
public final class PeopleStore {
    private static final String PERSON_COLUMNS = """
            u.id, u.username, u.display_name, ct.alias, ct.contact_id IS NOT NULL AS is_contact""";
    /** What {@code me} (the first parameter) knows of each person: the alias, whether a contact. */
    private static final String AS_SEEN_BY = " FROM users u LEFT JOIN contacts ct ON ct.owner_id = ?::uuid AND ct.contact_id = u.id";

    /** An enabled user's own profile. */
    Optional<Views.Profile> profile(DbExecute db, UUID id) {
        return db.get("SELECT id, username, display_name, bio, role FROM users WHERE id = ?::uuid AND NOT disabled", id)
                .map(r -> new Views.Profile(Db.uuid(r, "id"), Db.string(r, "username"), Db.string(r, "display_name"),
                        Db.string(r, "bio"), Db.string(r, "role")));
    }

    /** Changes what is given (null: kept); returns the user as others see them. */
    Views.User updateProfile(DbExecute tx, UUID id, String displayName, String bio) {
        tx.update("UPDATE users SET display_name = coalesce(?, display_name), bio = coalesce(?, bio) WHERE id = ?::uuid",
                displayName, bio, id);
        return tx.get("SELECT id, username, display_name FROM users WHERE id = ?::uuid", id)
                .map(r -> new Views.User(id, Db.string(r, "username"), Db.string(r, "display_name")))
                .orElseThrow();
    }

    /** Who sees this person's name: they, everyone who shares a conversation with them, and whoever keeps them as a contact. */
    List<UUID> audienceOf(DbExecute tx, UUID user) {
        LinkedHashSet<UUID> audience = new LinkedHashSet<>();
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

    /**
     * Enabled people other than {@code me} whose username or display name contains {@code part}
     * (lowercase) anywhere, by username after {@code after}. Trigram indexes (V13) answer the
     * "contains" for parts of three characters or more.
     */
    List<Views.Person> search(DbExecute db, UUID me, String part, String after, int limit) {
        String pattern = Db.likeContains(part);
        return db.query("SELECT " + PERSON_COLUMNS + AS_SEEN_BY + """

                WHERE NOT u.disabled AND u.id <> ?::uuid AND u.username > ?
                  AND (u.username LIKE ? OR lower(u.display_name) LIKE ?)
                ORDER BY u.username LIMIT ?""", me, me, after, pattern, pattern, limit)
                .map(PeopleStore::person).toList();
    }

    Optional<Views.Person> byUsername(DbExecute db, UUID me, String username) {
        return db.get("SELECT " + PERSON_COLUMNS + AS_SEEN_BY + """

                WHERE u.username = ? AND NOT u.disabled""", me, username).map(PeopleStore::person);
    }

    /** A user as {@code me} sees them, disabled or not. */
    Optional<Views.Person> byId(DbExecute db, UUID me, UUID user) {
        return db.get("SELECT " + PERSON_COLUMNS + AS_SEEN_BY + """

                WHERE u.id = ?::uuid""", me, user).map(PeopleStore::person);
    }

    /** My enabled contacts, by the name I see. */
    List<Views.Person> contacts(DbExecute db, UUID me) {
        return db.query("SELECT " + PERSON_COLUMNS + """
                 FROM contacts ct JOIN users u ON u.id = ct.contact_id
                WHERE ct.owner_id = ?::uuid AND NOT u.disabled
                ORDER BY lower(coalesce(ct.alias, u.display_name)), u.username""", me)
                .map(PeopleStore::person).toList();
    }

    /** Adds a contact or gives it a new alias (null: none). */
    void putContact(DbExecute tx, UUID me, UUID contact, String alias) {
        tx.insert("""
                INSERT INTO contacts (owner_id, contact_id, alias) VALUES (?::uuid, ?::uuid, ?)
                ON CONFLICT (owner_id, contact_id) DO UPDATE SET alias = excluded.alias""", me, contact, alias);
    }

    void deleteContact(DbExecute tx, UUID me, UUID contact) {
        tx.delete("DELETE FROM contacts WHERE owner_id = ?::uuid AND contact_id = ?::uuid", me, contact);
    }

    /** A person from a row of the person columns (id, username, display_name, alias, is_contact). */
    public static Views.Person person(DbRow r) {
        return new Views.Person(Db.uuid(r, "id"), Db.string(r, "username"), Db.string(r, "display_name"),
                Db.string(r, "alias"), Boolean.TRUE.equals(Db.value(r, "is_contact")));
    }

    /** The user was online until now (for operators: the admin user list). */
    void seen(DbExecute db, UUID user) {
        db.update("UPDATE users SET last_seen_at = now() WHERE id = ?::uuid", user);
    }

    /** Who is told when the user comes and goes: everyone who shares a conversation with them, and the contacts they chose. */
    List<UUID> presenceAudience(DbExecute db, UUID user) {
        return db.query("""
                SELECT other.user_id FROM conversation_members mine
                JOIN conversation_members other ON other.conversation_id = mine.conversation_id AND other.user_id <> mine.user_id
                WHERE mine.user_id = ?::uuid
                UNION
                SELECT contact_id FROM contacts WHERE owner_id = ?::uuid""", user, user)
                .map(r -> Db.uuid(r, "user_id")).toList();
    }

    /** Of {@code asked}, those whose presence {@code me} may see: they share a conversation, or keep me as a contact. */
    List<UUID> presenceVisibleTo(DbExecute db, UUID me, java.util.Set<UUID> asked) {
        String[] ids = asked.stream().map(UUID::toString).toArray(String[]::new);
        return db.query("""
                SELECT other.user_id FROM conversation_members mine
                JOIN conversation_members other ON other.conversation_id = mine.conversation_id
                WHERE mine.user_id = ?::uuid AND other.user_id = ANY (?::uuid[])
                UNION
                SELECT owner_id FROM contacts WHERE contact_id = ?::uuid AND owner_id = ANY (?::uuid[])""",
                me, ids, me, ids)
                .map(r -> Db.uuid(r, "user_id")).toList();
    }
}
