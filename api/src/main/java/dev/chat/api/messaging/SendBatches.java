package dev.chat.api.messaging;

import dev.chat.api.db.GroupCommit;
import dev.chat.api.http.ApiMeters;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import dev.chat.protocol.Message;
import dev.chat.telemetry.RequestId;
import io.helidon.dbclient.DbExecute;

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
 * arrives together is written in one transaction of two statements, the messages with everything
 * they change ({@link MessageStore#write}) and their events in the outbox. The senders are
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

    /** The batch's statement; returns each item's {@link ConversationStore.Sent} or its {@link ChatException}. */
    private Map<Queued, Object> writeTogether(Outbox.Tx t, List<Queued> items, Map<UUID, Receipts.Minimum> minimums) {
        DbExecute tx = t.db();
        Map<Queued, Object> outcomes = new HashMap<>();
        List<Envelope> events = new ArrayList<>(items.size());
        for (MessageStore.Written w : store.write(tx, column(items, q -> q.conversation().toString()),
                column(items, q -> q.sender().toString()), column(items, Queued::clientMsgId), column(items, Queued::text))) {
            Queued q = items.get(w.index() - 1);
            if (!w.member()) {
                outcomes.put(q, new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation."));
            } else if (w.earlier()) {
                // a retry: the same answer as the first time, no checks again
                outcomes.put(q, new ConversationStore.Sent(conversations.byClientId(tx, q.sender(), q.clientMsgId()).orElseThrow(), false));
            } else if (w.seq() == null) {
                outcomes.put(q, new ChatException(ErrorCode.CHANNEL_ARCHIVED, "This channel is archived: it takes no new messages."));
            } else if (w.createdAt() == null) {
                throw new BatchRace(); // another instance stored this id meanwhile: one by one, they find it
            } else {
                if (w.groupMinimum() != null) {
                    // the senders' cursors moved: in a group that can move everyone's minimum
                    minimums.putIfAbsent(q.conversation(), w.groupMinimum());
                }
                events.add(created(tx, q, w, outcomes));
            }
        }
        t.announceAll(events);
        return outcomes;
    }

    /** A stored send's answer, its mentions, and its message.created event. */
    private Envelope created(DbExecute tx, Queued q, MessageStore.Written w, Map<Queued, Object> outcomes) {
        long seq = w.seq();
        if (q.text().indexOf('@') >= 0) {
            Messaging.mention(store, tx, q.conversation(), q.sender(), seq, q.text());
        }
        Message message = new Message(q.conversation(), seq, q.sender(), q.clientMsgId(), q.text(),
                w.createdAt(), null, false, 0, null, null, List.of());
        outcomes.put(q, new ConversationStore.Sent(message, true));
        // each event carries the request id of its own send, for the logs along its way
        return RequestId.with(q.trace(), () -> Envelope.of(EventType.MESSAGE_CREATED,
                q.conversation(), seq, message.at(), json.tree(message), w.members()));
    }

    private static String[] column(List<Queued> items, Function<Queued, String> field) {
        String[] out = new String[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = field.apply(items.get(i));
        }
        return out;
    }
}
