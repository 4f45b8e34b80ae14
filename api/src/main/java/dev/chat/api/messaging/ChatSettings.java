package dev.chat.api.messaging;

import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.Views;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One member's own management of a conversation: pin, archive, mute, clear history, delete chat.
 * Only that member's row changes (the other member is never affected), and only that member's
 * sessions get {@code conversation.updated} with the new view, so every device agrees.
 */
public final class ChatSettings {
    /** A partial change; null fields stay as they are. */
    public record Change(Boolean pinned, Boolean archived, Boolean muted) {
    }

    private final ConversationStore conversations;
    private final Outbox outbox;
    private final Json json;

    public ChatSettings(ConversationStore conversations, Outbox outbox, Json json) {
        this.conversations = conversations;
        this.outbox = outbox;
        this.json = json;
    }

    public Views.Conversation change(UUID user, UUID conversation, Change change) {
        return apply(user, conversation, tx -> tx.update("""
                UPDATE conversation_members SET
                    pinned_at = CASE WHEN ?::boolean IS NULL THEN pinned_at WHEN ?::boolean THEN coalesce(pinned_at, now()) ELSE NULL END,
                    archived = coalesce(?::boolean, archived),
                    muted = coalesce(?::boolean, muted)
                WHERE conversation_id = ?::uuid AND user_id = ?::uuid""",
                change.pinned(), change.pinned(), change.archived(), change.muted(), conversation, user));
    }

    /** Hides the history so far, for this member only. */
    public Views.Conversation clear(UUID user, UUID conversation) {
        return apply(user, conversation, tx -> tx.update("""
                UPDATE conversation_members m SET cleared_seq = c.last_seq,
                    read_seq = c.last_seq, delivered_seq = c.last_seq
                FROM conversations c WHERE c.id = m.conversation_id AND m.conversation_id = ?::uuid AND m.user_id = ?::uuid""",
                conversation, user));
    }

    /** Deletes the chat for this member: history cleared and the chat hidden until a new message arrives. */
    public Views.Conversation delete(UUID user, UUID conversation) {
        return apply(user, conversation, tx -> tx.update("""
                UPDATE conversation_members m SET cleared_seq = c.last_seq, hidden_seq = c.last_seq,
                    read_seq = c.last_seq, delivered_seq = c.last_seq, pinned_at = NULL, archived = false
                FROM conversations c WHERE c.id = m.conversation_id AND m.conversation_id = ?::uuid AND m.user_id = ?::uuid""",
                conversation, user));
    }

    /**
     * Hides one message from this member's own view ("delete for me"): the others keep it, every
     * device of mine gets {@code conversation.updated} with it in {@code hiddenSeqs}. Hiding it
     * again changes nothing.
     */
    public Views.Conversation hide(UUID user, UUID conversation, long seq) {
        return apply(user, conversation, tx -> {
            boolean visible = tx.get("""
                    SELECT 1 FROM messages m JOIN conversation_members me ON me.conversation_id = m.conversation_id AND me.user_id = ?::uuid
                    WHERE m.conversation_id = ?::uuid AND m.seq = ? AND m.seq > me.cleared_seq""", user, conversation, seq).isPresent();
            if (!visible) {
                throw new ChatException(ErrorCode.MESSAGE_NOT_FOUND, "No such message.");
            }
            tx.insert("""
                    INSERT INTO hidden_messages (conversation_id, user_id, seq) VALUES (?::uuid, ?::uuid, ?)
                    ON CONFLICT DO NOTHING""", conversation, user, seq);
        });
    }

    private Views.Conversation apply(UUID user, UUID conversation,
                                     java.util.function.Consumer<io.helidon.dbclient.DbTransaction> update) {
        Views.Conversation view = outbox.inTransaction(t -> {
            var tx = t.db();
            if (!conversations.isMember(tx, conversation, user)) {
                throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
            }
            update.accept(tx);
            Views.Conversation v = conversations.getFor(tx, conversation, user)
                    .orElseThrow(() -> new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation."));
            t.announce(Envelope.of(EventType.CONVERSATION_UPDATED, conversation, null, Instant.now(),
                    json.tree(v), List.of(user)));
            return v;
        });
        return view;
    }
}
