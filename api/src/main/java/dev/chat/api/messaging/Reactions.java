package dev.chat.api.messaging;

import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.Emoji;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.protocol.Message;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Emoji reactions: one row per (message, emoji, person). Setting one is idempotent ({@code on}
 * says what the person wants, so a retried command cannot undo itself); a real change bumps the
 * conversation's version and tells every member's sessions with {@code reaction.updated}, which
 * carries the message's whole tally so clients need not count.
 */
public final class Reactions {
    static final int MAX_PER_PERSON = 20;

    private final ConversationStore conversations;
    private final Outbox outbox;
    private final MessageStore store = new MessageStore();
    private final Json json;

    public Reactions(ConversationStore conversations, Outbox outbox, Json json) {
        this.conversations = conversations;
        this.outbox = outbox;
        this.json = json;
    }

    public Message.Reactions set(UUID user, UUID conversation, long seq, String emoji, boolean on) {
        if (!Emoji.isOne(emoji)) {
            throw ChatException.validation(Emoji.NOT_ONE); // REST's path segment; a frame's emoji was checked by its codec
        }
        return outbox.inTransaction(t -> {
            var tx = t.db();
            if (!conversations.isMember(tx, conversation, user)) {
                throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
            }
            conversations.lockForChange(tx, conversation);
            Message message = conversations.bySeq(tx, conversation, seq)
                    .orElseThrow(() -> new ChatException(ErrorCode.MESSAGE_NOT_FOUND, "No message " + seq + " here."));
            if (message.deleted()) {
                throw new ChatException(ErrorCode.MESSAGE_DELETED, "Message " + seq + " was deleted.");
            }
            long changed;
            if (on) {
                boolean has = message.reactions().stream().anyMatch(r -> r.emoji().equals(emoji) && r.users().contains(user));
                long mine = message.reactions().stream().filter(r -> r.users().contains(user)).count();
                if (!has && mine >= MAX_PER_PERSON) {
                    throw new ChatException(ErrorCode.TOO_MANY_REACTIONS,
                            "One person can use at most " + MAX_PER_PERSON + " different emoji on a message.");
                }
                changed = store.react(tx, conversation, seq, emoji, user);
            } else {
                changed = store.unreact(tx, conversation, seq, emoji, user);
            }
            if (changed == 0) {
                return new Message.Reactions(conversation, seq, message.version(), message.reactions());
            }
            long version = conversations.nextVersion(tx, conversation);
            store.changed(tx, conversation, seq, version);
            List<Message.Reaction> now = conversations.bySeq(tx, conversation, seq).orElseThrow().reactions();
            Message.Reactions result = new Message.Reactions(conversation, seq, version, now);
            var data = json.object()
                    .put("conversation", conversation.toString()).put("seq", seq).put("version", version)
                    .put("user", user.toString()).put("emoji", emoji).put("on", on);
            data.set("reactions", json.tree(now));
            t.announce(Envelope.of(EventType.REACTION_UPDATED, conversation, seq, Instant.now(), data,
                    conversations.members(tx, conversation)));
            return result;
        });
    }
}
