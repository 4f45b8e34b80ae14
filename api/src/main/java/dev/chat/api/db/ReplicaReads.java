package dev.chat.api.db;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.DbExecute;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where a read that may be stale-free on a hot standby runs: the replica when it is safe, else the
 * primary. The rule (docs/ARCHITECTURE.md, "Reading from the replica") is linearizable, so it holds
 * read-your-writes and more: a read is served by the replica only once the replica has replayed the
 * primary's WAL up to where it stood when the read began ({@code pg_current_wal_insert_lsn()} on the
 * primary, {@code pg_last_wal_replay_lsn()} on the replica), so the page holds every write committed
 * anywhere before the request, the caller's own and those whose events the caller has already seen.
 * A replica that is behind gets {@link ReplicaSettings#maxWait()} to catch up; a replica that fails is
 * left alone for {@link #PAUSE} and its reads go to the primary.
 */
public final class ReplicaReads implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ReplicaReads.class.getName());
    /** How long a replica that failed is not asked again. */
    static final Duration PAUSE = Duration.ofSeconds(5);
    private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

    private final Db primary;
    private final DbClient replica;
    private final Duration wait;
    private final Counter fromReplica;
    private final Counter fromPrimary;
    private volatile long avoidUntil;

    private ReplicaReads(Db primary, DbClient replica, Duration wait, MeterRegistry meters) {
        this.primary = primary;
        this.replica = replica;
        this.wait = wait;
        this.fromReplica = Counter.builder("chat_history_reads").tag("source", "replica")
                .description("History pages read, by the server that served them").register(meters);
        this.fromPrimary = Counter.builder("chat_history_reads").tag("source", "primary")
                .description("History pages read, by the server that served them").register(meters);
    }

    /** Reads on {@code primary} and, when {@code settings} name one, on the replica. */
    public static ReplicaReads of(Db primary, ReplicaSettings settings, String user, String password, String instance,
                                  MeterRegistry meters) {
        DbClient replica = null;
        if (settings.replicaUrl().isPresent()) {
            Map<String, String> pool = new java.util.HashMap<>(Map.of(
                    "source", "jdbc",
                    "connection.url", settings.url(),
                    "connection.username", user,
                    "connection.password", password,
                    "connection.maximumPoolSize", String.valueOf(settings.poolSize()),
                    "connection.minimumIdle", "0",
                    "connection.readOnly", "true",
                    "connection.poolName", "chat-replica-" + instance));
            // a replica that is away costs one read this much, then PAUSE of primary reads; and
            // api starts without it
            pool.put("connection.connectionTimeout", "500");
            pool.put("connection.initializationFailTimeout", "-1");
            replica = DbClient.create(Config.just(ConfigSources.create(pool)));
        }
        return new ReplicaReads(primary, replica, settings.maxWait(), meters);
    }

    /**
     * Runs {@code read} where the rule allows: on the replica once it has replayed what the primary
     * held now, else on the primary. {@code read} must only read; its own failures (not found...)
     * are the caller's, as they would be on the primary.
     */
    public <T> T read(Function<DbExecute, T> read) {
        Optional<DbExecute> onReplica = replicaCaughtUp();
        if (onReplica.isPresent()) {
            try {
                T result = read.apply(onReplica.get());
                fromReplica.increment();
                return result;
            } catch (RuntimeException e) {
                if (!failed(e)) {
                    throw e;   // the read's own answer (not found...), as the primary would give it
                }
                avoid(e);
            }
        }
        T result = read.apply(primary.client().execute());
        fromPrimary.increment();
        return result;
    }

    /** The replica, if it is there and has replayed up to the primary's WAL position of now (waiting up to the settings' maxWait). */
    private Optional<DbExecute> replicaCaughtUp() {
        if (replica == null || System.nanoTime() - avoidUntil < 0) {
            return Optional.empty();
        }
        String lsn = Db.string(primary.client().execute().get("SELECT pg_current_wal_insert_lsn()::text AS lsn").orElseThrow(), "lsn");
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            DbExecute exec = replica.execute();
            while (true) {
                // NULL (not a standby): never caught up, so a primary named as replica serves nothing
                if (Boolean.TRUE.equals(Db.value(exec.get("SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn AS caught", lsn)
                        .orElseThrow(), "caught"))) {
                    return Optional.of(exec);
                }
                if (System.nanoTime() - deadline >= 0) {
                    return Optional.empty();
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (RuntimeException e) {
            avoid(e);
            return Optional.empty();
        }
    }

    /** Whether {@code e} is the database failing (the connection, the server), not the read's own outcome. */
    private static boolean failed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DbClientException || t instanceof java.sql.SQLException) {
                return true;
            }
        }
        return false;
    }

    private void avoid(RuntimeException e) {
        avoidUntil = System.nanoTime() + PAUSE.toNanos();
        LOG.log(Level.WARNING, "the replica failed; history is read on the primary for " + PAUSE.toSeconds() + " s: " + e.getMessage());
    }

    @Override
    public void close() {
        if (replica != null) {
            replica.close();
        }
    }
}
