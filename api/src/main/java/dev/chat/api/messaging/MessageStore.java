package dev.chat.api.messaging;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The SQL of writing messages beside {@link ConversationStore}'s single insert: a batch of plain
 * sends as a handful of set-based statements, the sender's cursors, mentions, edits and
 * tombstones. Every method runs on the transaction it is given. Stateless.
 */
final class MessageStore {
    /** One send of a batch as the database sees it: is the sender a member, did they use this id before. */
    record Check(int index, boolean member, boolean earlier) {
    }

    /** A conversation locked for a batch: the last seq taken, whether it takes messages, whether it is a group's. */
    record Locked(UUID id, long lastSeq, boolean archived, boolean direct) {
    }

    /** A stored message's key and time. */
    record Inserted(UUID conversation, long seq, Instant createdAt) {
    }

    /** Per send (in the order given, {@code index} from 1): membership and an earlier message of the same client id. */
    List<Check> check(DbExecute tx, String[] conversations, String[] senders, String[] clientMsgIds) {
        // subqueries, not joins: the planner takes a batch for 100 rows and would rather scan all of
        // messages than probe its index 100 times; each send probes it once
        return tx.query("""
                SELECT s.i,
                       EXISTS (SELECT 1 FROM conversation_members cm
                               WHERE cm.conversation_id = s.conv AND cm.user_id = s.sender) AS member,
                       (SELECT m.seq FROM messages m WHERE m.sender_id = s.sender AND m.client_msg_id = s.cid) AS earlier
                FROM unnest(?::uuid[], ?::uuid[], ?::text[]) WITH ORDINALITY AS s(conv, sender, cid, i)
                ORDER BY s.i""", conversations, senders, clientMsgIds)
                .map(r -> new Check((int) Db.longValue(r, "i"), Boolean.TRUE.equals(Db.value(r, "member")),
                        !Db.isNull(r, "earlier")))
                .toList();
    }

    /** Locks the conversations' rows in id order (so batches never wait on each other in a circle). */
    List<Locked> lock(DbExecute tx, String[] sortedIds) {
        return tx.query("SELECT id, last_seq, archived, kind FROM conversations WHERE id = ANY (?::uuid[]) ORDER BY id FOR UPDATE",
                        (Object) sortedIds)
                .map(r -> new Locked(Db.uuid(r, "id"), Db.longValue(r, "last_seq"), Boolean.TRUE.equals(Db.value(r, "archived")),
                        "direct".equals(Db.string(r, "kind"))))
                .toList();
    }

    /** Moves each conversation's last seq up to the one given. */
    void raiseLastSeqs(DbExecute tx, String[] conversations, Long[] lastSeqs) {
        tx.update("""
                UPDATE conversations c SET last_seq = v.last, updated_at = now()
                FROM unnest(?::uuid[], ?::bigint[]) AS v(id, last) WHERE c.id = v.id AND c.last_seq < v.last""",
                conversations, lastSeqs);
    }

    /** Inserts plain messages; a client id stored meanwhile (by another instance) is skipped, so fewer rows come back. */
    List<Inserted> insert(DbExecute tx, String[] conversations, Long[] seqs, String[] senders, String[] clientMsgIds,
                          String[] texts) {
        return tx.query("""
                INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body)
                SELECT * FROM unnest(?::uuid[], ?::bigint[], ?::uuid[], ?::text[], ?::text[])
                ON CONFLICT (sender_id, client_msg_id) DO NOTHING
                RETURNING conversation_id, seq, created_at""", conversations, seqs, senders, clientMsgIds, texts)
                .map(r -> new Inserted(Db.uuid(r, "conversation_id"), Db.longValue(r, "seq"), Db.instant(r, "created_at")))
                .toList();
    }

    /**
     * The senders have read what they sent, on every device (no event: their other sessions see
     * message.created with their own senderId), and a new message brings an archived chat back to
     * everyone's inbox.
     */
    void sent(DbExecute tx, String[] conversations, String[] senders, Long[] seqs, String[] touched) {
        tx.update("""
                UPDATE conversation_members cm SET archived = false,
                    delivered_seq = GREATEST(cm.delivered_seq, v.seq), read_seq = GREATEST(cm.read_seq, v.seq)
                FROM (SELECT conv, sender, max(seq) AS seq FROM unnest(?::uuid[], ?::uuid[], ?::bigint[]) AS x(conv, sender, seq)
                      GROUP BY conv, sender) v
                WHERE cm.conversation_id = v.conv AND cm.user_id = v.sender""", conversations, senders, seqs);
        tx.update("UPDATE conversation_members SET archived = false WHERE conversation_id = ANY (?::uuid[]) AND archived",
                (Object) touched);
    }

    /** {@link #sent} for one message, in one statement. */
    void sent(DbExecute tx, UUID conversation, UUID sender, long seq) {
        tx.update("""
                UPDATE conversation_members SET archived = false,
                    delivered_seq = CASE WHEN user_id = ?::uuid THEN GREATEST(delivered_seq, ?) ELSE delivered_seq END,
                    read_seq = CASE WHEN user_id = ?::uuid THEN GREATEST(read_seq, ?) ELSE read_seq END
                WHERE conversation_id = ?::uuid AND (archived OR user_id = ?::uuid)""",
                sender, seq, sender, seq, conversation, sender);
    }

    /** The members of each conversation, by user id. */
    Map<UUID, List<UUID>> members(DbExecute tx, String[] conversations) {
        Map<UUID, List<UUID>> members = new HashMap<>();
        tx.query("""
                SELECT conversation_id, user_id FROM conversation_members WHERE conversation_id = ANY (?::uuid[])
                ORDER BY conversation_id, user_id""", (Object) conversations)
                .forEach(r -> members.computeIfAbsent(Db.uuid(r, "conversation_id"), k -> new ArrayList<>()).add(Db.uuid(r, "user_id")));
        return members;
    }

    /** Whether message {@code seq} is deleted; empty if there is none. */
    Optional<Boolean> deleted(DbExecute tx, UUID conversation, long seq) {
        return tx.get("SELECT deleted_at FROM messages WHERE conversation_id = ?::uuid AND seq = ?", conversation, seq)
                .map(r -> !Db.isNull(r, "deleted_at"));
    }

    /**
     * Mentions in a channel: {@code @username} of a member is one row for that member;
     * {@code @channel} by an admin or the owner is one row for everyone. Never a row per member.
     */
    void mention(DbExecute tx, UUID conversation, UUID sender, long seq, Set<String> names) {
        Optional<UUID> group = tx.get("SELECT group_id FROM conversations WHERE id = ?::uuid AND kind = 'channel'", conversation)
                .map(r -> Db.uuid(r, "group_id"));
        if (group.isEmpty()) {
            return;
        }
        if (names.remove("channel")) {
            boolean admin = tx.get("""
                    SELECT 1 AS one FROM group_members WHERE group_id = ?::uuid AND user_id = ?::uuid AND role IN ('owner', 'admin')""",
                    group.get(), sender).isPresent();
            if (admin) {
                tx.insert("INSERT INTO mentions (conversation_id, seq, user_id) VALUES (?::uuid, ?, NULL)", conversation, seq);
            }
        }
        if (!names.isEmpty()) {
            tx.insert("""
                    INSERT INTO mentions (conversation_id, seq, user_id)
                    SELECT ?::uuid, ?, u.id FROM users u JOIN conversation_members cm ON cm.user_id = u.id AND cm.conversation_id = ?::uuid
                    WHERE u.username = ANY (?::text[]) AND u.id <> ?::uuid""",
                    conversation, seq, conversation, names.toArray(String[]::new), sender);
        }
    }

    void edit(DbExecute tx, UUID conversation, long seq, String text, long version) {
        tx.update("""
                UPDATE messages SET body = ?, edited_at = now(), version = ?
                WHERE conversation_id = ?::uuid AND seq = ? AND deleted_at IS NULL""",
                text, version, conversation, seq);
    }

    /** Empties the message and drops its reactions; the attachment it carried, if any, for the caller to discard. */
    Optional<UUID> empty(DbExecute tx, UUID conversation, long seq, LongSupplier version) {
        Optional<DbRow> old = tx.get(
                "SELECT attachment_id FROM messages WHERE conversation_id = ?::uuid AND seq = ? FOR UPDATE", conversation, seq);
        tx.update("""
                UPDATE messages SET body = '', attachment_id = NULL, deleted_at = coalesce(deleted_at, now()), version = ?
                WHERE conversation_id = ?::uuid AND seq = ?""", version.getAsLong(), conversation, seq);
        tx.delete("DELETE FROM reactions WHERE conversation_id = ?::uuid AND seq = ?", conversation, seq);
        return old.filter(r -> !Db.isNull(r, "attachment_id")).map(r -> Db.uuid(r, "attachment_id"));
    }

    /** Sets a reaction; 0 if it was there. */
    long react(DbExecute tx, UUID conversation, long seq, String emoji, UUID user) {
        return tx.insert("""
                INSERT INTO reactions (conversation_id, seq, emoji, user_id) VALUES (?::uuid, ?, ?, ?::uuid)
                ON CONFLICT DO NOTHING""", conversation, seq, emoji, user);
    }

    /** Takes a reaction back; 0 if it was not there. */
    long unreact(DbExecute tx, UUID conversation, long seq, String emoji, UUID user) {
        return tx.delete("DELETE FROM reactions WHERE conversation_id = ?::uuid AND seq = ? AND emoji = ? AND user_id = ?::uuid",
                conversation, seq, emoji, user);
    }

    /** The message changed (its reactions): it is at this version of its conversation now. */
    void changed(DbExecute tx, UUID conversation, long seq, long version) {
        tx.update("UPDATE messages SET version = ? WHERE conversation_id = ?::uuid AND seq = ?", version, conversation, seq);
    }
}
