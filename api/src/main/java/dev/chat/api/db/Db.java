package dev.chat.api.db;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;
import io.helidon.dbclient.DbTransaction;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Thin helpers over Helidon DbClient: a transaction that always ends (commit on success, rollback
 * on any failure) and column readers for the PostgreSQL types used here.
 */
public final class Db {
    private final DbClient client;

    public Db(DbClient client) {
        this.client = client;
    }

    public DbClient client() {
        return client;
    }

    /** Runs {@code work} in one transaction; commits if it returns, rolls back if it throws. */
    public <T> T inTransaction(Function<DbTransaction, T> work) {
        DbTransaction tx = client.transaction();
        boolean done = false;
        try {
            T result = work.apply(tx);
            tx.commit();
            done = true;
            return result;
        } finally {
            if (!done) {
                try {
                    tx.rollback();
                } catch (RuntimeException ignored) {
                    // the original failure is what matters
                }
            }
        }
    }

    /**
     * For the rest of this transaction, statements run on a plan made once per connection and
     * reused, not one made for each call's parameters. For the batch statements of the message path
     * (a dozen CTEs whose every probe is by index whatever the batch holds) planning cost more than
     * executing: 40% of PostgreSQL's CPU at 100 messages a second (docs/BENCHMARKS.md). PostgreSQL
     * keeps choosing a fresh plan itself, because the generic plan assumes 10 rows per array and so
     * looks costlier than a plan for the one row a quiet batch holds.
     */
    public static void genericPlans(io.helidon.dbclient.DbExecute tx) {
        tx.dml("SET LOCAL plan_cache_mode = force_generic_plan");
    }

    /** The column's value, or null for SQL NULL (DbColumn.get() refuses nulls). */
    public static Object value(DbRow row, String column) {
        return row.column(column).get(Object.class);
    }

    public static UUID uuid(DbRow row, String column) {
        Object v = value(row, column);
        return v instanceof UUID u ? u : UUID.fromString(String.valueOf(v));
    }

    public static long longValue(DbRow row, String column) {
        return ((Number) value(row, column)).longValue();
    }

    /** An integer column that may be NULL. */
    public static Integer integer(DbRow row, String column) {
        Object v = value(row, column);
        return v == null ? null : ((Number) v).intValue();
    }

    public static String string(DbRow row, String column) {
        Object v = value(row, column);
        return v == null ? null : v.toString();
    }

    public static Instant instant(DbRow row, String column) {
        Object v = value(row, column);
        return switch (v) {
            case null -> null;
            case Timestamp t -> t.toInstant();
            case OffsetDateTime o -> o.toInstant();
            case Instant i -> i;
            default -> throw new IllegalStateException("not a timestamp: " + v.getClass());
        };
    }

    /** A {@code uuid[]} column as a list (empty for NULL). */
    public static List<UUID> uuids(DbRow row, String column) {
        Object v = value(row, column);
        Object[] values;
        try {
            values = switch (v) {
                case null -> new Object[0];
                case java.sql.Array array -> (Object[]) array.getArray();
                case Object[] array -> array;
                default -> throw new IllegalStateException("not an array: " + v.getClass());
            };
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("unreadable array column " + column, e);
        }
        List<UUID> out = new ArrayList<>(values.length);
        for (Object u : values) {
            out.add(u instanceof UUID id ? id : UUID.fromString(String.valueOf(u)));
        }
        return out;
    }

    public static boolean isNull(DbRow row, String column) {
        return value(row, column) == null;
    }

    /** A timestamp parameter PostgreSQL's driver binds as timestamptz. */
    public static OffsetDateTime timestamp(Instant at) {
        return OffsetDateTime.ofInstant(at, java.time.ZoneOffset.UTC);
    }

    /** A LIKE pattern matching what starts with {@code s}, the wildcards in {@code s} escaped. */
    public static String likePrefix(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** A LIKE pattern matching what contains {@code s} anywhere, the wildcards in {@code s} escaped. */
    public static String likeContains(String s) {
        return "%" + likePrefix(s);
    }

    /** True when a failure chain holds a PostgreSQL unique violation (SQLState 23505). */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
