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
    /**
     * One send of a batch as the statement left it ({@code index} from 1, in the order given):
     * refused when the sender is not a member; {@code earlier} when this sender used the client id
     * before (a retry); else {@code seq} and {@code createdAt} once stored, with the conversation's
     * members and, for a group's conversation, its minimum cursors before the batch. A member's send
     * without a seq went to an archived channel; one with a seq but no {@code createdAt} was stored
     * meanwhile by another instance (the batch must be rolled back and written one by one).
     */
    record Written(int index, boolean member, boolean earlier, Long seq, Instant createdAt, List<UUID> members,
                   Receipts.Minimum groupMinimum) {
    }

    /**
     * Writes a batch of plain sends in one statement: membership and earlier sends of the same ids
     * (one index probe each), the conversations locked in id order (so batches never wait on each
     * other in a circle) and their seqs taken one after another in the order the sends came, the
     * messages inserted, the conversations' last seqs raised, the senders' cursors moved (they have
     * read what they sent, on every device) and archived chats brought back to everyone's inbox.
     * Every part reads the state from before the statement, except the locked rows, which PostgreSQL
     * re-reads once a waiting lock is granted: so seqs follow a batch that committed meanwhile.
     */
    List<Written> write(DbExecute tx, String[] conversations, String[] senders, String[] clientMsgIds, String[] texts) {
        // scalar subqueries, not joins or EXISTS, for the probes: the planner takes a batch for 10
        // or 100 rows and would rather scan and hash all of messages or of conversation_members
        // than probe their indexes; a scalar subquery is always a probe per row
        Db.genericPlans(tx);
        return tx.query("""
                WITH s AS (
                    SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[]) WITH ORDINALITY AS s(conv, sender, cid, body, i)
                ), checked AS (
                    SELECT s.*,
                           coalesce((SELECT true FROM conversation_members cm
                                     WHERE cm.conversation_id = s.conv AND cm.user_id = s.sender), false) AS member,
                           (SELECT m.seq FROM messages m WHERE m.sender_id = s.sender AND m.client_msg_id = s.cid) AS earlier
                    FROM s
                ), locked AS (
                    SELECT c.id, c.last_seq, c.archived, c.kind FROM conversations c
                    WHERE c.id IN (SELECT conv FROM checked WHERE member AND earlier IS NULL)
                    ORDER BY c.id FOR NO KEY UPDATE
                ), numbered AS (
                    SELECT k.i, k.conv, k.sender, k.cid, k.body, l.kind,
                           l.last_seq + row_number() OVER (PARTITION BY k.conv ORDER BY k.i) AS seq
                    FROM checked k JOIN locked l ON l.id = k.conv
                    WHERE k.member AND k.earlier IS NULL AND NOT l.archived
                ), raised AS (
                    UPDATE conversations c SET last_seq = v.last, updated_at = now()
                    FROM (SELECT conv, max(seq) AS last FROM numbered GROUP BY conv) v
                    WHERE c.id = v.conv
                ), inserted AS (
                    INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body)
                    SELECT conv, seq, sender, cid, body FROM numbered ORDER BY i
                    ON CONFLICT (sender_id, client_msg_id) DO NOTHING
                    RETURNING conversation_id, seq, created_at
                ), sent AS (
                    UPDATE conversation_members cm SET archived = false,
                        delivered_seq = GREATEST(cm.delivered_seq, coalesce((SELECT max(n.seq) FROM numbered n
                                                 WHERE n.conv = cm.conversation_id AND n.sender = cm.user_id), 0)),
                        read_seq = GREATEST(cm.read_seq, coalesce((SELECT max(n.seq) FROM numbered n
                                                 WHERE n.conv = cm.conversation_id AND n.sender = cm.user_id), 0))
                    WHERE cm.conversation_id IN (SELECT conv FROM numbered)
                      AND (cm.archived OR (cm.conversation_id, cm.user_id) IN (SELECT conv, sender FROM numbered))
                ), members AS (
                    SELECT conversation_id AS conv, array_agg(user_id ORDER BY user_id) AS users,
                           min(delivered_seq) AS min_delivered, min(read_seq) AS min_read
                    FROM conversation_members WHERE conversation_id IN (SELECT conv FROM numbered)
                    GROUP BY conversation_id
                )
                SELECT k.i, k.member, k.earlier IS NOT NULL AS earlier, n.conv, n.seq, n.kind, ins.created_at,
                       mem.users, mem.min_delivered, mem.min_read
                FROM checked k
                LEFT JOIN numbered n ON n.i = k.i
                LEFT JOIN inserted ins ON ins.conversation_id = n.conv AND ins.seq = n.seq
                LEFT JOIN members mem ON mem.conv = n.conv
                ORDER BY k.i""", conversations, senders, clientMsgIds, texts)
                .map(MessageStore::written)
                .toList();
    }

    private static Written written(DbRow r) {
        if (Db.isNull(r, "seq")) {
            return new Written((int) Db.longValue(r, "i"), Boolean.TRUE.equals(Db.value(r, "member")),
                    Boolean.TRUE.equals(Db.value(r, "earlier")), null, null, List.of(), null);
        }
        Receipts.Minimum minimum = null;
        List<UUID> members = Db.uuids(r, "users");
        if (!"direct".equals(Db.string(r, "kind"))) {
            minimum = new Receipts.Minimum(Db.uuid(r, "conv"), Db.longValue(r, "min_delivered"), Db.longValue(r, "min_read"));
        }
        return new Written((int) Db.longValue(r, "i"), true, false, Db.longValue(r, "seq"), Db.instant(r, "created_at"),
                members, minimum);
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
