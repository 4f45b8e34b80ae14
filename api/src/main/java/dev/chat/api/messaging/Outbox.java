package dev.chat.api.messaging;

import dev.chat.api.db.Db;
import dev.chat.fanout.EncodedEvent;
import dev.chat.fanout.Envelope;
import dev.chat.fanout.EnvelopeCodec;
import dev.chat.fanout.EventPublisher;
import dev.chat.protocol.EventType;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;
import io.helidon.dbclient.DbRow;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The transactional outbox: the guarantee that an accepted change is announced.
 *
 * <ol>
 *   <li>{@link #add} writes the event in the same transaction as the change it announces.</li>
 *   <li>After commit, {@link #publishNow} publishes it (publisher confirms); the row is deleted by
 *       the next sweep, which deletes every published row of the last 100 ms in one statement
 *       (one delete and commit per message was a third of the database's work per message).</li>
 *   <li>If that fails (broker away, process killed in between), the relay of every api instance
 *       republishes rows older than {@link #STALE_AFTER_SECONDS}: it deletes a batch with
 *       {@code FOR UPDATE SKIP LOCKED}, publishes it, and commits the delete only after the
 *       broker confirmed — so a row is gone only when its event is in the broker. It leaves
 *       alone the rows whose publish by this instance still waits for a late confirm.</li>
 * </ol>
 * Delivery is at-least-once; clients drop duplicates by event id and {@code seq}.
 */
public final class Outbox implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    /**
     * Rows younger than this are left to the instance that wrote them (it publishes right after
     * its commit); older ones are taken to be orphaned. Generous, so a publish slowed by load is
     * not repeated by the relay, yet short enough that a crashed instance's events go out soon.
     */
    static final int STALE_AFTER_SECONDS = 10;
    private static final int BATCH = 200;

    /** An outbox row written in a transaction that has not committed yet, with its event encoded once. */
    public record Pending(long id, EncodedEvent event) {
    }

    /**
     * A database transaction that can announce events: each is written to the outbox inside the
     * transaction, and published once it has committed (see {@link #inTransaction}).
     */
    public final class Tx {
        private final DbTransaction db;
        private final List<Pending> pending = new ArrayList<>();

        private Tx(DbTransaction db) {
            this.db = db;
        }

        public DbTransaction db() {
            return db;
        }

        public void announce(Envelope envelope) {
            announceAll(List.of(envelope));
        }

        /** Announces several events with one statement. */
        public void announceAll(List<Envelope> envelopes) {
            pending.addAll(add(db, envelopes));
        }
    }

    private final Db db;
    private final EventPublisher publisher;
    private final EnvelopeCodec codec;
    private final ScheduledExecutorService relay;
    /** Rows whose events the broker confirmed, to be deleted by the next sweep. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> published = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Rows whose publish waits for the broker's confirm, with when it began: the relay leaves them alone. */
    private final java.util.Map<Long, Long> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
    /** How long a caller waits for the confirm of what it announced. */
    static final long CONFIRM_WAIT_MS = 5_000;
    /** How long a confirm may come late before the rows go back to the relay. */
    static final long LATE_CONFIRM_MS = 60_000;
    static final int SWEEP_MILLIS = 100;
    private volatile java.util.function.Consumer<List<EncodedEvent>> committed = events -> { };

    public Outbox(Db db, EventPublisher publisher, EnvelopeCodec codec) {
        this.db = db;
        this.publisher = publisher;
        this.codec = codec;
        this.relay = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("outbox-relay").daemon().factory());
    }

    /**
     * Who hears of the events this instance committed, as it publishes them (Web Push): it must
     * return at once, as it runs on the path of the change. Events only the relay republishes (their
     * instance died before publishing) are not told.
     */
    public void onCommitted(java.util.function.Consumer<List<EncodedEvent>> listener) {
        this.committed = java.util.Objects.requireNonNull(listener);
    }

    /** A started outbox: its relay and its sweep run. */
    public static Outbox started(Db db, EventPublisher publisher, EnvelopeCodec codec) {
        Outbox outbox = new Outbox(db, publisher, codec);
        outbox.start();
        return outbox;
    }

    public void start() {
        relay.scheduleWithFixedDelay(this::relayOnce, 1, 1, TimeUnit.SECONDS);
        relay.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs {@code work} in one transaction; the events it announced are published after the
     * commit (the caller's answer never waits on a failed publish: the relay retries). If the
     * work throws, nothing is committed and nothing is announced.
     */
    public <T> T inTransaction(Function<Tx, T> work) {
        Committed<T> committed = inTransactionLater(work);
        publishNow(committed.pending());
        return committed.result();
    }

    /** What a transaction returned, and the events it announced, not yet published. */
    public record Committed<T>(T result, List<Pending> pending) {
    }

    /**
     * Like {@link #inTransaction}, but leaves the publishing to the caller ({@link #publishNow}):
     * a batch of sends answers its senders once committed and publishes meanwhile.
     */
    public <T> Committed<T> inTransactionLater(Function<Tx, T> work) {
        Tx[] tx = new Tx[1];
        T result = db.inTransaction(dbTx -> {
            tx[0] = new Tx(dbTx);
            return work.apply(tx[0]);
        });
        return new Committed<>(result, tx[0].pending);
    }

    /** Encodes each event once and writes them inside the caller's transaction, in one statement. */
    List<Pending> add(DbExecute tx, List<Envelope> envelopes) {
        if (envelopes.isEmpty()) {
            return List.of();
        }
        int n = envelopes.size();
        List<EncodedEvent> events = new ArrayList<>(n);
        String[] frames = new String[n];
        String[] kinds = new String[n];
        String[] recipients = new String[n];
        String[] sessions = new String[n];
        Long[] at = new Long[n];
        String[] traces = new String[n];
        for (int i = 0; i < n; i++) {
            EncodedEvent e = codec.encode(envelopes.get(i));
            events.add(e);
            frames[i] = new String(e.frame(), StandardCharsets.UTF_8);
            kinds[i] = e.type().wireName();
            recipients[i] = e.to().stream().map(java.util.UUID::toString)
                    .collect(java.util.stream.Collectors.joining(",", "{", "}"));
            sessions[i] = e.session() == null ? null : e.session().toString();
            at[i] = e.atMillis();
            traces[i] = e.trace();
        }
        // WITH ORDINALITY and ORDER BY keep the ids in the order of the events
        List<DbRow> rows = tx.query("""
                INSERT INTO outbox (frame, kind, recipients, session_id, accepted_at_ms, trace)
                SELECT e.frame, e.kind, e.recipients::uuid[], e.session_id::uuid, e.at, e.trace
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[])
                     WITH ORDINALITY AS e(frame, kind, recipients, session_id, at, trace, i)
                ORDER BY e.i
                RETURNING id""", frames, kinds, recipients, sessions, at, traces).toList();
        List<Pending> pending = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pending.add(new Pending(Db.longValue(rows.get(i), "id"), events.get(i)));
        }
        return pending;
    }

    /**
     * Publishes events whose transaction has committed; their rows go at the next sweep. A
     * failure is logged and left to the relay: the caller's answer does not depend on the broker.
     * A confirm later than {@link #CONFIRM_WAIT_MS} (an overloaded broker or machine) is not a
     * failure: the caller goes on, and the rows stay out of the relay's reach until the confirm
     * comes or {@link #LATE_CONFIRM_MS} passes, so what the broker has is not published twice.
     */
    public void publishNow(List<Pending> pending) {
        if (pending.isEmpty()) {
            return;
        }
        committed.accept(pending.stream().map(Pending::event).toList());
        List<Long> ids = pending.stream().map(Pending::id).toList();
        long began = System.nanoTime();
        ids.forEach(id -> inFlight.put(id, began));
        java.util.concurrent.CompletableFuture<Void> confirmed =
                publisher.publishEncodedAsync(pending.stream().map(Pending::event).toList(), LATE_CONFIRM_MS);
        try {
            confirmed.get(CONFIRM_WAIT_MS, TimeUnit.MILLISECONDS);
            settled(ids, null);
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.log(Level.FINE, "{0} events not confirmed yet; their rows wait for the confirm", ids.size());
            confirmed.whenComplete((done, failure) -> settled(ids, failure));
        } catch (java.util.concurrent.ExecutionException e) {
            settled(ids, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            confirmed.whenComplete((done, failure) -> settled(ids, failure));
        }
    }

    /** Rows whose publish ended: confirmed ones go at the next sweep, the others to the relay. */
    private void settled(List<Long> ids, Throwable failure) {
        if (failure == null) {
            published.addAll(ids); // before they leave inFlight: the relay never sees them in neither
        } else {
            LOG.log(Level.WARNING, "publish failed, the outbox relay will retry: {0}", failure.getMessage());
        }
        ids.forEach(inFlight::remove);
    }

    /**
     * Deletes the rows of every event published since the last sweep, in one statement. Rows a
     * crash leaves behind are republished by the relay (at least once; clients drop duplicates).
     */
    void sweep() {
        List<Long> ids = new ArrayList<>();
        for (Long id = published.poll(); id != null && ids.size() < 10_000; id = published.poll()) {
            ids.add(id);
        }
        if (ids.isEmpty()) {
            return;
        }
        try {
            db.client().execute().delete("DELETE FROM outbox WHERE id = ANY (?)", (Object) ids.toArray(Long[]::new));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "published but could not delete outbox rows (will be republished): {0}", e.getMessage());
        }
    }

    /** One relay pass; returns how many events it republished. */
    int relayOnce() {
        try {
            return db.inTransaction(tx -> {
                List<DbRow> rows = tx.query("""
                        DELETE FROM outbox WHERE id IN (
                            SELECT id FROM outbox WHERE created_at < now() - make_interval(secs => ?)
                              AND id <> ALL (?::bigint[])
                            ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
                        RETURNING id, frame, kind, recipients::text[] AS recipients, session_id, accepted_at_ms, trace""",
                        STALE_AFTER_SECONDS, ownPublishes(), BATCH).toList();
                if (rows.isEmpty()) {
                    return 0;
                }
                List<EncodedEvent> events = new ArrayList<>(rows.size());
                for (DbRow r : rows) {
                    try {
                        events.add(stored(r));
                    } catch (RuntimeException e) {
                        LOG.log(Level.SEVERE, "dropping undecodable outbox row " + Db.longValue(r, "id"), e);
                    }
                }
                publisher.publishEncoded(events); // throws: the transaction rolls back, rows stay
                LOG.log(Level.INFO, "outbox relay republished {0} events", events.size());
                return events.size();
            });
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "outbox relay pass failed, will retry", e);
            return 0;
        }
    }

    /**
     * The rows this instance publishes or has published and not yet swept: never the relay's. Only
     * publishes begun long enough ago for their rows to be stale are named (a row is older than
     * its publish): under overload thousands are in flight, and the relay's statement compares
     * each row it reads with this list.
     */
    private Long[] ownPublishes() {
        long staleSoon = System.nanoTime() - TimeUnit.SECONDS.toNanos(STALE_AFTER_SECONDS - 2);
        java.util.List<Long> own = new ArrayList<>(published);
        inFlight.forEach((id, began) -> {
            if (began < staleSoon) {
                own.add(id);
            }
        });
        return own.toArray(Long[]::new);
    }

    /** The event of an outbox row; rows written before events were encoded once hold the broker form. */
    private EncodedEvent stored(DbRow r) {
        byte[] frame = Db.string(r, "frame").getBytes(StandardCharsets.UTF_8);
        if (Db.isNull(r, "kind")) {
            return codec.encode(codec.decode(frame));
        }
        EventType type = EventType.fromWire(Db.string(r, "kind"))
                .orElseThrow(() -> new IllegalStateException("unknown event type " + Db.string(r, "kind")));
        List<java.util.UUID> to = Db.uuids(r, "recipients");
        return new EncodedEvent(type, to, Db.isNull(r, "session_id") ? null : Db.uuid(r, "session_id"),
                Db.longValue(r, "accepted_at_ms"), Db.string(r, "trace"), frame);
    }

    @Override
    public void close() {
        relay.shutdownNow();
        sweep();
    }
}
