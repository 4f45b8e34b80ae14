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
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
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
        String[] touched = targets.keySet().stream().map(m -> m.conversation().toString()).distinct().toArray(String[]::new);
        Map<UUID, Minimum> before = new HashMap<>();
        Outbox.Committed<Map<Member, Object>> committed = outbox.inTransactionLater(t -> {
            DbExecute tx = t.db();
            before.putAll(groupMinimums(tx, touched));
            // which members' cursors moved, and whether the read one did (o: the row before the update)
            Map<Member, Boolean> moved = new HashMap<>();
            for (DbRow r : tx.query("""
                    UPDATE conversation_members m
                    SET delivered_seq = GREATEST(m.delivered_seq, LEAST(v.d, c.last_seq)),
                        read_seq = GREATEST(m.read_seq, LEAST(v.r, c.last_seq))
                    FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[]) AS v(conv, usr, d, r)
                    CROSS JOIN LATERAL (SELECT last_seq FROM conversations WHERE id = v.conv) c
                    CROSS JOIN LATERAL (SELECT read_seq FROM conversation_members
                                        WHERE conversation_id = v.conv AND user_id = v.usr) o
                    WHERE m.conversation_id = v.conv AND m.user_id = v.usr
                      AND (m.delivered_seq < LEAST(v.d, c.last_seq) OR m.read_seq < LEAST(v.r, c.last_seq))
                    RETURNING m.conversation_id, m.user_id, o.read_seq < LEAST(v.r, c.last_seq) AS read_moved""",
                    convs, users, delivered, read).toList()) {
                moved.put(new Member(Db.uuid(r, "conversation_id"), Db.uuid(r, "user_id")),
                        Boolean.TRUE.equals(Db.value(r, "read_moved")));
            }
            Map<Member, Object> cursors = new HashMap<>();
            List<Envelope> events = new ArrayList<>();
            for (DbRow r : tx.query("""
                    SELECT x.conversation_id, x.user_id, x.delivered_seq, x.read_seq, x.kind
                    FROM unnest(?::uuid[], ?::uuid[]) AS v(conv, usr)
                    CROSS JOIN LATERAL (
                        SELECT cm.conversation_id, cm.user_id, cm.delivered_seq, cm.read_seq, c.kind
                        FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
                        WHERE cm.conversation_id = v.conv AND cm.user_id = v.usr) x""",
                    convs, users).toList()) {
                Member member = new Member(Db.uuid(r, "conversation_id"), Db.uuid(r, "user_id"));
                Cursor cursor = new Cursor(member.conversation(), member.user(), Db.longValue(r, "delivered_seq"),
                        Db.longValue(r, "read_seq"));
                cursors.put(member, cursor);
                Boolean readMoved = moved.get(member);
                if (readMoved != null) {
                    // who shows it: in a direct chat the peer (its ticks); the reader's own devices
                    // only when the read cursor moved (their unread count). In a group a delivered
                    // cursor alone shows nowhere but in the minimum (receipts.advanced).
                    List<UUID> to;
                    if ("direct".equals(Db.string(r, "kind"))) {
                        List<UUID> members = conversations.members(tx, member.conversation());
                        to = readMoved ? members : members.stream().filter(u -> !u.equals(member.user())).toList();
                    } else {
                        to = readMoved ? List.of(member.user()) : List.of();
                    }
                    if (to.isEmpty()) {
                        continue;
                    }
                    String trace = targets.get(member) == null ? null : targets.get(member).trace;
                    events.add(dev.chat.telemetry.RequestId.with(trace, () -> Envelope.of(EventType.RECEIPT_UPDATED,
                            member.conversation(), null, Instant.now(), json.tree(cursor), to)));
                }
            }
            t.announceAll(events);
            // only where someone's cursor moved can the minimum have moved
            Set<UUID> movedIn = new java.util.HashSet<>();
            moved.keySet().forEach(m -> movedIn.add(m.conversation()));
            before.keySet().retainAll(movedIn);
            return cursors;
        });
        outbox.publishNow(committed.pending());
        if (!before.isEmpty()) {
            announceMinimums(before);
        }
        return committed.result();
    }

    /** The minimum cursors of the group conversations (not direct chats) among {@code conversations}. */
    static Map<UUID, Minimum> groupMinimums(DbExecute tx, String[] conversations) {
        Map<UUID, Minimum> out = new HashMap<>();
        for (DbRow r : tx.query("""
                SELECT cm.conversation_id, min(cm.delivered_seq) AS d, min(cm.read_seq) AS r
                FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
                WHERE cm.conversation_id = ANY (?::uuid[]) AND c.kind <> 'direct'
                GROUP BY cm.conversation_id""", (Object) conversations).toList()) {
            UUID id = Db.uuid(r, "conversation_id");
            out.put(id, new Minimum(id, Db.longValue(r, "d"), Db.longValue(r, "r")));
        }
        return out;
    }

    /**
     * Tells every member of each group conversation whose minimum moved past what it was before a
     * batch (of cursor moves, or of sends: a sender has read what it sent). Call after the commit.
     */
    void announceMinimums(Map<UUID, Minimum> before) {
        try {
            outbox.inTransaction(t -> {
                DbExecute tx = t.db();
                Map<UUID, Minimum> after = groupMinimums(tx, before.keySet().stream().map(UUID::toString).toArray(String[]::new));
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
