package dev.chat.api.calls;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The SQL of huddles (tables {@code huddles}, {@code huddle_participants}, V15). Stateless; every method runs in the caller's transaction. */
final class HuddleStore {
    /** A huddle as stored: live while {@code endedAt} is null. */
    record Huddle(UUID id, UUID conversation, UUID startedBy, Instant startedAt, Instant endedAt, long version) {
        boolean live() {
            return endedAt == null;
        }
    }

    /** Someone in a huddle, on the device of {@code session}. */
    record Participant(UUID user, UUID session, boolean audio, boolean video, boolean screen, Instant joinedAt) {
    }

    private static final String COLUMNS = "id, conversation_id, started_by, started_at, ended_at, version";

    /** Serialises the changes of one channel's huddle: "is one live, is it full?" and joining are then one step. */
    void lockChannel(DbExecute tx, UUID conversation) {
        tx.get("SELECT pg_advisory_xact_lock(hashtextextended('huddle:' || ?, 0))::text AS l", conversation.toString());
    }

    Optional<Huddle> live(DbExecute tx, UUID conversation) {
        return tx.get("SELECT " + COLUMNS + " FROM huddles WHERE conversation_id = ?::uuid AND ended_at IS NULL", conversation)
                .map(HuddleStore::huddle);
    }

    Optional<Huddle> byId(DbExecute tx, UUID id) {
        return tx.get("SELECT " + COLUMNS + " FROM huddles WHERE id = ?::uuid", id).map(HuddleStore::huddle);
    }

    Huddle start(DbExecute tx, UUID id, UUID conversation, UUID user) {
        return huddle(tx.get("INSERT INTO huddles (id, conversation_id, started_by) VALUES (?::uuid, ?::uuid, ?::uuid) RETURNING "
                + COLUMNS, id, conversation, user).orElseThrow());
    }

    List<Participant> participants(DbExecute tx, UUID huddle) {
        return tx.query("SELECT user_id, session, audio, video, screen, joined_at FROM huddle_participants "
                + "WHERE huddle_id = ?::uuid ORDER BY joined_at, user_id", huddle).map(HuddleStore::participant).toList();
    }

    /** Whether {@code user} is in a live huddle of another channel. */
    boolean inOther(DbExecute tx, UUID user, UUID conversation) {
        return tx.get("SELECT 1 AS one FROM huddle_participants p JOIN huddles h ON h.id = p.huddle_id "
                + "WHERE p.user_id = ?::uuid AND h.ended_at IS NULL AND h.conversation_id <> ?::uuid LIMIT 1", user, conversation).isPresent();
    }

    /** Whether {@code user} is in a live huddle (any channel, any device): for calls, that is being in a call. */
    boolean inAny(DbExecute tx, UUID user) {
        return tx.get("SELECT 1 AS one FROM huddle_participants p JOIN huddles h ON h.id = p.huddle_id "
                + "WHERE p.user_id = ?::uuid AND h.ended_at IS NULL LIMIT 1", user).isPresent();
    }

    /** Puts {@code user} in the huddle on this device (moving them from another), the screen not shared. */
    void place(DbExecute tx, UUID huddle, UUID user, UUID session, boolean audio, boolean video) {
        tx.dml("INSERT INTO huddle_participants (huddle_id, user_id, session, audio, video) VALUES (?::uuid, ?::uuid, ?::uuid, ?, ?) "
                + "ON CONFLICT (huddle_id, user_id) DO UPDATE SET session = excluded.session, audio = excluded.audio, "
                + "video = excluded.video, screen = false", huddle, user, session, audio, video);
    }

    /** Takes {@code user}'s place on {@code session} (any session when null) out of the huddle; whether there was one. */
    boolean remove(DbExecute tx, UUID huddle, UUID user, UUID session) {
        return session == null
                ? tx.dml("DELETE FROM huddle_participants WHERE huddle_id = ?::uuid AND user_id = ?::uuid", huddle, user) > 0
                : tx.dml("DELETE FROM huddle_participants WHERE huddle_id = ?::uuid AND user_id = ?::uuid AND session = ?::uuid",
                        huddle, user, session) > 0;
    }

    boolean media(DbExecute tx, UUID huddle, UUID user, UUID session, boolean audio, boolean video, boolean screen) {
        return tx.dml("UPDATE huddle_participants SET audio = ?, video = ?, screen = ? "
                + "WHERE huddle_id = ?::uuid AND user_id = ?::uuid AND session = ?::uuid", audio, video, screen, huddle, user, session) > 0;
    }

    /** A new version of the huddle; ended when {@code end}. */
    Huddle changed(DbExecute tx, UUID huddle, boolean end) {
        return huddle(tx.get("UPDATE huddles SET version = version + 1, ended_at = CASE WHEN ? THEN clock_timestamp() END "
                + "WHERE id = ?::uuid RETURNING " + COLUMNS, end, huddle).orElseThrow());
    }

    /** The live huddles {@code user} is in. */
    List<UUID> liveOf(DbExecute db, UUID user) {
        return db.query("SELECT h.id FROM huddles h JOIN huddle_participants p ON p.huddle_id = h.id "
                + "WHERE p.user_id = ?::uuid AND h.ended_at IS NULL", user).map(r -> Db.uuid(r, "id")).toList();
    }

    private static Huddle huddle(DbRow r) {
        return new Huddle(Db.uuid(r, "id"), Db.uuid(r, "conversation_id"), Db.uuid(r, "started_by"), Db.instant(r, "started_at"),
                Db.value(r, "ended_at") == null ? null : Db.instant(r, "ended_at"), Db.longValue(r, "version"));
    }

    private static Participant participant(DbRow r) {
        return new Participant(Db.uuid(r, "user_id"), Db.uuid(r, "session"), (Boolean) Db.value(r, "audio"),
                (Boolean) Db.value(r, "video"), (Boolean) Db.value(r, "screen"), Db.instant(r, "joined_at"));
    }
}
