package dev.chat.api.messaging;

import dev.chat.api.accounts.PeopleStore;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Views;
import dev.chat.protocol.ErrorCode;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Conversations, members and messages in PostgreSQL. Every read that returns conversation content
 * is scoped by the reading user's membership in the SQL itself. Stateless. (Longer than most files:
 * every read of a conversation or a message, history pages included, shares the one SQL shape of
 * each view declared at the top, which would otherwise have to be exported and kept in step.)
 */
public final class ConversationStore {
    /**
     * A message with what it shows: the quoted message of a reply, its attachment and its
     * reactions (aggregated per emoji in the statement: one index range per message, and none for
     * a message never changed, since every reaction stamps its message's version). Used with
     * {@link #MESSAGE_JOINS} on {@code messages m}.
     */
    private static final String MESSAGE_COLUMNS = """
            m.conversation_id, m.seq, m.sender_id, m.client_msg_id, m.body, m.created_at, m.edited_at, m.deleted_at, m.version,
            q.seq AS q_seq, q.sender_id AS q_sender_id, left(q.body, 200) AS q_body, q.deleted_at IS NOT NULL AS q_deleted,
            qa.kind AS q_kind, qa.name AS q_name,
            a.id AS a_id, a.name AS a_name, a.size AS a_size, a.content_type AS a_type, a.kind AS a_kind,
            a.width AS a_width, a.height AS a_height, a.thumbnail IS NOT NULL AS a_thumbnail,
            a.duration_ms AS a_duration, array_to_json(a.waveform)::text AS a_waveform,
            CASE WHEN m.version > 0 THEN (
             SELECT json_agg(json_build_object('emoji', g.emoji, 'count', g.n, 'users', g.users) ORDER BY g.first, g.emoji)::text
             FROM (SELECT x.emoji, count(*) AS n, array_agg(x.user_id ORDER BY x.created_at, x.user_id) AS users,
                          min(x.created_at) AS first
                   FROM reactions x WHERE x.conversation_id = m.conversation_id AND x.seq = m.seq GROUP BY x.emoji) g) END AS reactions""";
    private static final String MESSAGE_JOINS = """
             LEFT JOIN messages q ON q.conversation_id = m.conversation_id AND q.seq = m.reply_to
             LEFT JOIN attachments qa ON qa.id = q.attachment_id
             LEFT JOIN attachments a ON a.id = m.attachment_id
            """;
    private static final String MESSAGE_SELECT = "SELECT " + MESSAGE_COLUMNS + " FROM messages m" + MESSAGE_JOINS;
    private static final com.fasterxml.jackson.databind.ObjectMapper AGGREGATES = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Everything a member's view of a conversation needs: {@code me} is the reading member. The
     * other members' cursors are aggregated (their minimum is "delivered to all" / "read by all"),
     * so a channel of 500 costs one index range scan, never a row per message per member. The peer
     * of a direct chat comes from the other membership.
     */
    private static final String CONVERSATION_SELECT = """
            SELECT c.id, c.kind, c.name, c.group_id, g.name AS group_name, c.last_seq, c.updated_at,
                   me.delivered_seq, me.read_seq, me.pinned_at, me.archived, me.muted, me.cleared_seq,
                   coalesce(others.min_delivered, 0) AS peer_delivered_seq, coalesce(others.min_read, 0) AS peer_read_seq,
                   others.n + 1 AS member_count,
                   (SELECT count(*) FROM mentions mn JOIN messages mm ON mm.conversation_id = mn.conversation_id AND mm.seq = mn.seq
                    WHERE mn.conversation_id = c.id AND mn.seq > me.read_seq AND mm.sender_id <> me.user_id
                      AND (mn.user_id = me.user_id OR mn.user_id IS NULL)) AS mention_count,
                   u.id AS peer_id, u.username AS peer_username, u.display_name AS peer_display_name,
                   ct.alias AS peer_alias, ct.contact_id IS NOT NULL AS peer_is_contact, c.last_version,
                   (SELECT array_to_json(array_agg(h.seq ORDER BY h.seq))::text FROM hidden_messages h
                    WHERE h.conversation_id = c.id AND h.user_id = me.user_id AND h.seq > me.cleared_seq) AS hidden_seqs,
                   %s
            FROM conversation_members me
            JOIN conversations c ON c.id = me.conversation_id
            LEFT JOIN groups g ON g.id = c.group_id
            CROSS JOIN LATERAL (
                SELECT min(o.delivered_seq) AS min_delivered, min(o.read_seq) AS min_read, count(*) AS n
                FROM conversation_members o WHERE o.conversation_id = c.id AND o.user_id <> me.user_id) others
            LEFT JOIN LATERAL (
                SELECT o.user_id FROM conversation_members o
                WHERE c.kind = 'direct' AND o.conversation_id = c.id AND o.user_id <> me.user_id LIMIT 1) peer ON true
            LEFT JOIN users u ON u.id = peer.user_id
            LEFT JOIN contacts ct ON ct.owner_id = me.user_id AND ct.contact_id = u.id
            LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq AND m.seq > me.cleared_seq
            %s""".formatted(MESSAGE_COLUMNS, MESSAGE_JOINS);

    /** Result of opening a direct chat: the conversation and whether this call created it. */
    public record Opened(UUID id, boolean created) {
    }

    /** Result of a send: the message and whether this call stored it (false: an earlier send did). */
    public record Sent(Views.Message message, boolean created) {
    }

    /** Opens the direct conversation of two users, creating it once whatever the concurrency. */
    public Opened openDirect(DbExecute tx, UUID a, UUID b) {
        String key = a.compareTo(b) < 0 ? a + ":" + b : b + ":" + a;
        Optional<DbRow> inserted = tx.get("""
                INSERT INTO conversations (kind, direct_key) VALUES ('direct', ?)
                ON CONFLICT (direct_key) DO NOTHING RETURNING id""", key);
        if (inserted.isPresent()) {
            UUID id = Db.uuid(inserted.get(), "id");
            tx.insert("INSERT INTO conversation_members (conversation_id, user_id) VALUES (?::uuid, ?::uuid), (?::uuid, ?::uuid)", id, a, id, b);
            return new Opened(id, true);
        }
        UUID id = Db.uuid(tx.get("SELECT id FROM conversations WHERE direct_key = ?", key).orElseThrow(), "id");
        return new Opened(id, false);
    }

    public boolean isMember(DbExecute db, UUID conversation, UUID user) {
        return db.get("SELECT 1 AS one FROM conversation_members WHERE conversation_id = ?::uuid AND user_id = ?::uuid",
                conversation, user).isPresent();
    }

    public List<UUID> members(DbExecute db, UUID conversation) {
        return db.query("SELECT user_id FROM conversation_members WHERE conversation_id = ?::uuid ORDER BY user_id", conversation)
                .map(r -> Db.uuid(r, "user_id")).toList();
    }

    /**
     * The conversations of {@code user}: pinned first (latest pin on top), then by last activity.
     * Chats the user deleted stay out until a newer message arrives. Archived ones are included,
     * flagged, for the client to show apart.
     */
    public List<Views.Conversation> listFor(DbExecute db, UUID user, int limit) {
        return db.query(CONVERSATION_SELECT + """
                WHERE me.user_id = ?::uuid AND (me.hidden_seq IS NULL OR c.last_seq > me.hidden_seq)
                ORDER BY me.pinned_at DESC NULLS LAST, c.updated_at DESC, c.id
                LIMIT ?""", user, limit)
                .map(ConversationStore::conversation).toList();
    }

    /** One conversation as {@code user} sees it, if {@code user} is a member. */
    public Optional<Views.Conversation> getFor(DbExecute db, UUID conversation, UUID user) {
        return db.get(CONVERSATION_SELECT + " WHERE me.user_id = ?::uuid AND c.id = ?::uuid", user, conversation)
                .map(ConversationStore::conversation);
    }

    /** These conversations as {@code user} sees them, in the order given; those {@code user} is not in are left out. */
    public List<Views.Conversation> getFor(DbExecute db, List<UUID> conversations, UUID user) {
        java.util.Map<UUID, Views.Conversation> found = new java.util.HashMap<>();
        db.query(CONVERSATION_SELECT + " WHERE me.user_id = ?::uuid AND c.id = ANY (?::uuid[])",
                        user, conversations.stream().map(UUID::toString).toArray(String[]::new))
                .map(ConversationStore::conversation).forEach(c -> found.put(c.id(), c));
        return conversations.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
    }

    /**
     * Stores a message with the next seq. The seq comes from a row lock on the conversation, so
     * concurrent senders on any number of api instances get 1, 2, 3... with no gap: a send that
     * turns out to be a duplicate (empty result) rolls its increment back with its transaction.
     * The caller has checked that no earlier send used the clientMsgId, and validated the
     * attachment and the reply target; the view is read back only when those need joining.
     */
    public Optional<Sent> insertMessage(DbExecute tx, UUID conversation, UUID sender, String clientMsgId, String text,
                                        UUID attachment, Long replyTo) {
        long seq = Db.longValue(tx.get("""
                UPDATE conversations SET last_seq = last_seq + 1, updated_at = now()
                WHERE id = ?::uuid AND NOT archived RETURNING last_seq""", conversation)
                .orElseThrow(() -> new ChatException(ErrorCode.CHANNEL_ARCHIVED, "This channel is archived: it takes no new messages.")),
                "last_seq");
        Optional<DbRow> row = tx.get("""
                INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, attachment_id, reply_to)
                VALUES (?::uuid, ?, ?::uuid, ?, ?, ?::uuid, ?)
                ON CONFLICT (sender_id, client_msg_id) DO NOTHING
                RETURNING created_at""",
                conversation, seq, sender, clientMsgId, text, attachment, replyTo);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        if (attachment != null || replyTo != null) {
            return Optional.of(new Sent(bySeq(tx, conversation, seq).orElseThrow(), true));
        }
        return Optional.of(new Sent(new Views.Message(conversation, seq, sender, clientMsgId, text,
                Db.instant(row.get(), "created_at"), null, false, 0, null, null, List.of()), true));
    }

    /**
     * Takes the next version of a conversation for a change to one of its messages (edit, delete,
     * reaction); the change stamps the message with it. Locks the conversation row first, as a
     * send does, so changes and sends never wait on each other in opposite orders.
     */
    public long nextVersion(DbExecute tx, UUID conversation) {
        return Db.longValue(tx.get("""
                UPDATE conversations SET last_version = last_version + 1 WHERE id = ?::uuid RETURNING last_version""",
                conversation).orElseThrow(), "last_version");
    }

    /** Locks a conversation's row for a change to one of its messages (see {@link #nextVersion}). */
    public void lockForChange(DbExecute tx, UUID conversation) {
        tx.get("SELECT last_version FROM conversations WHERE id = ?::uuid FOR UPDATE", conversation);
    }

    /** Messages changed after {@code since} (and not cleared by this member), ascending by version. */
    public Views.Changes changes(DbExecute db, UUID conversation, long clearedSeq, long since, int limit) {
        List<Views.Message> rows = db.query(MESSAGE_SELECT + """
                WHERE m.conversation_id = ?::uuid AND m.version > 0 AND m.version > ? AND m.seq > ?
                ORDER BY m.version LIMIT ?""", conversation, since, clearedSeq, limit + 1)
                .map(ConversationStore::message).toList();
        return new Views.Changes(rows.subList(0, Math.min(limit, rows.size())), rows.size() > limit);
    }

    public Optional<Views.Message> byClientId(DbExecute db, UUID sender, String clientMsgId) {
        return db.get(MESSAGE_SELECT + " WHERE m.sender_id = ?::uuid AND m.client_msg_id = ?",
                sender, clientMsgId).map(ConversationStore::message);
    }

    /**
     * A page of history by seq cursor, ascending. {@code before}: the {@code limit} messages below
     * it (newest page when null); {@code after}: the {@code limit} messages above it; {@code around}:
     * the page holding it in its middle ({@link #around}). At most one is set. Each page is one range
     * scan of the (conversation_id, seq) index (two for {@code around}): its cost does not grow with
     * history. Seqs have no gaps (a deleted message stays as a tombstone), so newer messages exist
     * exactly when {@code lastSeq} is above the page.
     */
    public Views.MessagePage page(DbExecute db, UUID conversation, Cursors mine, Long before, Long after, Long around, int limit) {
        long clearedSeq = mine.clearedSeq();
        if (around != null) {
            return around(db, conversation, mine, around, limit);
        }
        List<DbRow> rows;
        if (after != null) {
            rows = db.query(MESSAGE_SELECT + " WHERE m.conversation_id = ?::uuid AND m.seq > ? "
                    + "ORDER BY m.seq ASC LIMIT ?", conversation, Math.max(after, clearedSeq), limit + 1).toList();
        } else {
            rows = db.query(MESSAGE_SELECT + " WHERE m.conversation_id = ?::uuid AND m.seq < ? "
                            + "AND m.seq > ? ORDER BY m.seq DESC LIMIT ?",
                            conversation, before == null ? Long.MAX_VALUE : before, clearedSeq, limit + 1)
                    .toList();
        }
        boolean hasMore = rows.size() > limit;
        List<Views.Message> messages = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())).stream()
                .map(ConversationStore::message).toList());
        if (after == null) {
            Collections.reverse(messages);
        }
        long below = messages.isEmpty() ? (before == null ? Long.MAX_VALUE : Math.max(clearedSeq, before - 1))
                : messages.getLast().seq();
        return new Views.MessagePage(messages, hasMore, after != null ? hasMore : mine.lastSeq() > below);
    }

    /**
     * The page around {@code seq}: up to {@code (limit - 1) / 2} messages below it, then {@code seq}
     * and those above; where one side has fewer, the other fills the page.
     */
    private Views.MessagePage around(DbExecute db, UUID conversation, Cursors mine, long seq, int limit) {
        List<DbRow> older = db.query(MESSAGE_SELECT + " WHERE m.conversation_id = ?::uuid AND m.seq < ? AND m.seq > ? "
                + "ORDER BY m.seq DESC LIMIT ?", conversation, seq, mine.clearedSeq(), limit + 1).toList();
        List<DbRow> newer = db.query(MESSAGE_SELECT + " WHERE m.conversation_id = ?::uuid AND m.seq >= ? "
                + "ORDER BY m.seq ASC LIMIT ?", conversation, Math.max(seq, mine.clearedSeq() + 1), limit + 1).toList();
        int takeOlder = Math.min(older.size(), Math.max((limit - 1) / 2, limit - newer.size()));
        int takeNewer = Math.min(newer.size(), limit - takeOlder);
        List<Views.Message> messages = new ArrayList<>(limit);
        for (int i = takeOlder - 1; i >= 0; i--) {
            messages.add(message(older.get(i)));
        }
        for (int i = 0; i < takeNewer; i++) {
            messages.add(message(newer.get(i)));
        }
        return new Views.MessagePage(messages, older.size() > takeOlder, newer.size() > takeNewer);
    }

    /** A message's place: its conversation and seq. */
    public record Key(UUID conversation, long seq) {
    }

    /** The messages at these places, as history shows them; a place with no message is left out. */
    public java.util.Map<Key, Views.Message> messages(DbExecute db, List<Key> keys) {
        String[] conversations = keys.stream().map(k -> k.conversation().toString()).toArray(String[]::new);
        Long[] seqs = keys.stream().map(Key::seq).toArray(Long[]::new);
        java.util.Map<Key, Views.Message> out = new java.util.HashMap<>();
        db.query(MESSAGE_SELECT + " JOIN unnest(?::uuid[], ?::bigint[]) AS k(conv, seq) ON m.conversation_id = k.conv AND m.seq = k.seq",
                        conversations, seqs)
                .map(ConversationStore::message)
                .forEach(m -> out.put(new Key(m.conversation(), m.seq()), m));
        return out;
    }

    /** A member's own cursors in a conversation, and the conversation's newest seq. */
    public record Cursors(long clearedSeq, long deliveredSeq, long lastSeq) {
    }

    /** The member's cleared and delivered cursors, or empty if {@code user} is not a member. */
    public Optional<Cursors> cursors(DbExecute db, UUID conversation, UUID user) {
        return db.get("""
                SELECT cm.cleared_seq, cm.delivered_seq, c.last_seq FROM conversation_members cm
                JOIN conversations c ON c.id = cm.conversation_id
                WHERE cm.conversation_id = ?::uuid AND cm.user_id = ?::uuid""", conversation, user)
                .map(r -> new Cursors(Db.longValue(r, "cleared_seq"), Db.longValue(r, "delivered_seq"), Db.longValue(r, "last_seq")));
    }

    /** Who of the other members has read / received a message (from their cursors). */
    public Views.Readers readers(DbExecute db, UUID conversation, UUID me, long seq) {
        List<DbRow> rows = db.query("""
                SELECT u.id, u.username, u.display_name, ct.alias, ct.contact_id IS NOT NULL AS is_contact,
                       cm.read_seq >= ? AS has_read, cm.delivered_seq >= ? AS has_received
                FROM conversation_members cm JOIN users u ON u.id = cm.user_id
                LEFT JOIN contacts ct ON ct.owner_id = ?::uuid AND ct.contact_id = u.id
                WHERE cm.conversation_id = ?::uuid AND cm.user_id <> ?::uuid
                ORDER BY u.username""", seq, seq, me, conversation, me).toList();
        List<Views.Person> read = new ArrayList<>();
        List<Views.Person> delivered = new ArrayList<>();
        for (DbRow r : rows) {
            Views.Person p = PeopleStore.person(r);
            if (Boolean.TRUE.equals(Db.value(r, "has_read"))) {
                read.add(p);
            } else if (Boolean.TRUE.equals(Db.value(r, "has_received"))) {
                delivered.add(p);
            }
        }
        return new Views.Readers(seq, read, delivered, rows.size());
    }

    /** One message by position. */
    public Optional<Views.Message> bySeq(DbExecute db, UUID conversation, long seq) {
        return db.get(MESSAGE_SELECT + " WHERE m.conversation_id = ?::uuid AND m.seq = ?",
                conversation, seq).map(ConversationStore::message);
    }

    private static Views.Conversation conversation(DbRow r) {
        Views.Person peer = Db.isNull(r, "peer_id") ? null : new Views.Person(Db.uuid(r, "peer_id"), Db.string(r, "peer_username"),
                Db.string(r, "peer_display_name"), Db.string(r, "peer_alias"), Boolean.TRUE.equals(Db.value(r, "peer_is_contact")));
        Views.GroupRef group = Db.isNull(r, "group_id") ? null : new Views.GroupRef(Db.uuid(r, "group_id"), Db.string(r, "group_name"));
        Views.Message last = Db.isNull(r, "seq") ? null : message(r);
        long lastSeq = Db.longValue(r, "last_seq");
        long readSeq = Db.longValue(r, "read_seq");
        return new Views.Conversation(Db.uuid(r, "id"), Db.string(r, "kind"), Db.string(r, "name"), group,
                Db.longValue(r, "member_count"), peer, lastSeq, last,
                Db.instant(r, "updated_at"), Db.longValue(r, "delivered_seq"), readSeq,
                Db.longValue(r, "peer_delivered_seq"), Db.longValue(r, "peer_read_seq"), Math.max(0, lastSeq - readSeq),
                !Db.isNull(r, "pinned_at"), Boolean.TRUE.equals(Db.value(r, "archived")),
                Boolean.TRUE.equals(Db.value(r, "muted")), Db.longValue(r, "cleared_seq"), Db.longValue(r, "mention_count"),
                Db.longValue(r, "last_version"), hiddenSeqs(Db.string(r, "hidden_seqs")));
    }

    /** The seqs this member hid from their own view ("delete for me"), ascending; empty when none. */
    static List<Long> hiddenSeqs(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return List.of(AGGREGATES.readValue(json, Long[].class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable hidden seqs from the database", e);
        }
    }

    static Views.Message message(DbRow r) {
        boolean deleted = !Db.isNull(r, "deleted_at");
        Views.Quote quote = Db.isNull(r, "q_seq") ? null : new Views.Quote(Db.longValue(r, "q_seq"), Db.uuid(r, "q_sender_id"),
                Db.string(r, "q_body"), Boolean.TRUE.equals(Db.value(r, "q_deleted")),
                Db.isNull(r, "q_kind") ? null : new Views.AttachmentBrief(Db.string(r, "q_kind"), Db.string(r, "q_name")));
        Views.Attachment attachment = deleted || Db.isNull(r, "a_id") ? null : new Views.Attachment(Db.uuid(r, "a_id"),
                Db.string(r, "a_name"), Db.longValue(r, "a_size"), Db.string(r, "a_type"), Db.string(r, "a_kind"),
                Db.integer(r, "a_width"), Db.integer(r, "a_height"), Boolean.TRUE.equals(Db.value(r, "a_thumbnail")),
                Db.integer(r, "a_duration"), waveform(Db.string(r, "a_waveform")));
        return new Views.Message(Db.uuid(r, "conversation_id"), Db.longValue(r, "seq"), Db.uuid(r, "sender_id"),
                Db.string(r, "client_msg_id"), deleted ? "" : Db.string(r, "body"), Db.instant(r, "created_at"),
                Db.instant(r, "edited_at"), deleted, Db.longValue(r, "version"), quote, attachment,
                reactions(Db.string(r, "reactions")));
    }

    public static List<Integer> waveform(String json) {
        if (json == null) {
            return null;
        }
        try {
            return List.of(AGGREGATES.readValue(json, Integer[].class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable waveform from the database", e);
        }
    }

    /** The reactions aggregate of {@link #MESSAGE_COLUMNS} (JSON built by PostgreSQL), or none. */
    static List<Views.Reaction> reactions(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            List<Views.Reaction> out = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode n : AGGREGATES.readTree(json)) {
                List<UUID> users = new ArrayList<>();
                n.get("users").forEach(u -> users.add(UUID.fromString(u.asText())));
                out.add(new Views.Reaction(n.get("emoji").asText(), n.get("count").asLong(), users));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable reactions from the database", e);
        }
    }

    /** A member's own settings of a conversation (null: kept); pinning keeps the first pin time. */
    public void settings(DbExecute tx, UUID conversation, UUID user, Boolean pinned, Boolean archived, Boolean muted) {
        tx.update("""
                UPDATE conversation_members SET
                    pinned_at = CASE WHEN ?::boolean IS NULL THEN pinned_at WHEN ?::boolean THEN coalesce(pinned_at, now()) ELSE NULL END,
                    archived = coalesce(?::boolean, archived),
                    muted = coalesce(?::boolean, muted)
                WHERE conversation_id = ?::uuid AND user_id = ?::uuid""",
                pinned, pinned, archived, muted, conversation, user);
    }

    /**
     * Hides the history so far from this member (read and delivered with it); {@code andChat}: the
     * chat itself too, until a new message arrives (unpinned, out of the archive).
     */
    public void clear(DbExecute tx, UUID conversation, UUID user, boolean andChat) {
        if (andChat) {
            tx.update("""
                    UPDATE conversation_members m SET cleared_seq = c.last_seq, hidden_seq = c.last_seq,
                        read_seq = c.last_seq, delivered_seq = c.last_seq, pinned_at = NULL, archived = false
                    FROM conversations c WHERE c.id = m.conversation_id AND m.conversation_id = ?::uuid AND m.user_id = ?::uuid""",
                    conversation, user);
        } else {
            tx.update("""
                    UPDATE conversation_members m SET cleared_seq = c.last_seq,
                        read_seq = c.last_seq, delivered_seq = c.last_seq
                    FROM conversations c WHERE c.id = m.conversation_id AND m.conversation_id = ?::uuid AND m.user_id = ?::uuid""",
                    conversation, user);
        }
    }

    /** Hides one message this member can see from their own view; false if they cannot see it. */
    public boolean hide(DbExecute tx, UUID conversation, UUID user, long seq) {
        boolean visible = tx.get("""
                SELECT 1 FROM messages m JOIN conversation_members me ON me.conversation_id = m.conversation_id AND me.user_id = ?::uuid
                WHERE m.conversation_id = ?::uuid AND m.seq = ? AND m.seq > me.cleared_seq""", user, conversation, seq).isPresent();
        if (visible) {
            tx.insert("""
                    INSERT INTO hidden_messages (conversation_id, user_id, seq) VALUES (?::uuid, ?::uuid, ?)
                    ON CONFLICT DO NOTHING""", conversation, user, seq);
        }
        return visible;
    }
}
