package dev.chat.api.calls;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The SQL of calls (table {@code calls}, V14). Stateless; every method runs in the caller's transaction. */
final class CallStore {
    private static final String COLUMNS = """
            id, conversation_id, caller_id, callee_id, caller_session, callee_session, video, state, end_reason,
            ended_by, created_at, answered_at, ended_at""";

    /** One call as stored. {@code calleeSession}: the device that answered, null before. */
    record Call(UUID id, UUID conversation, UUID caller, UUID callee, UUID callerSession, UUID calleeSession, boolean video,
                String state, String reason, UUID endedBy, Instant createdAt, Instant answeredAt, Instant endedAt) {
        boolean ended() {
            return "ended".equals(state);
        }

        /** The other person of the call. */
        UUID peerOf(UUID user) {
            return user.equals(caller) ? callee : caller;
        }

        /** How long it was answered: 0 if never. */
        long durationMs() {
            return answeredAt == null || endedAt == null ? 0 : Math.max(0, endedAt.toEpochMilli() - answeredAt.toEpochMilli());
        }
    }

    /** The members of a conversation and its kind; empty when there is no such conversation. */
    record Members(String kind, List<UUID> users) {
    }

    Members members(DbExecute tx, UUID conversation) {
        List<DbRow> rows = tx.query("""
                SELECT c.kind, m.user_id FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id
                WHERE c.id = ?::uuid ORDER BY m.user_id""", conversation).toList();
        return new Members(rows.isEmpty() ? "" : Db.string(rows.getFirst(), "kind"),
                rows.stream().map(r -> Db.uuid(r, "user_id")).toList());
    }

    /**
     * Serialises call changes of these two people (in one order, so two transactions never wait on
     * each other): "is either of them in a call?" and starting one are then one step.
     */
    void lockPeople(DbExecute tx, UUID a, UUID b) {
        UUID first = a.compareTo(b) < 0 ? a : b;
        UUID second = first.equals(a) ? b : a;
        tx.get("SELECT pg_advisory_xact_lock(hashtextextended('call:' || ?, 0))::text AS l", first.toString());
        tx.get("SELECT pg_advisory_xact_lock(hashtextextended('call:' || ?, 0))::text AS l", second.toString());
    }

    /** Whether {@code user} is in a call that has not ended, other than {@code except}. */
    boolean inCall(DbExecute tx, UUID user, UUID except) {
        return tx.get("""
                SELECT 1 AS one FROM calls WHERE state <> 'ended' AND id <> ?::uuid AND (caller_id = ?::uuid OR callee_id = ?::uuid)
                LIMIT 1""", except, user, user).isPresent();
    }

    Optional<Call> byId(DbExecute tx, UUID id) {
        return tx.get("SELECT " + COLUMNS + " FROM calls WHERE id = ?::uuid FOR UPDATE", id).map(CallStore::call);
    }

    /** The new call; empty when the id was taken meanwhile (by a call of two other people). */
    Optional<Call> insert(DbExecute tx, UUID id, UUID conversation, UUID caller, UUID callee, UUID callerSession, boolean video,
                          boolean busy) {
        return tx.get("INSERT INTO calls (id, conversation_id, caller_id, callee_id, caller_session, video, state, end_reason, ended_at) "
                        + "VALUES (?::uuid, ?::uuid, ?::uuid, ?::uuid, ?::uuid, ?, ?, ?, CASE WHEN ? THEN now() END) "
                        + "ON CONFLICT (id) DO NOTHING RETURNING " + COLUMNS,
                id, conversation, caller, callee, callerSession, video, busy ? "ended" : "ringing", busy ? "busy" : null, busy)
                .map(CallStore::call);
    }

    void ringing(DbExecute tx, UUID id) {
        tx.dml("UPDATE calls SET ringing_at = coalesce(ringing_at, now()) WHERE id = ?::uuid", id);
    }

    Call answer(DbExecute tx, UUID id, UUID session) {
        return call(tx.get("UPDATE calls SET state = 'active', callee_session = ?::uuid, answered_at = clock_timestamp() "
                + "WHERE id = ?::uuid RETURNING " + COLUMNS, session, id).orElseThrow());
    }

    /** Ends a live call; empty when it had ended already. */
    Optional<Call> end(DbExecute tx, UUID id, String reason, UUID by) {
        return tx.get("UPDATE calls SET state = 'ended', end_reason = ?, ended_by = ?::uuid, ended_at = clock_timestamp() "
                + "WHERE id = ?::uuid AND state <> 'ended' RETURNING " + COLUMNS, reason, by, id).map(CallStore::call);
    }

    /** Calls ringing longer than {@code timeoutMs}: each is ended as missed by whoever gets it first. */
    List<UUID> ringingLongerThan(DbExecute db, long timeoutMs) {
        return db.query("SELECT id FROM calls WHERE state = 'ringing' AND created_at < clock_timestamp() - ?::bigint * interval '1 millisecond' "
                + "ORDER BY created_at LIMIT 100", timeoutMs).map(r -> Db.uuid(r, "id")).toList();
    }

    /** The live calls {@code user} takes part in. */
    List<UUID> liveOf(DbExecute db, UUID user) {
        return db.query("SELECT id FROM calls WHERE state <> 'ended' AND (caller_id = ?::uuid OR callee_id = ?::uuid)", user, user)
                .map(r -> Db.uuid(r, "id")).toList();
    }

    private static Call call(DbRow r) {
        return new Call(Db.uuid(r, "id"), Db.uuid(r, "conversation_id"), Db.uuid(r, "caller_id"), Db.uuid(r, "callee_id"),
                Db.uuid(r, "caller_session"), nullableUuid(r, "callee_session"), (Boolean) Db.value(r, "video"),
                Db.string(r, "state"), Db.string(r, "end_reason"), nullableUuid(r, "ended_by"), Db.instant(r, "created_at"),
                Db.instant(r, "answered_at"), Db.instant(r, "ended_at"));
    }

    private static UUID nullableUuid(DbRow r, String column) {
        return Db.value(r, column) == null ? null : Db.uuid(r, column);
    }
}
