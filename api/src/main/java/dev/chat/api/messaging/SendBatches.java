package dev.chat.api.messaging;

import dev.chat.api.db.GroupCommit;
import dev.chat.api.http.ApiMeters;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.telemetry.RequestId;
import dev.chat.protocol.Message;
import io.helidon.dbclient.DbExecute;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Plain sends (text only: no attachment, no reply) written in batches (group commit): what
 * arrives together is written in one transaction of set-based statements: membership and earlier
 * sends of the same ids in one query, the conversations locked in id order and their seqs taken
 * together, one insert, one update of the senders' cursors, one of the outbox. The senders are
 * answered once it committed (accepted means kept); the events are published meanwhile. If a
 * batch cannot be written as a whole (a race with another instance on a client id, a deadlock, a
 * failure), each send is written alone by {@link Messaging}, so one bad item never fails the
 * others. Thread-safe.
 */
final class SendBatches {
    private static final Logger LOG = Logger.getLogger(SendBatches.class.getName());

    /** A plain send waiting for its batch. */
    record Queued(UUID sender, UUID conversation, String clientMsgId, String text, String trace,
                  CompletableFuture<ConversationStore.Sent> result) {
    }

    /** Thrown inside a batch's transaction to roll it back; its sends are then written one by one. */
    private static final class BatchRace extends RuntimeException {
        BatchRace() {
            super(null, null, false, false);
        }
    }

    /** The sends of a batch that get a seq, with their seqs, in the order they came. */
    private record Numbered(List<Queued> sends, Long[] seqs, Map<UUID, long[]> lastSeqs, String[] touched) {
    }

    private final ConversationStore conversations;
    private final MessageStore store;
    private final Outbox outbox;
    private final Receipts receipts;
    private final Json json;
    private final ApiMeters meters;
    /** Writes one send alone, in a transaction of its own. */
    private final Function<Queued, ConversationStore.Sent> alone;
    private final GroupCommit<Queued> commits;

    SendBatches(ConversationStore conversations, MessageStore store, Outbox outbox, Receipts receipts, Json json,
                ApiMeters meters, int writers, Function<Queued, ConversationStore.Sent> alone) {
        this.conversations = conversations;
        this.store = store;
        this.outbox = outbox;
        this.receipts = receipts;
        this.json = json;
        this.meters = meters;
        this.alone = alone;
        this.commits = new GroupCommit<>("sends", writers, 256, 20_000, this::write);
    }

    /** Queues a plain send and waits until its batch is written. */
    ConversationStore.Sent send(UUID sender, UUID conversation, String clientMsgId, String text) {
        var result = new CompletableFuture<ConversationStore.Sent>();
        commits.submit(new Queued(sender, conversation, clientMsgId, text, RequestId.current(), result));
        return GroupCommit.await(result);
    }

    /** Writes a batch (together, else one by one) and completes every item's future. */
    private void write(List<Queued> batch) {
        // the same id twice in one batch (a client retrying quickly): the first is written, the
        // others wait for it and get its answer
        Map<String, Queued> unique = new LinkedHashMap<>();
        Map<Queued, Queued> twins = new HashMap<>();
        for (Queued q : batch) {
            Queued first = unique.putIfAbsent(q.sender() + "/" + q.clientMsgId(), q);
            if (first != null) {
                twins.put(q, first);
            }
        }
        List<Queued> items = List.copyOf(unique.values());
        Map<Queued, Object> outcomes = together(items);
        boolean together = outcomes != null;
        if (!together) {
            outcomes = oneByOne(items);
        }
        for (Queued q : batch) {
            answer(q, outcomes.get(twins.getOrDefault(q, q)), twins.containsKey(q), together);
        }
    }

    /** The outcome of each item written in one transaction, or null when the batch has to be written one by one. */
    private Map<Queued, Object> together(List<Queued> items) {
        Map<UUID, Receipts.Minimum> minimums = new HashMap<>();
        try {
            Outbox.Committed<Map<Queued, Object>> committed = outbox.inTransactionLater(t -> writeTogether(t, items, minimums));
            if (!committed.pending().isEmpty() || !minimums.isEmpty()) {
                Thread.ofVirtual().name("sends-publish").start(() -> {
                    outbox.publishNow(committed.pending());
                    if (!minimums.isEmpty()) {
                        receipts.announceMinimums(minimums);
                    }
                });
            }
            return committed.result();
        } catch (RuntimeException e) {
            if (!(e instanceof BatchRace)) {
                LOG.log(Level.FINE, "a batch of " + items.size() + " sends is written one by one", e);
            }
            return null;
        }
    }

    private Map<Queued, Object> oneByOne(List<Queued> items) {
        Map<Queued, Object> outcomes = new HashMap<>();
        for (Queued q : items) {
            try {
                outcomes.put(q, RequestId.with(q.trace(), () -> alone.apply(q)));
            } catch (RuntimeException failure) {
                outcomes.put(q, failure);
            }
        }
        return outcomes;
    }

    /** Completes one sender's future with its outcome (a twin gets the first one's message, as not new). */
    private void answer(Queued q, Object outcome, boolean twin, boolean together) {
        if (outcome instanceof ConversationStore.Sent sent) {
            ConversationStore.Sent answer = twin ? new ConversationStore.Sent(sent.message(), false) : sent;
            if (!answer.message().conversation().equals(q.conversation())) {
                q.result().completeExceptionally(new ChatException(ErrorCode.CLIENT_MSG_ID_CONFLICT,
                        "This clientMsgId was already used for a message in another conversation."));
            } else {
                if (answer.created() && together) {
                    meters.messageAccepted(); // a send written alone counts its own
                }
                q.result().complete(answer);
            }
        } else if (outcome instanceof RuntimeException failure) {
            q.result().completeExceptionally(failure);
        } else {
            q.result().completeExceptionally(new ChatException(ErrorCode.INTERNAL_ERROR, "The send was not written."));
        }
    }

    /** The batch's statements; returns each item's {@link ConversationStore.Sent} or its {@link ChatException}. */
    private Map<Queued, Object> writeTogether(Outbox.Tx t, List<Queued> items, Map<UUID, Receipts.Minimum> minimums) {
        DbExecute tx = t.db();
        Map<Queued, Object> outcomes = new HashMap<>();
        List<Queued> fresh = fresh(tx, items, outcomes);
        if (fresh.isEmpty()) {
            return outcomes;
        }
        Numbered numbered = number(tx, fresh, outcomes, minimums);
        if (numbered.sends().isEmpty()) {
            return outcomes;
        }
        List<Queued> stored = numbered.sends();
        Long[] seqs = numbered.seqs();
        String[] convs = column(stored, q -> q.conversation().toString());
        String[] senders = column(stored, q -> q.sender().toString());
        store.raiseLastSeqs(tx, numbered.lastSeqs().keySet().stream().map(UUID::toString).toArray(String[]::new),
                numbered.lastSeqs().values().stream().map(v -> v[0]).toArray(Long[]::new));
        List<MessageStore.Inserted> inserted = store.insert(tx, convs, seqs, senders, column(stored, Queued::clientMsgId),
                column(stored, Queued::text));
        if (inserted.size() != stored.size()) {
            throw new BatchRace(); // another instance stored one of these ids meanwhile: one by one, they find it
        }
        Map<String, Instant> createdAt = new HashMap<>();
        inserted.forEach(i -> createdAt.put(i.conversation() + "/" + i.seq(), i.createdAt()));
        store.sent(tx, convs, senders, seqs, numbered.touched());
        t.announceAll(created(tx, stored, seqs, createdAt, outcomes, store.members(tx, numbered.touched())));
        return outcomes;
    }

    /** The items not refused and not sent before; the others get their outcome. */
    private List<Queued> fresh(DbExecute tx, List<Queued> items, Map<Queued, Object> outcomes) {
        List<Queued> fresh = new ArrayList<>();
        for (MessageStore.Check c : store.check(tx, column(items, q -> q.conversation().toString()),
                column(items, q -> q.sender().toString()), column(items, Queued::clientMsgId))) {
            Queued q = items.get(c.index() - 1);
            if (!c.member()) {
                outcomes.put(q, new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation."));
            } else if (c.earlier()) {
                // a retry: the same answer as the first time, no checks again
                outcomes.put(q, new ConversationStore.Sent(conversations.byClientId(tx, q.sender(), q.clientMsgId()).orElseThrow(), false));
            } else {
                fresh.add(q);
            }
        }
        return fresh;
    }

    /**
     * The conversations' rows, locked in id order, give every send its seq: one after another in
     * the order they came. A send to an archived channel is refused.
     */
    private Numbered number(DbExecute tx, List<Queued> fresh, Map<Queued, Object> outcomes, Map<UUID, Receipts.Minimum> minimums) {
        String[] touched = fresh.stream().map(q -> q.conversation().toString()).distinct().sorted().toArray(String[]::new);
        Map<UUID, long[]> next = new HashMap<>();
        List<String> groups = new ArrayList<>();
        for (MessageStore.Locked c : store.lock(tx, touched)) {
            if (!c.archived()) {
                next.put(c.id(), new long[] {c.lastSeq()});
                if (!c.direct()) {
                    groups.add(c.id().toString());
                }
            }
        }
        if (!groups.isEmpty()) {
            // the senders' cursors move: in a group that can move everyone's minimum
            minimums.putAll(ReceiptStore.groupMinimums(tx, groups.toArray(String[]::new)));
        }
        List<Queued> stored = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        for (Queued q : fresh) {
            long[] last = next.get(q.conversation());
            if (last == null) {
                outcomes.put(q, new ChatException(ErrorCode.CHANNEL_ARCHIVED, "This channel is archived: it takes no new messages."));
                continue;
            }
            stored.add(q);
            seqs.add(++last[0]);
        }
        return new Numbered(stored, seqs.toArray(Long[]::new), next, touched);
    }

    /** Each stored send's answer, its mentions, and its message.created event. */
    private List<Envelope> created(DbExecute tx, List<Queued> stored, Long[] seqs, Map<String, Instant> createdAt,
                                   Map<Queued, Object> outcomes, Map<UUID, List<UUID>> members) {
        List<Envelope> events = new ArrayList<>(stored.size());
        for (int i = 0; i < stored.size(); i++) {
            Queued q = stored.get(i);
            long seq = seqs[i];
            if (q.text().indexOf('@') >= 0) {
                Messaging.mention(store, tx, q.conversation(), q.sender(), seq, q.text());
            }
            Message message = new Message(q.conversation(), seq, q.sender(), q.clientMsgId(), q.text(),
                    createdAt.get(q.conversation() + "/" + seq), null, false, 0, null, null, List.of());
            outcomes.put(q, new ConversationStore.Sent(message, true));
            // each event carries the request id of its own send, for the logs along its way
            events.add(RequestId.with(q.trace(), () -> Envelope.of(EventType.MESSAGE_CREATED,
                    q.conversation(), seq, message.at(), json.tree(message), members.get(q.conversation()))));
        }
        return events;
    }

    private static String[] column(List<Queued> items, Function<Queued, String> field) {
        String[] out = new String[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = field.apply(items.get(i));
        }
        return out;
    }
}
