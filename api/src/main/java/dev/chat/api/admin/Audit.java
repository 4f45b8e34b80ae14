package dev.chat.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.db.Db;
import dev.chat.tokens.AccessClaims;
import io.helidon.dbclient.DbExecute;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The audit log: one row per admin action, written in the transaction of the action itself. */
final class Audit {
    private static final ObjectMapper MAPPER = dev.chat.fanout.Mappers.create();

    /** One action: who did what to what, when and why. */
    record Entry(long id, Instant at, Actor actor, String action, String targetType, String targetId, String reason,
                 JsonNode details) {
    }

    record Actor(UUID id, String username) {
    }

    private Audit() {
    }

    static void record(DbExecute tx, AccessClaims actor, String action, String targetType, String targetId, String reason,
                       ObjectNode details) {
        tx.insert("""
                INSERT INTO audit_log (actor_id, actor_name, action, target_type, target_id, reason, details)
                VALUES (?::uuid, ?, ?, ?, ?, ?, ?::jsonb)""",
                actor.userId(), actor.username(), action, targetType, targetId, reason, details.toString());
    }

    /** Newest first, filtered by any of action, actor and target; {@code before} is the id to page from. */
    static List<Entry> page(DbExecute exec, String action, UUID actor, String target, Long before, int limit) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (action != null) {
            where.add("action = ?");
            params.add(action);
        }
        if (actor != null) {
            where.add("actor_id = ?::uuid");
            params.add(actor);
        }
        if (target != null) {
            where.add("target_id = ?");
            params.add(target);
        }
        if (before != null) {
            where.add("id < ?");
            params.add(before);
        }
        params.add(limit);
        String filter = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        return exec.query("SELECT id, at, actor_id, actor_name, action, target_type, target_id, reason, details::text AS details"
                        + " FROM audit_log" + filter + " ORDER BY id DESC LIMIT ?", params.toArray())
                .map(r -> new Entry(Db.longValue(r, "id"), Db.instant(r, "at"),
                        new Actor(Db.isNull(r, "actor_id") ? null : Db.uuid(r, "actor_id"), Db.string(r, "actor_name")),
                        Db.string(r, "action"), Db.string(r, "target_type"), Db.string(r, "target_id"),
                        Db.isNull(r, "reason") ? null : Db.string(r, "reason"), details(Db.string(r, "details"))))
                .toList();
    }

    private static JsonNode details(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            return MAPPER.createObjectNode();
        }
    }
}
