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
 * statement that also answers their cursors after it, and the minimums over the members of group
 * conversations.
 * Stateless; every method runs on the transaction it is given.
 */
final class ReceiptStore {
    /**
     * A member's cursors after a batch of moves: whether the batch moved them (and the read one),
     * whether the conversation is a direct chat, its members when a direct chat's cursor moved (who
     * hears of it), and a group conversation's minimum cursors from before the batch.
     */
    record Now(Receipts.Cursor cursor, boolean direct, boolean moved, boolean readMoved, List<UUID> members,
               Receipts.Minimum groupMinimumBefore) {
    }

    /**
     * Moves each member's cursors forward to the seqs given (never back, never past the
     * conversation's last seq), in one statement; returns every member named with their cursors
     * now (members no longer there are left out). The parts that are not the update read the
     * state from before the statement: {@code m} the old cursors, {@code minimums} the old minimums.
     */
    List<Now> move(DbExecute tx, String[] conversations, String[] users, Long[] delivered, Long[] read) {
        Db.genericPlans(tx);
        return tx.query("""
                WITH v AS (
                    SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[]) AS v(conv, usr, d, r)
                ), moved AS (
                    UPDATE conversation_members m
                    SET delivered_seq = GREATEST(m.delivered_seq, LEAST(v.d, c.last_seq)),
                        read_seq = GREATEST(m.read_seq, LEAST(v.r, c.last_seq))
                    FROM v CROSS JOIN LATERAL (SELECT last_seq FROM conversations WHERE id = v.conv) c
                    WHERE m.conversation_id = v.conv AND m.user_id = v.usr
                      AND (m.delivered_seq < LEAST(v.d, c.last_seq) OR m.read_seq < LEAST(v.r, c.last_seq))
                    RETURNING m.conversation_id, m.user_id, m.delivered_seq, m.read_seq
                ), minimums AS (
                    SELECT conversation_id, min(delivered_seq) AS d, min(read_seq) AS r FROM conversation_members
                    WHERE conversation_id IN (SELECT conv FROM v) GROUP BY conversation_id
                )
                SELECT v.conv, v.usr, c.kind, mv.user_id IS NOT NULL AS moved,
                       coalesce(mv.delivered_seq, m.delivered_seq) AS delivered_seq,
                       coalesce(mv.read_seq, m.read_seq) AS read_seq, coalesce(mv.read_seq > m.read_seq, false) AS read_moved,
                       CASE WHEN c.kind = 'direct' AND mv.user_id IS NOT NULL THEN
                           (SELECT array_agg(o.user_id ORDER BY o.user_id) FROM conversation_members o
                            WHERE o.conversation_id = v.conv) END AS members,
                       mn.d AS min_delivered, mn.r AS min_read
                FROM v
                JOIN conversation_members m ON m.conversation_id = v.conv AND m.user_id = v.usr
                JOIN conversations c ON c.id = v.conv
                LEFT JOIN moved mv ON mv.conversation_id = v.conv AND mv.user_id = v.usr
                LEFT JOIN minimums mn ON mn.conversation_id = v.conv""",
                conversations, users, delivered, read).toList().stream()
                .map(ReceiptStore::now)
                .toList();
    }

    private static Now now(DbRow r) {
        UUID conversation = Db.uuid(r, "conv");
        boolean direct = "direct".equals(Db.string(r, "kind"));
        Receipts.Cursor cursor = new Receipts.Cursor(conversation, Db.uuid(r, "usr"), Db.longValue(r, "delivered_seq"),
                Db.longValue(r, "read_seq"));
        Receipts.Minimum minimum = direct ? null
                : new Receipts.Minimum(conversation, Db.longValue(r, "min_delivered"), Db.longValue(r, "min_read"));
        return new Now(cursor, direct, Boolean.TRUE.equals(Db.value(r, "moved")), Boolean.TRUE.equals(Db.value(r, "read_moved")),
                Db.uuids(r, "members"), minimum);
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
