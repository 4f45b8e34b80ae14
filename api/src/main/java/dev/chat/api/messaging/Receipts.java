package dev.chat.api.messaging;

import dev.chat.api.db.Db;
import dev.chat.api.db.GroupCommit;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.Problems;
import dev.chat.fanout.Envelope;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.EventType;
import io.helidon.dbclient.DbExecute;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivered and read cursors per member (DESIGN.md guarantee 7). A cursor only moves forward and
 * never past the conversation's last seq; read implies delivered.
 *
 * <p>Cursor moves are written in batches (group commit): the moves that arrive together are
 * merged per member and written with one statement. Who is told:
 * <ul>
 *   <li>{@code receipt.updated} (the member's cursors) goes to the member's own sessions, so all
 *       their devices agree, and in a direct chat to the peer too (it is what the peer's ticks
 *       show);</li>
 *   <li>in a group or channel, the other members are told only when what they display changes:
 *       {@code receipts.advanced} with the minimum over all members, when that minimum moved. A
 *       read in a channel of 500 is one event to the reader, not 500.</li>
 * </ul>
 * The minimum is compared after the commit, so two batches moving the last two laggards at once
 * cannot both miss the move. Should api die between the commit and that comparison, the members
 * see the new minimum at their next sync (conversation views carry it).
 */
public final class Receipts implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Receipts.class.getName());

    /** A member's cursors after an update. */
    public record Cursor(UUID conversation, UUID user, long deliveredSeq, long readSeq) {
    }

    /** What {@code receipts.advanced} carries: the minimum cursors over all members of a group conversation. */
    public record Minimum(UUID conversation, long deliveredSeq, long readSeq) {
    }

    private record Move(UUID user, UUID conversation, long seq, boolean read, String trace, CompletableFuture<Cursor> result) {
    }

    private record Member(UUID conversation, UUID user) {
    }

    /** The cursors a batch asks of one member: the most forward of its moves. */
    private static final class Target {
        long delivered;
        long read;
        /** The request id of the first move, for the logs along its event's way. */
        String trace;
    }

    private final ConversationStore conversations;
    private final Outbox outbox;
    private final Json json;
    private final Db db;
    private final GroupCommit<Move> batches;
    private final ReceiptStore store = new ReceiptStore();

    public Receipts(Db db, ConversationStore conversations, Outbox outbox, Json json, int writers) {
        this.db = db;
        this.conversations = conversations;
        this.outbox = outbox;
        this.json = json;
        this.batches = new GroupCommit<>("receipts", writers, 512, 50_000, this::writeBatch);
    }

    /** Some device of {@code user} holds everything up to {@code seq}; returns the cursors now. */
    public Cursor delivered(UUID user, UUID conversation, long seq) {
        return move(user, conversation, seq, false);
    }

    /** {@code user} has seen everything up to {@code seq} (so it is delivered too); returns the cursors now. */
    public Cursor read(UUID user, UUID conversation, long seq) {
        return move(user, conversation, seq, true);
    }

    private Cursor move(UUID user, UUID conversation, long seq, boolean read) {
        if (seq < 0) {
            throw ChatException.validation("'seq' must not be negative.");
        }
        CompletableFuture<Cursor> result = new CompletableFuture<>();
        batches.submit(new Move(user, conversation, seq, read, dev.chat.telemetry.RequestId.current(), result));
        return GroupCommit.await(result);
    }

    private void writeBatch(List<Move> batch) {
        Map<Member, Target> targets = new LinkedHashMap<>();
        for (Move m : batch) {
            Target t = targets.computeIfAbsent(new Member(m.conversation(), m.user()), k -> new Target());
            if (t.trace == null) {
                t.trace = m.trace();
            }
            t.delivered = Math.max(t.delivered, m.seq());
            if (m.read()) {
                t.read = Math.max(t.read, m.seq());
            }
        }
        Map<Member, Object> outcomes = new HashMap<>();
        try {
            outcomes.putAll(write(targets));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "a batch of " + targets.size() + " cursor moves is written one by one", e);
            targets.forEach((member, target) -> {
                try {
                    outcomes.putAll(write(Map.of(member, target)));
                } catch (RuntimeException failure) {
                    outcomes.put(member, failure instanceof ChatException ? failure : Problems.fromDatabase(failure));
                }
            });
        }
        for (Move m : batch) {
            Object outcome = outcomes.get(new Member(m.conversation(), m.user()));
            if (outcome instanceof Cursor c) {
                m.result().complete(c);
            } else if (outcome instanceof RuntimeException failure) {
                m.result().completeExceptionally(failure);
            } else {
                m.result().completeExceptionally(new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation."));
            }
        }
    }

    /** One transaction for these members' moves, then the minimums of the group conversations they moved in. */
    private Map<Member, Object> write(Map<Member, Target> targets) {
        int n = targets.size();
        String[] convs = new String[n];
        String[] users = new String[n];
        Long[] delivered = new Long[n];
        Long[] read = new Long[n];
        int i = 0;
        for (Map.Entry<Member, Target> e : targets.entrySet()) {
            convs[i] = e.getKey().conversation().toString();
            users[i] = e.getKey().user().toString();
            delivered[i] = e.getValue().delivered;
            read[i] = e.getValue().read;
            i++;
        }
        Map<UUID, Minimum> before = new HashMap<>();
        Outbox.Committed<Map<Member, Object>> committed = outbox.inTransactionLater(t -> {
            Map<Member, Object> cursors = new HashMap<>();
            List<Envelope> events = new ArrayList<>();
            for (ReceiptStore.Now now : store.move(t.db(), convs, users, delivered, read)) {
                Member member = new Member(now.cursor().conversation(), now.cursor().user());
                cursors.put(member, now.cursor());
                if (now.moved()) {
                    receiptUpdated(now, targets.get(member)).ifPresent(events::add);
                    if (now.groupMinimumBefore() != null) {
                        // only where someone's cursor moved can the minimum have moved
                        before.putIfAbsent(member.conversation(), now.groupMinimumBefore());
                    }
                }
            }
            t.announceAll(events);
            return cursors;
        });
        outbox.publishNow(committed.pending());
        if (!before.isEmpty()) {
            announceMinimums(before);
        }
        return committed.result();
    }

    /**
     * Who is told that a member's cursors moved: in a direct chat the peer (its ticks); the
     * member's own devices only when the read cursor moved (their unread count). In a group a
     * delivered cursor alone shows nowhere but in the minimum (receipts.advanced).
     */
    private java.util.Optional<Envelope> receiptUpdated(ReceiptStore.Now now, Target target) {
        Cursor cursor = now.cursor();
        boolean readMoved = now.readMoved();
        List<UUID> to;
        if (now.direct()) {
            List<UUID> members = now.members();
            to = readMoved ? members : members.stream().filter(u -> !u.equals(cursor.user())).toList();
        } else {
            to = readMoved ? List.of(cursor.user()) : List.of();
        }
        if (to.isEmpty()) {
            return java.util.Optional.empty();
        }
        String trace = target == null ? null : target.trace;
        return java.util.Optional.of(dev.chat.telemetry.RequestId.with(trace, () -> Envelope.of(EventType.RECEIPT_UPDATED,
                cursor.conversation(), null, Instant.now(), json.tree(cursor), to)));
    }

    /**
     * Tells every member of each group conversation whose minimum moved past what it was before a
     * batch (of cursor moves, or of sends: a sender has read what it sent). Call after the commit.
     */
    void announceMinimums(Map<UUID, Minimum> before) {
        try {
            outbox.inTransaction(t -> {
                DbExecute tx = t.db();
                Map<UUID, Minimum> after = ReceiptStore.groupMinimums(tx, before.keySet().stream().map(UUID::toString).toArray(String[]::new));
                List<Envelope> events = new ArrayList<>();
                after.forEach((conversation, now) -> {
                    Minimum was = before.get(conversation);
                    if (now.deliveredSeq() > was.deliveredSeq() || now.readSeq() > was.readSeq()) {
                        events.add(Envelope.of(EventType.RECEIPTS_ADVANCED, conversation, null, Instant.now(), json.tree(now),
                                conversations.members(tx, conversation)));
                    }
                });
                t.announceAll(events);
                return events.size();
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not announce moved minimums (members see them at their next sync): {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        batches.close();
    }
}
