package dev.chat.api;

import dev.chat.fanout.Envelope;
import dev.chat.fanout.EventType;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Delivered and read cursors per member (DESIGN.md guarantee 7). A cursor only moves forward and
 * never past the conversation's last seq; read implies delivered. When a cursor moves, every
 * member's sessions get {@code receipt.updated} (through the outbox, so sync and live agree).
 */
public final class Receipts {
    /** A member's cursors after an update. */
    public record Cursor(UUID conversation, UUID user, long deliveredSeq, long readSeq) {
    }

    private final ConversationStore conversations;
    private final Outbox outbox;
    private final Json json;

    public Receipts(ConversationStore conversations, Outbox outbox, Json json) {
        this.conversations = conversations;
        this.outbox = outbox;
        this.json = json;
    }

    /** Some device of {@code user} holds everything up to {@code seq}; returns the cursors now. */
    public Cursor delivered(UUID user, UUID conversation, long seq) {
        return move(user, conversation, seq, false);
    }

    /** {@code user} has seen everything up to {@code seq} (so it is delivered too); returns the cursors now. */
    public Cursor read(UUID user, UUID conversation, long seq) {
        return move(user, conversation, seq, true);
    }

    /** Moves the cursors inside a transaction and announces the move; false when they were already there. */
    private boolean moveInTransaction(Outbox.Tx t, UUID user, UUID conversation, long seq, boolean read) {
        DbExecute tx = t.db();
        Optional<DbRow> row = tx.get("""
                UPDATE conversation_members m
                SET delivered_seq = GREATEST(m.delivered_seq, LEAST(?, c.last_seq)),
                    read_seq = CASE WHEN ? THEN GREATEST(m.read_seq, LEAST(?, c.last_seq)) ELSE m.read_seq END
                FROM conversations c
                WHERE c.id = m.conversation_id AND m.conversation_id = ?::uuid AND m.user_id = ?::uuid
                  AND (m.delivered_seq < LEAST(?, c.last_seq) OR (? AND m.read_seq < LEAST(?, c.last_seq)))
                RETURNING m.delivered_seq, m.read_seq""",
                seq, read, seq, conversation, user, seq, read, seq);
        if (row.isEmpty()) {
            return false;
        }
        Cursor cursor = new Cursor(conversation, user, Db.longValue(row.get(), "delivered_seq"), Db.longValue(row.get(), "read_seq"));
        List<UUID> members = conversations.members(tx, conversation);
        Envelope e = Envelope.of(EventType.RECEIPT_UPDATED, conversation, null, Instant.now(), json.tree(cursor), members);
        t.announce(e);
        return true;
    }

    private Cursor move(UUID user, UUID conversation, long seq, boolean read) {
        if (seq < 0) {
            throw ChatException.validation("'seq' must not be negative.");
        }
        Cursor now = outbox.inTransaction(t -> {
            var tx = t.db();
            if (!conversations.isMember(tx, conversation, user)) {
                throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
            }
            moveInTransaction(t, user, conversation, seq, read);
            DbRow row = tx.get("""
                    SELECT delivered_seq, read_seq FROM conversation_members
                    WHERE conversation_id = ?::uuid AND user_id = ?::uuid""", conversation, user).orElseThrow();
            return new Cursor(conversation, user, Db.longValue(row, "delivered_seq"), Db.longValue(row, "read_seq"));
        });
        return now;
    }
}
