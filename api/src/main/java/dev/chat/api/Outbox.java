package dev.chat.api;

import dev.chat.fanout.Envelope;
import dev.chat.fanout.EnvelopeCodec;
import dev.chat.fanout.EventPublisher;
import dev.chat.fanout.PublishException;
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
 *       broker confirmed — so a row is gone only when its event is in the broker.</li>
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

    /** An outbox row written in a transaction that has not committed yet. */
    public record Pending(long id, Envelope envelope) {
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
            pending.add(add(db, envelope));
        }
    }

    private final Db db;
    private final EventPublisher publisher;
    private final EnvelopeCodec codec;
    private final ScheduledExecutorService relay;
    /** Rows whose events the broker confirmed, to be deleted by the next sweep. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Long> published = new java.util.concurrent.ConcurrentLinkedQueue<>();
    static final int SWEEP_MILLIS = 100;

    public Outbox(Db db, EventPublisher publisher, EnvelopeCodec codec) {
        this.db = db;
        this.publisher = publisher;
        this.codec = codec;
        this.relay = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("outbox-relay").daemon().factory());
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
        Tx[] tx = new Tx[1];
        T result = db.inTransaction(dbTx -> {
            tx[0] = new Tx(dbTx);
            return work.apply(tx[0]);
        });
        publishNow(tx[0].pending);
        return result;
    }

    /** Writes the event inside the caller's transaction. */
    Pending add(DbExecute tx, Envelope envelope) {
        String text = new String(codec.encode(envelope), StandardCharsets.UTF_8);
        DbRow row = tx.get("INSERT INTO outbox (envelope) VALUES (?) RETURNING id", text).orElseThrow();
        return new Pending(Db.longValue(row, "id"), envelope);
    }

    /**
     * Publishes events whose transaction has committed; their rows go at the next sweep. A
     * failure is logged and left to the relay: the caller's answer does not depend on the broker.
     */
    public void publishNow(List<Pending> pending) {
        if (pending.isEmpty()) {
            return;
        }
        try {
            publisher.publishAll(pending.stream().map(Pending::envelope).toList());
        } catch (PublishException e) {
            LOG.log(Level.WARNING, "publish failed, the outbox relay will retry: {0}", e.getMessage());
            return;
        }
        pending.forEach(p -> published.add(p.id()));
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
                            ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
                        RETURNING id, envelope""", STALE_AFTER_SECONDS, BATCH).toList();
                if (rows.isEmpty()) {
                    return 0;
                }
                List<Envelope> envelopes = new ArrayList<>(rows.size());
                for (DbRow r : rows) {
                    try {
                        envelopes.add(codec.decode(Db.string(r, "envelope").getBytes(StandardCharsets.UTF_8)));
                    } catch (RuntimeException e) {
                        LOG.log(Level.SEVERE, "dropping undecodable outbox row " + Db.longValue(r, "id"), e);
                    }
                }
                publisher.publishAll(envelopes); // throws: the transaction rolls back, rows stay
                LOG.log(Level.INFO, "outbox relay republished {0} events", envelopes.size());
                return envelopes.size();
            });
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "outbox relay pass failed, will retry", e);
            return 0;
        }
    }

    @Override
    public void close() {
        relay.shutdownNow();
        sweep();
    }
}
