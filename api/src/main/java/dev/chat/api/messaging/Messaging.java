package dev.chat.api.messaging;

import dev.chat.api.RateLimits;
import dev.chat.api.attachments.AttachmentStore;
import dev.chat.api.db.Db;
import dev.chat.api.http.ApiMeters;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.RateLimiter;
import dev.chat.api.http.Views;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.protocol.Message;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one code path that accepts a message, whichever door it came through (REST, or a WebSocket
 * frame a ws-node handed off): membership check, idempotent insert with the next seq, the event in
 * the outbox in the same transaction, publish after commit. Plain sends go in batches ({@link
 * SendBatches}), richer ones (attachment, reply) one by one here; the SQL is in {@link
 * MessageStore} and {@link ConversationStore}. Edits and deletes of one's own messages too. When
 * this returns, the message is committed in PostgreSQL (DESIGN.md guarantee 1).
 */
public final class Messaging {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Messaging.class.getName());
    /** The longest message text, in code points (the protocol's rule, for edits too). */
    public static final int MAX_TEXT = ClientFrame.MAX_TEXT;

    private final Db db;
    private final ConversationStore conversations;
    private final Outbox outbox;
    private final Json json;
    private final ApiMeters meters;
    private final RateLimiter limiter;
    private final RateLimits.Rate sendsPerUser;
    private final AttachmentStore attachments;

    private final MessageStore store = new MessageStore();

    /** Plain sends are written in batches (group commit); richer ones one by one. */
    private final SendBatches batches;

    /** Tells a group's members when a send moved their minimum cursor (the sender has read what it sent). */
    private final Receipts receipts;

    public Messaging(Db db, ConversationStore conversations, AttachmentStore attachments, Outbox outbox, Json json,
                     ApiMeters meters, RateLimiter limiter, RateLimits.Rate sendsPerUser, int writers, Receipts receipts) {
        this.receipts = receipts;
        this.batches = new SendBatches(conversations, store, outbox, receipts, json, meters, writers,
                q -> sendAlone(q.sender(), q.conversation(), q.clientMsgId(), new Draft(q.text(), null, null)));
        this.attachments = attachments;
        this.limiter = limiter;
        this.sendsPerUser = sendsPerUser;
        this.db = db;
        this.conversations = conversations;
        this.outbox = outbox;
        this.json = json;
        this.meters = meters;
    }

    /** Thrown inside the transaction to roll back a send that lost an idempotency race. */
    private static final class DuplicateRace extends RuntimeException {
        DuplicateRace() {
            super(null, null, false, false);
        }
    }

    /**
     * What a send carries besides its id: {@code text} (may be empty only with an attachment), an
     * uploaded {@code attachment} of the sender's for this conversation, the seq it {@code replyTo}.
     */
    public record Draft(String text, UUID attachment, Long replyTo) {
        /** What a send frame (or the REST body standing for one, read by the same codec) carries. */
        static Draft of(ClientFrame.Send send) {
            return new Draft(send.text(), send.attachment(), send.replyTo());
        }
    }

    /** Stores {@code send} as {@code sender}'s; the frame's rules were checked by its codec. */
    public ConversationStore.Sent send(UUID sender, ClientFrame.Send send) {
        return send(sender, send.conversation(), send.clientMsgId(), Draft.of(send));
    }

    public ConversationStore.Sent send(UUID sender, UUID conversation, String clientMsgId, Draft draft) {
        limiter.hitOften(RateLimiter.Kind.SENDS, sender.toString(), sendsPerUser);
        if (draft.attachment() == null && draft.replyTo() == null) {
            ConversationStore.Sent sent = batches.send(sender, conversation, clientMsgId, draft.text());
            if (sent.created()) {
                LOG.log(java.util.logging.Level.FINE, "message {0} stored in {1}", new Object[] {sent.message().seq(), conversation});
            }
            return sent;
        }
        return sendAlone(sender, conversation, clientMsgId, draft);
    }

    /** One send in a transaction of its own: the path of richer sends, and of a batch that failed. */
    private ConversationStore.Sent sendAlone(UUID sender, UUID conversation, String clientMsgId, Draft draft) {
        String text = draft.text();
        ConversationStore.Sent sent;
        java.util.Map<UUID, Receipts.Minimum> minimums = new java.util.HashMap<>();
        try {
            sent = outbox.inTransaction(t -> {
                var tx = t.db();
                if (!conversations.isMember(tx, conversation, sender)) {
                    throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
                }
                Optional<Message> earlier = conversations.byClientId(tx, sender, clientMsgId);
                if (earlier.isPresent()) {
                    return new ConversationStore.Sent(earlier.get(), false); // a retry: same answer, no checks again
                }
                if (draft.replyTo() != null) {
                    checkReplyTarget(tx, conversation, draft.replyTo());
                }
                if (draft.attachment() != null) {
                    attachments.claim(tx, sender, conversation, draft.attachment());
                }
                ConversationStore.Sent s = conversations.insertMessage(tx, conversation, sender, clientMsgId, text,
                                draft.attachment(), draft.replyTo())
                        .orElseThrow(DuplicateRace::new);
                if (s.created()) {
                    // in a group, the sender's cursors moving can move everyone's minimum
                    minimums.putAll(ReceiptStore.groupMinimums(tx, new String[] {conversation.toString()}));
                    // the sender has read what they sent; an archived chat is back in everyone's inbox
                    store.sent(tx, conversation, sender, s.message().seq());
                    mention(store, tx, conversation, sender, s.message().seq(), text);
                    List<UUID> members = conversations.members(tx, conversation);
                    Envelope e = Envelope.of(EventType.MESSAGE_CREATED, conversation, s.message().seq(),
                            s.message().at(), json.tree(s.message()), members);
                    t.announce(e);
                }
                return s;
            });
        } catch (DuplicateRace race) {
            sent = new ConversationStore.Sent(conversations.byClientId(db.client().execute(), sender, clientMsgId)
                    .orElseThrow(), false);
        }
        if (!sent.message().conversation().equals(conversation)) {
            throw new ChatException(ErrorCode.CLIENT_MSG_ID_CONFLICT,
                    "This clientMsgId was already used for a message in another conversation.");
        }
        if (sent.created()) {
            meters.messageAccepted();
            LOG.log(java.util.logging.Level.FINE, "message {0} stored in {1}", new Object[] {sent.message().seq(), conversation});
            if (!minimums.isEmpty()) {
                receipts.announceMinimums(minimums);
            }
        }
        return sent;
    }

    /**
     * A message the server writes on {@code sender}'s behalf (a call's record) inside the caller's
     * transaction, announced with it. {@code clientMsgId} must be one no client can send (say
     * {@code call:<id>}: a colon is outside {@link ClientFrame#CLIENT_MSG_ID}), so it is never a
     * duplicate of a send.
     */
    public Message compose(Outbox.Tx t, UUID conversation, UUID sender, String clientMsgId, String text) {
        var tx = t.db();
        Message m = conversations.insertMessage(tx, conversation, sender, clientMsgId, text, null, null)
                .orElseThrow(() -> new IllegalStateException("message " + clientMsgId + " written twice")).message();
        store.sent(tx, conversation, sender, m.seq());
        t.announce(Envelope.of(EventType.MESSAGE_CREATED, conversation, m.seq(), m.at(), json.tree(m), conversations.members(tx, conversation)));
        return m;
    }

    /** A reply must answer a message of the same conversation that still exists. */
    private void checkReplyTarget(io.helidon.dbclient.DbExecute tx, UUID conversation, long seq) {
        Optional<Boolean> deleted = store.deleted(tx, conversation, seq);
        if (deleted.isEmpty()) {
            throw new ChatException(ErrorCode.REPLY_TARGET_NOT_FOUND, "There is no message " + seq + " in this conversation to reply to.");
        }
        if (deleted.get()) {
            throw new ChatException(ErrorCode.MESSAGE_DELETED, "Message " + seq + " was deleted: it cannot be replied to.");
        }
    }

    private static final java.util.regex.Pattern MENTION = java.util.regex.Pattern.compile("(?<![\\w@])@([a-z0-9_.]{3,32})");

    /** Records the {@code @names} of a message in a channel (see {@link MessageStore#mention}). */
    static void mention(MessageStore store, io.helidon.dbclient.DbExecute tx, UUID conversation, UUID sender, long seq, String text) {
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.regex.Matcher m = MENTION.matcher(text.toLowerCase(java.util.Locale.ROOT));
        while (m.find() && names.size() < 50) {
            names.add(m.group(1).replaceAll("\\.+$", "")); // "@bob." at the end of a sentence
        }
        if (!names.isEmpty()) {
            store.mention(tx, conversation, sender, seq, names);
        }
    }

    /** Edits one's own message; everyone in the conversation gets {@code message.updated}. */
    public Message edit(UUID user, UUID conversation, long seq, String text) {
        return changeOwn(user, conversation, seq, EventType.MESSAGE_UPDATED,
                tx -> store.edit(tx, conversation, seq, text, conversations.nextVersion(tx, conversation)));
    }

    /** Deletes one's own message, leaving a tombstone so seq keeps no gap; everyone gets {@code message.deleted}. */
    public Message delete(UUID user, UUID conversation, long seq) {
        return changeOwn(user, conversation, seq, EventType.MESSAGE_DELETED, tx -> tombstone(tx, conversations, conversation, seq));
    }

    /**
     * Empties a message, keeping its seq (no gap): used by its sender and by moderators. Its
     * reactions and its attachment's bytes go with it; a reply quoting it then shows it deleted.
     */
    public static Message tombstone(io.helidon.dbclient.DbExecute tx, ConversationStore conversations, UUID conversation, long seq) {
        conversations.lockForChange(tx, conversation);
        new MessageStore().empty(tx, conversation, seq, () -> conversations.nextVersion(tx, conversation))
                .ifPresent(attachment -> AttachmentStore.discard(tx, attachment));
        return conversations.bySeq(tx, conversation, seq).orElseThrow();
    }

    private Message changeOwn(UUID user, UUID conversation, long seq, EventType type,
                                    java.util.function.Consumer<io.helidon.dbclient.DbTransaction> change) {
        Message changed = outbox.inTransaction(t -> {
            var tx = t.db();
            if (!conversations.isMember(tx, conversation, user)) {
                throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
            }
            conversations.lockForChange(tx, conversation);
            Message current = conversations.bySeq(tx, conversation, seq)
                    .orElseThrow(() -> new ChatException(ErrorCode.MESSAGE_NOT_FOUND, "No message " + seq + " here."));
            if (!current.senderId().equals(user)) {
                throw new ChatException(ErrorCode.FORBIDDEN, "Only the sender can change a message.");
            }
            if (current.deleted()) {
                if (type == EventType.MESSAGE_DELETED) {
                    return current; // deleting twice is the same as once
                }
                throw new ChatException(ErrorCode.MESSAGE_DELETED, "A deleted message cannot be edited.");
            }
            change.accept(tx);
            Message m = conversations.bySeq(tx, conversation, seq).orElseThrow();
            t.announce(Envelope.of(type, conversation, seq, java.time.Instant.now(), json.tree(m),
                    conversations.members(tx, conversation)));
            return m;
        });
        return changed;
    }

    /** Opens (or gets) the direct chat of two users; tells the peer's sessions when it is new. */
    public ConversationStore.Opened openDirect(UUID me, UUID peer) {
        ConversationStore.Opened opened = outbox.inTransaction(t -> {
            var tx = t.db();
            ConversationStore.Opened o = conversations.openDirect(tx, me, peer);
            if (o.created()) {
                Optional<Views.Conversation> asPeer = conversations.getFor(tx, o.id(), peer);
                Envelope e = Envelope.of(EventType.CONVERSATION_CREATED, o.id(), null, java.time.Instant.now(),
                        json.tree(asPeer.orElseThrow()), List.of(peer));
                t.announce(e);
            }
            return o;
        });
        return opened;
    }
}
