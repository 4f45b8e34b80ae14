package dev.chat.api;

import dev.chat.fanout.Envelope;
import dev.chat.fanout.EventType;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one code path that accepts a message, whichever door it came through (REST now, the
 * WebSocket command queue later): membership check, idempotent insert with the next seq, the
 * event in the outbox in the same transaction, publish after commit. When this returns, the
 * message is committed in PostgreSQL (DESIGN.md guarantee 1).
 */
public final class Messaging {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Messaging.class.getName());
    /** Client ids are opaque to the server: UUIDs in practice, any short token is accepted. */
    public static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    public static final int MAX_TEXT = 4000;

    private final Db db;
    private final ConversationStore conversations;
    private final Outbox outbox;
    private final Json json;
    private final ApiMeters meters;
    private final RateLimiter limiter;
    private final RateLimits.Rate sendsPerUser;
    private final AttachmentStore attachments;

    public Messaging(Db db, ConversationStore conversations, AttachmentStore attachments, Outbox outbox, Json json,
                     ApiMeters meters, RateLimiter limiter, RateLimits.Rate sendsPerUser) {
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
        /** Reads a send's fields from a REST body or a WebSocket frame, the same way for both. */
        static Draft from(JsonBody body) {
            UUID attachment = body.optionalUuid("attachment");
            String text = attachment == null ? body.string("text", 1, MAX_TEXT)
                    : body.optionalString("text", 0, MAX_TEXT).orElse("");
            return new Draft(text, attachment, body.optionalLong("replyTo", 1, Long.MAX_VALUE));
        }
    }

    public ConversationStore.Sent send(UUID sender, UUID conversation, String clientMsgId, Draft draft) {
        limiter.hit(RateLimiter.Kind.SENDS, sender.toString(), sendsPerUser);
        String text = draft.text();
        ConversationStore.Sent sent;
        try {
            sent = outbox.inTransaction(t -> {
                var tx = t.db();
                if (!conversations.isMember(tx, conversation, sender)) {
                    throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
                }
                Optional<Views.Message> earlier = conversations.byClientId(tx, sender, clientMsgId);
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
                    // One statement: the sender has read what they sent, on every device (no event:
                    // their other sessions see message.created with their own senderId), and a new
                    // message brings an archived chat back to everyone's inbox.
                    tx.update("""
                            UPDATE conversation_members SET archived = false,
                                delivered_seq = CASE WHEN user_id = ?::uuid THEN GREATEST(delivered_seq, ?) ELSE delivered_seq END,
                                read_seq = CASE WHEN user_id = ?::uuid THEN GREATEST(read_seq, ?) ELSE read_seq END
                            WHERE conversation_id = ?::uuid AND (archived OR user_id = ?::uuid)""",
                            sender, s.message().seq(), sender, s.message().seq(), conversation, sender);
                    recordMentions(tx, conversation, sender, s.message().seq(), text);
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
        }
        return sent;
    }

    /** A reply must answer a message of the same conversation that still exists. */
    private static void checkReplyTarget(io.helidon.dbclient.DbExecute tx, UUID conversation, long seq) {
        Optional<io.helidon.dbclient.DbRow> target = tx.get(
                "SELECT deleted_at FROM messages WHERE conversation_id = ?::uuid AND seq = ?", conversation, seq);
        if (target.isEmpty()) {
            throw new ChatException(ErrorCode.REPLY_TARGET_NOT_FOUND, "There is no message " + seq + " in this conversation to reply to.");
        }
        if (!Db.isNull(target.get(), "deleted_at")) {
            throw new ChatException(ErrorCode.MESSAGE_DELETED, "Message " + seq + " was deleted: it cannot be replied to.");
        }
    }

    private static final java.util.regex.Pattern MENTION = java.util.regex.Pattern.compile("(?<![\\w@])@([a-z0-9_.]{3,32})");

    /**
     * Mentions in a channel: {@code @username} of a member is one row for that member;
     * {@code @channel} by an admin or the owner is one row for everyone. Never a row per member.
     */
    private void recordMentions(io.helidon.dbclient.DbExecute tx, UUID conversation, UUID sender, long seq, String text) {
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.regex.Matcher m = MENTION.matcher(text.toLowerCase(java.util.Locale.ROOT));
        while (m.find() && names.size() < 50) {
            names.add(m.group(1).replaceAll("\\.+$", "")); // "@bob." at the end of a sentence
        }
        if (names.isEmpty()) {
            return;
        }
        Optional<io.helidon.dbclient.DbRow> channel = tx.get(
                "SELECT group_id FROM conversations WHERE id = ?::uuid AND kind = 'channel'", conversation);
        if (channel.isEmpty()) {
            return;
        }
        if (names.remove("channel")) {
            boolean admin = tx.get("""
                    SELECT 1 AS one FROM group_members WHERE group_id = ?::uuid AND user_id = ?::uuid AND role IN ('owner', 'admin')""",
                    Db.uuid(channel.get(), "group_id"), sender).isPresent();
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

    /** Edits one's own message; everyone in the conversation gets {@code message.updated}. */
    public Views.Message edit(UUID user, UUID conversation, long seq, String text) {
        return changeOwn(user, conversation, seq, EventType.MESSAGE_UPDATED, tx -> {
            tx.update("""
                    UPDATE messages SET body = ?, edited_at = now(), version = ?
                    WHERE conversation_id = ?::uuid AND seq = ? AND deleted_at IS NULL""",
                    text, conversations.nextVersion(tx, conversation), conversation, seq);
        });
    }

    /** Deletes one's own message, leaving a tombstone so seq keeps no gap; everyone gets {@code message.deleted}. */
    public Views.Message delete(UUID user, UUID conversation, long seq) {
        return changeOwn(user, conversation, seq, EventType.MESSAGE_DELETED, tx -> tombstone(tx, conversations, conversation, seq));
    }

    /**
     * Empties a message, keeping its seq (no gap): used by its sender and by moderators. Its
     * reactions and its attachment's bytes go with it; a reply quoting it then shows it deleted.
     */
    static Views.Message tombstone(io.helidon.dbclient.DbExecute tx, ConversationStore conversations, UUID conversation, long seq) {
        conversations.lockForChange(tx, conversation);
        Optional<io.helidon.dbclient.DbRow> old = tx.get(
                "SELECT attachment_id FROM messages WHERE conversation_id = ?::uuid AND seq = ? FOR UPDATE", conversation, seq);
        tx.update("""
                UPDATE messages SET body = '', attachment_id = NULL, deleted_at = coalesce(deleted_at, now()), version = ?
                WHERE conversation_id = ?::uuid AND seq = ?""", conversations.nextVersion(tx, conversation), conversation, seq);
        tx.delete("DELETE FROM reactions WHERE conversation_id = ?::uuid AND seq = ?", conversation, seq);
        if (old.isPresent() && !Db.isNull(old.get(), "attachment_id")) {
            AttachmentStore.discard(tx, Db.uuid(old.get(), "attachment_id"));
        }
        return conversations.bySeq(tx, conversation, seq).orElseThrow();
    }

    private Views.Message changeOwn(UUID user, UUID conversation, long seq, EventType type,
                                    java.util.function.Consumer<io.helidon.dbclient.DbTransaction> change) {
        Views.Message changed = outbox.inTransaction(t -> {
            var tx = t.db();
            if (!conversations.isMember(tx, conversation, user)) {
                throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
            }
            conversations.lockForChange(tx, conversation);
            Views.Message current = conversations.bySeq(tx, conversation, seq)
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
            Views.Message m = conversations.bySeq(tx, conversation, seq).orElseThrow();
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
