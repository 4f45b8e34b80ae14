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
        return apply(user, conversation, tx -> conversations.settings(tx, conversation, user, change.pinned(), change.archived(),
                change.muted()));
    }

    /** Hides the history so far, for this member only. */
    public Views.Conversation clear(UUID user, UUID conversation) {
        return apply(user, conversation, tx -> conversations.clear(tx, conversation, user, false));
    }

    /** Deletes the chat for this member: history cleared and the chat hidden until a new message arrives. */
    public Views.Conversation delete(UUID user, UUID conversation) {
        return apply(user, conversation, tx -> conversations.clear(tx, conversation, user, true));
    }

    /**
     * Hides one message from this member's own view ("delete for me"): the others keep it, every
     * device of mine gets {@code conversation.updated} with it in {@code hiddenSeqs}. Hiding it
     * again changes nothing.
     */
    public Views.Conversation hide(UUID user, UUID conversation, long seq) {
        return apply(user, conversation, tx -> {
            if (!conversations.hide(tx, conversation, user, seq)) {
                throw new ChatException(ErrorCode.MESSAGE_NOT_FOUND, "No such message.");
            }
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
