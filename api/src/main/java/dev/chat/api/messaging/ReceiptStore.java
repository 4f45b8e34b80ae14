package dev.chat.api.messaging;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SQL of delivered and read cursors ({@code conversation_members}): many members' moves in one
 * statement, their cursors after it, the minimums over the members of group conversations.
 * Stateless; every method runs on the transaction it is given.
 */
final class ReceiptStore {
    /** A member whose cursors moved, and whether the read one did. */
    record Moved(UUID conversation, UUID user, boolean readMoved) {
    }

    /** A member's cursors now, and whether the conversation is a direct chat. */
    record Now(Receipts.Cursor cursor, boolean direct) {
    }

    /**
     * Moves each member's cursors forward to the seqs given (never back, never past the
     * conversation's last seq); returns those that moved.
     */
    List<Moved> move(DbExecute tx, String[] conversations, String[] users, Long[] delivered, Long[] read) {
        // o: the row before the update, to tell whether the read cursor moved
        return tx.query("""
                UPDATE conversation_members m
                SET delivered_seq = GREATEST(m.delivered_seq, LEAST(v.d, c.last_seq)),
                    read_seq = GREATEST(m.read_seq, LEAST(v.r, c.last_seq))
                FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[]) AS v(conv, usr, d, r)
                CROSS JOIN LATERAL (SELECT last_seq FROM conversations WHERE id = v.conv) c
                CROSS JOIN LATERAL (SELECT read_seq FROM conversation_members
                                    WHERE conversation_id = v.conv AND user_id = v.usr) o
                WHERE m.conversation_id = v.conv AND m.user_id = v.usr
                  AND (m.delivered_seq < LEAST(v.d, c.last_seq) OR m.read_seq < LEAST(v.r, c.last_seq))
                RETURNING m.conversation_id, m.user_id, o.read_seq < LEAST(v.r, c.last_seq) AS read_moved""",
                conversations, users, delivered, read).toList().stream()
                .map(r -> new Moved(Db.uuid(r, "conversation_id"), Db.uuid(r, "user_id"),
                        Boolean.TRUE.equals(Db.value(r, "read_moved"))))
                .toList();
    }

    /** The cursors of each member named (members no longer there are left out). */
    List<Now> cursors(DbExecute tx, String[] conversations, String[] users) {
        return tx.query("""
                SELECT x.conversation_id, x.user_id, x.delivered_seq, x.read_seq, x.kind
                FROM unnest(?::uuid[], ?::uuid[]) AS v(conv, usr)
                CROSS JOIN LATERAL (
                    SELECT cm.conversation_id, cm.user_id, cm.delivered_seq, cm.read_seq, c.kind
                    FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
                    WHERE cm.conversation_id = v.conv AND cm.user_id = v.usr) x""",
                conversations, users).toList().stream()
                .map(r -> new Now(new Receipts.Cursor(Db.uuid(r, "conversation_id"), Db.uuid(r, "user_id"),
                        Db.longValue(r, "delivered_seq"), Db.longValue(r, "read_seq")), "direct".equals(Db.string(r, "kind"))))
                .toList();
    }

    /** The minimum cursors of the group conversations (not direct chats) among {@code conversations}. */
    static Map<UUID, Receipts.Minimum> groupMinimums(DbExecute tx, String[] conversations) {
        Map<UUID, Receipts.Minimum> out = new HashMap<>();
        for (DbRow r : tx.query("""
                SELECT cm.conversation_id, min(cm.delivered_seq) AS d, min(cm.read_seq) AS r
                FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
                WHERE cm.conversation_id = ANY (?::uuid[]) AND c.kind <> 'direct'
                GROUP BY cm.conversation_id""", (Object) conversations).toList()) {
            UUID id = Db.uuid(r, "conversation_id");
            out.put(id, new Receipts.Minimum(id, Db.longValue(r, "d"), Db.longValue(r, "r")));
        }
        return out;
    }
}
