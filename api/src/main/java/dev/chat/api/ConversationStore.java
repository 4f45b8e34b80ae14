package dev.chat.api;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Conversations, members and messages in PostgreSQL. Every read that returns conversation content
 * is scoped by the reading user's membership in the SQL itself. Stateless.
 */
public final class ConversationStore {
    private static final String MESSAGE_COLUMNS = "m.conversation_id, m.seq, m.sender_id, m.client_msg_id, m.body, m.created_at";

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

    /** The conversations of {@code user}, most recent activity first. */
    public List<Views.Conversation> listFor(DbExecute db, UUID user, int limit) {
        return db.query("""
                SELECT c.id, c.kind, c.last_seq, c.updated_at,
                       me.delivered_seq, me.read_seq, pm.delivered_seq AS peer_delivered_seq, pm.read_seq AS peer_read_seq,
                       u.id AS peer_id, u.username AS peer_username, u.display_name AS peer_display_name,
                       %s
                FROM conversation_members me
                JOIN conversations c ON c.id = me.conversation_id
                JOIN conversation_members pm ON pm.conversation_id = c.id AND pm.user_id <> me.user_id
                JOIN users u ON u.id = pm.user_id
                LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
                WHERE me.user_id = ?::uuid
                ORDER BY c.updated_at DESC, c.id
                LIMIT ?""".formatted(MESSAGE_COLUMNS), user, limit)
                .map(ConversationStore::conversation).toList();
    }

    /** One conversation as {@code user} sees it, if {@code user} is a member. */
    public Optional<Views.Conversation> getFor(DbExecute db, UUID conversation, UUID user) {
        return db.get("""
                SELECT c.id, c.kind, c.last_seq, c.updated_at,
                       me.delivered_seq, me.read_seq, pm.delivered_seq AS peer_delivered_seq, pm.read_seq AS peer_read_seq,
                       u.id AS peer_id, u.username AS peer_username, u.display_name AS peer_display_name,
                       %s
                FROM conversation_members me
                JOIN conversations c ON c.id = me.conversation_id
                JOIN conversation_members pm ON pm.conversation_id = c.id AND pm.user_id <> me.user_id
                JOIN users u ON u.id = pm.user_id
                LEFT JOIN messages m ON m.conversation_id = c.id AND m.seq = c.last_seq
                WHERE me.user_id = ?::uuid AND c.id = ?::uuid""".formatted(MESSAGE_COLUMNS), user, conversation)
                .map(ConversationStore::conversation);
    }

    /**
     * Stores a message with the next seq, or returns the one an earlier send with the same
     * (sender, clientMsgId) stored. The seq comes from a row lock on the conversation, so
     * concurrent senders on any number of api instances get 1, 2, 3... with no gap: a send that
     * turns out to be a duplicate rolls its increment back with its transaction.
     */
    public Optional<Sent> insertMessage(DbExecute tx, UUID conversation, UUID sender, String clientMsgId, String text) {
        Optional<Views.Message> earlier = byClientId(tx, sender, clientMsgId);
        if (earlier.isPresent()) {
            return Optional.of(new Sent(earlier.get(), false));
        }
        long seq = Db.longValue(tx.get("""
                UPDATE conversations SET last_seq = last_seq + 1, updated_at = now()
                WHERE id = ?::uuid RETURNING last_seq""", conversation).orElseThrow(), "last_seq");
        return tx.get("""
                INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body) VALUES (?::uuid, ?, ?::uuid, ?, ?)
                ON CONFLICT (sender_id, client_msg_id) DO NOTHING
                RETURNING conversation_id, seq, sender_id, client_msg_id, body, created_at""",
                conversation, seq, sender, clientMsgId, text)
                .map(r -> new Sent(message(r), true));
    }

    public Optional<Views.Message> byClientId(DbExecute db, UUID sender, String clientMsgId) {
        return db.get("SELECT " + MESSAGE_COLUMNS + " FROM messages m WHERE m.sender_id = ?::uuid AND m.client_msg_id = ?",
                sender, clientMsgId).map(ConversationStore::message);
    }

    /**
     * A page of history by seq cursor, ascending. {@code before}: the {@code limit} messages below
     * it (newest page when null); {@code after}: the {@code limit} messages above it. Each page is
     * one range scan of the (conversation_id, seq) index: its cost does not grow with history.
     */
    public Views.MessagePage page(DbExecute db, UUID conversation, Long before, Long after, int limit) {
        List<DbRow> rows;
        if (after != null) {
            rows = db.query("SELECT " + MESSAGE_COLUMNS + " FROM messages m WHERE m.conversation_id = ?::uuid AND m.seq > ? "
                    + "ORDER BY m.seq ASC LIMIT ?", conversation, after, limit + 1).toList();
        } else {
            rows = db.query("SELECT " + MESSAGE_COLUMNS + " FROM messages m WHERE m.conversation_id = ?::uuid AND m.seq < ? "
                            + "ORDER BY m.seq DESC LIMIT ?", conversation, before == null ? Long.MAX_VALUE : before, limit + 1)
                    .toList();
        }
        boolean hasMore = rows.size() > limit;
        List<Views.Message> messages = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())).stream()
                .map(ConversationStore::message).toList());
        if (after == null) {
            Collections.reverse(messages);
        }
        return new Views.MessagePage(messages, hasMore);
    }

    private static Views.Conversation conversation(DbRow r) {
        Views.User peer = new Views.User(Db.uuid(r, "peer_id"), Db.string(r, "peer_username"), Db.string(r, "peer_display_name"));
        Views.Message last = Db.isNull(r, "seq") ? null : message(r);
        long lastSeq = Db.longValue(r, "last_seq");
        long readSeq = Db.longValue(r, "read_seq");
        return new Views.Conversation(Db.uuid(r, "id"), Db.string(r, "kind"), peer, lastSeq, last,
                Db.instant(r, "updated_at"), Db.longValue(r, "delivered_seq"), readSeq,
                Db.longValue(r, "peer_delivered_seq"), Db.longValue(r, "peer_read_seq"), Math.max(0, lastSeq - readSeq));
    }

    private static Views.Message message(DbRow r) {
        return new Views.Message(Db.uuid(r, "conversation_id"), Db.longValue(r, "seq"), Db.uuid(r, "sender_id"),
                Db.string(r, "client_msg_id"), Db.string(r, "body"), Db.instant(r, "created_at"));
    }
}
