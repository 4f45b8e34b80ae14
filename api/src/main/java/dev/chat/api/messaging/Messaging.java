package dev.chat.api.messaging;

import dev.chat.api.RateLimits;
import dev.chat.api.attachments.AttachmentStore;
import dev.chat.api.db.Db;
import dev.chat.api.db.GroupCommit;
import dev.chat.api.http.ApiMeters;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.RateLimiter;
import dev.chat.api.http.Views;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;

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

    /** A plain send waiting for its batch: text only, no attachment, no reply. */
    private record Queued(UUID sender, UUID conversation, String clientMsgId, String text, String trace,
                          java.util.concurrent.CompletableFuture<ConversationStore.Sent> result) {
    }

    /** Plain sends are written in batches (group commit); richer ones one by one. */
    private final GroupCommit<Queued> batches;

    /** Tells a group's members when a send moved their minimum cursor (the sender has read what it sent). */
    private final Receipts receipts;

    public Messaging(Db db, ConversationStore conversations, AttachmentStore attachments, Outbox outbox, Json json,
                     ApiMeters meters, RateLimiter limiter, RateLimits.Rate sendsPerUser, int writers, Receipts receipts) {
        this.receipts = receipts;
        this.batches = new GroupCommit<>("sends", writers, 256, 20_000, this::writeBatch);
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
        limiter.hitOften(RateLimiter.Kind.SENDS, sender.toString(), sendsPerUser);
        if (draft.attachment() == null && draft.replyTo() == null) {
            var result = new java.util.concurrent.CompletableFuture<ConversationStore.Sent>();
            batches.submit(new Queued(sender, conversation, clientMsgId, draft.text(), dev.chat.telemetry.RequestId.current(), result));
            try {
                ConversationStore.Sent sent = result.join();
                if (sent.created()) {
                    LOG.log(java.util.logging.Level.FINE, "message {0} stored in {1}", new Object[] {sent.message().seq(), conversation});
                }
                return sent;
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw e;
            }
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
                    // in a group, the sender's cursors moving can move everyone's minimum
                    minimums.putAll(Receipts.groupMinimums(tx, new String[] {conversation.toString()}));
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
            if (!minimums.isEmpty()) {
                receipts.announceMinimums(minimums);
            }
        }
        return sent;
    }

    /** Thrown inside a batch's transaction to roll it back; its sends are then written one by one. */
    private static final class BatchRace extends RuntimeException {
        BatchRace() {
            super(null, null, false, false);
        }
    }

    /**
     * Writes a batch of plain sends in one transaction of set-based statements: membership and
     * earlier sends of the same ids in one query, the conversations locked in id order and their
     * seqs taken together, one insert, one update of the senders' cursors, one of the outbox. The
     * senders are answered once it committed (accepted means kept); the events are published
     * meanwhile. If the batch cannot be written as a whole (a race with another instance on a
     * client id, a deadlock, a failure), each send is written alone, so one bad item never fails
     * the others. Every item's future is completed.
     */
    private void writeBatch(List<Queued> batch) {
        // the same id twice in one batch (a client retrying quickly): the first is written, the
        // others wait for it and get its answer
        java.util.Map<String, Queued> unique = new java.util.LinkedHashMap<>();
        java.util.Map<Queued, Queued> twins = new java.util.HashMap<>();
        for (Queued q : batch) {
            Queued first = unique.putIfAbsent(q.sender() + "/" + q.clientMsgId(), q);
            if (first != null) {
                twins.put(q, first);
            }
        }
        List<Queued> items = List.copyOf(unique.values());
        java.util.Map<Queued, Object> outcomes;
        boolean together = true;
        java.util.Map<UUID, Receipts.Minimum> minimums = new java.util.HashMap<>();
        try {
            Outbox.Committed<java.util.Map<Queued, Object>> committed = outbox.inTransactionLater(t -> writeTogether(t, items, minimums));
            outcomes = committed.result();
            if (!committed.pending().isEmpty() || !minimums.isEmpty()) {
                Thread.ofVirtual().name("sends-publish").start(() -> {
                    outbox.publishNow(committed.pending());
                    if (!minimums.isEmpty()) {
                        receipts.announceMinimums(minimums);
                    }
                });
            }
        } catch (RuntimeException e) {
            if (!(e instanceof BatchRace)) {
                LOG.log(java.util.logging.Level.FINE, "a batch of " + items.size() + " sends is written one by one", e);
            }
            together = false;
            outcomes = new java.util.HashMap<>();
            for (Queued q : items) {
                try {
                    outcomes.put(q, dev.chat.telemetry.RequestId.with(q.trace(),
                            () -> sendAlone(q.sender(), q.conversation(), q.clientMsgId(), new Draft(q.text(), null, null))));
                } catch (RuntimeException failure) {
                    outcomes.put(q, failure);
                }
            }
        }
        for (Queued q : batch) {
            Object outcome = outcomes.get(twins.getOrDefault(q, q));
            if (outcome instanceof ConversationStore.Sent sent) {
                Object own = twins.containsKey(q) ? new ConversationStore.Sent(sent.message(), false) : sent;
                ConversationStore.Sent answer = (ConversationStore.Sent) own;
                if (!answer.message().conversation().equals(q.conversation())) {
                    q.result().completeExceptionally(new ChatException(ErrorCode.CLIENT_MSG_ID_CONFLICT,
                            "This clientMsgId was already used for a message in another conversation."));
                } else {
                    if (answer.created() && together) {
                        meters.messageAccepted(); // sendAlone counts its own
                    }
                    q.result().complete(answer);
                }
            } else if (outcome instanceof RuntimeException failure) {
                q.result().completeExceptionally(failure);
            } else {
                q.result().completeExceptionally(new ChatException(ErrorCode.INTERNAL_ERROR, "The send was not written."));
            }
        }
    }

    /** The batch's statements; returns each item's {@link ConversationStore.Sent} or its {@link ChatException}. */
    private java.util.Map<Queued, Object> writeTogether(Outbox.Tx t, List<Queued> items, java.util.Map<UUID, Receipts.Minimum> minimums) {
        var tx = t.db();
        int n = items.size();
        String[] convs = new String[n];
        String[] senders = new String[n];
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            convs[i] = items.get(i).conversation().toString();
            senders[i] = items.get(i).sender().toString();
            ids[i] = items.get(i).clientMsgId();
        }
        java.util.Map<Queued, Object> outcomes = new java.util.HashMap<>();
        List<Queued> fresh = new java.util.ArrayList<>();
        for (io.helidon.dbclient.DbRow r : tx.query("""
                SELECT s.i,
                       EXISTS (SELECT 1 FROM conversation_members cm
                               WHERE cm.conversation_id = s.conv AND cm.user_id = s.sender) AS member,
                       (SELECT m.seq FROM messages m WHERE m.sender_id = s.sender AND m.client_msg_id = s.cid) AS earlier
                FROM unnest(?::uuid[], ?::uuid[], ?::text[]) WITH ORDINALITY AS s(conv, sender, cid, i)
                ORDER BY s.i""", convs, senders, ids).toList()) {
            // (subqueries, not joins: the planner takes a batch for 100 rows and would rather scan all
            // of messages than probe its index 100 times; each send probes it once)
            Queued q = items.get((int) Db.longValue(r, "i") - 1);
            if (!Boolean.TRUE.equals(Db.value(r, "member"))) {
                outcomes.put(q, new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation."));
            } else if (!Db.isNull(r, "earlier")) {
                // a retry: the same answer as the first time, no checks again
                outcomes.put(q, new ConversationStore.Sent(conversations.byClientId(tx, q.sender(), q.clientMsgId()).orElseThrow(), false));
            } else {
                fresh.add(q);
            }
        }
        if (fresh.isEmpty()) {
            return outcomes;
        }
        // the conversations' rows, locked in id order (so batches never wait on each other in a
        // circle), give every send its seq: one after another in the order they came
        String[] touched = fresh.stream().map(q -> q.conversation().toString()).distinct().sorted().toArray(String[]::new);
        java.util.Map<UUID, long[]> next = new java.util.HashMap<>();
        List<String> groups = new java.util.ArrayList<>();
        for (io.helidon.dbclient.DbRow r : tx.query(
                "SELECT id, last_seq, archived, kind FROM conversations WHERE id = ANY (?::uuid[]) ORDER BY id FOR UPDATE",
                (Object) touched).toList()) {
            if (!Boolean.TRUE.equals(Db.value(r, "archived"))) {
                next.put(Db.uuid(r, "id"), new long[] {Db.longValue(r, "last_seq")});
                if (!"direct".equals(Db.string(r, "kind"))) {
                    groups.add(Db.uuid(r, "id").toString());
                }
            }
        }
        if (!groups.isEmpty()) {
            // the senders' cursors move below: in a group that can move everyone's minimum
            minimums.putAll(Receipts.groupMinimums(tx, groups.toArray(String[]::new)));
        }
        List<Queued> stored = new java.util.ArrayList<>();
        List<Long> seqs = new java.util.ArrayList<>();
        for (Queued q : fresh) {
            long[] last = next.get(q.conversation());
            if (last == null) {
                outcomes.put(q, new ChatException(ErrorCode.CHANNEL_ARCHIVED, "This channel is archived: it takes no new messages."));
                continue;
            }
            stored.add(q);
            seqs.add(++last[0]);
        }
        if (stored.isEmpty()) {
            return outcomes;
        }
        int m = stored.size();
        String[] sConvs = new String[m];
        String[] sSenders = new String[m];
        String[] sIds = new String[m];
        String[] sTexts = new String[m];
        Long[] sSeqs = seqs.toArray(Long[]::new);
        for (int i = 0; i < m; i++) {
            Queued q = stored.get(i);
            sConvs[i] = q.conversation().toString();
            sSenders[i] = q.sender().toString();
            sIds[i] = q.clientMsgId();
            sTexts[i] = q.text();
        }
        String[] lastConvs = next.keySet().stream().map(UUID::toString).toArray(String[]::new);
        Long[] lastSeqs = next.values().stream().map(v -> v[0]).toArray(Long[]::new);
        tx.update("""
                UPDATE conversations c SET last_seq = v.last, updated_at = now()
                FROM unnest(?::uuid[], ?::bigint[]) AS v(id, last) WHERE c.id = v.id AND c.last_seq < v.last""",
                lastConvs, lastSeqs);
        List<io.helidon.dbclient.DbRow> inserted = tx.query("""
                INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body)
                SELECT * FROM unnest(?::uuid[], ?::bigint[], ?::uuid[], ?::text[], ?::text[])
                ON CONFLICT (sender_id, client_msg_id) DO NOTHING
                RETURNING conversation_id, seq, created_at""", sConvs, sSeqs, sSenders, sIds, sTexts).toList();
        if (inserted.size() != m) {
            throw new BatchRace(); // another instance stored one of these ids meanwhile: one by one, they find it
        }
        java.util.Map<String, java.time.Instant> createdAt = new java.util.HashMap<>();
        for (io.helidon.dbclient.DbRow r : inserted) {
            createdAt.put(Db.uuid(r, "conversation_id") + "/" + Db.longValue(r, "seq"), Db.instant(r, "created_at"));
        }
        // the senders have read what they sent, on every device; a new message brings an archived
        // chat back to everyone's inbox
        tx.update("""
                UPDATE conversation_members cm SET archived = false,
                    delivered_seq = GREATEST(cm.delivered_seq, v.seq), read_seq = GREATEST(cm.read_seq, v.seq)
                FROM (SELECT conv, sender, max(seq) AS seq FROM unnest(?::uuid[], ?::uuid[], ?::bigint[]) AS x(conv, sender, seq)
                      GROUP BY conv, sender) v
                WHERE cm.conversation_id = v.conv AND cm.user_id = v.sender""", sConvs, sSenders, sSeqs);
        tx.update("UPDATE conversation_members SET archived = false WHERE conversation_id = ANY (?::uuid[]) AND archived",
                (Object) touched);
        java.util.Map<UUID, List<UUID>> members = new java.util.HashMap<>();
        for (io.helidon.dbclient.DbRow r : tx.query("""
                SELECT conversation_id, user_id FROM conversation_members WHERE conversation_id = ANY (?::uuid[])
                ORDER BY conversation_id, user_id""", (Object) touched).toList()) {
            members.computeIfAbsent(Db.uuid(r, "conversation_id"), k -> new java.util.ArrayList<>()).add(Db.uuid(r, "user_id"));
        }
        List<Envelope> events = new java.util.ArrayList<>(m);
        for (int i = 0; i < m; i++) {
            Queued q = stored.get(i);
            long seq = sSeqs[i];
            if (q.text().indexOf('@') >= 0) {
                recordMentions(tx, q.conversation(), q.sender(), seq, q.text());
            }
            Views.Message message = new Views.Message(q.conversation(), seq, q.sender(), q.clientMsgId(), q.text(),
                    createdAt.get(q.conversation() + "/" + seq), null, false, 0, null, null, List.of());
            outcomes.put(q, new ConversationStore.Sent(message, true));
            // each event carries the request id of its own send, for the logs along its way
            events.add(dev.chat.telemetry.RequestId.with(q.trace(), () -> Envelope.of(EventType.MESSAGE_CREATED,
                    q.conversation(), seq, message.at(), json.tree(message), members.get(q.conversation()))));
        }
        t.announceAll(events);
        return outcomes;
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
    public static Views.Message tombstone(io.helidon.dbclient.DbExecute tx, ConversationStore conversations, UUID conversation, long seq) {
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
