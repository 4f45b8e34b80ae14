package dev.chat.api.messaging;

import dev.chat.api.db.Db;
import dev.chat.protocol.Message;
import io.helidon.dbclient.DbRow;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A message as every read of one returns it (history pages, a send's retry, search results): the
 * one SQL shape of its columns and joins, and the record made of such a row. Stateless.
 */
public final class MessageRows {
    /**
     * A message with what it shows: the quoted message of a reply, its attachment and its
     * reactions (aggregated per emoji in the statement: one index range per message, and none for
     * a message never changed, since every reaction stamps its message's version). Used with
     * {@link #JOINS} on {@code messages m}.
     */
    static final String COLUMNS = """
            m.conversation_id, m.seq, m.sender_id, m.client_msg_id, m.body, m.created_at, m.edited_at, m.deleted_at, m.version,
            q.seq AS q_seq, q.sender_id AS q_sender_id, left(q.body, 200) AS q_body, q.deleted_at IS NOT NULL AS q_deleted,
            qa.kind AS q_kind, qa.name AS q_name,
            a.id AS a_id, a.name AS a_name, a.size AS a_size, a.content_type AS a_type, a.kind AS a_kind,
            a.width AS a_width, a.height AS a_height, a.thumbnail IS NOT NULL AS a_thumbnail,
            a.duration_ms AS a_duration, array_to_json(a.waveform)::text AS a_waveform,
            CASE WHEN m.version > 0 THEN (
             SELECT json_agg(json_build_object('emoji', g.emoji, 'count', g.n, 'users', g.users) ORDER BY g.first, g.emoji)::text
             FROM (SELECT x.emoji, count(*) AS n, array_agg(x.user_id ORDER BY x.created_at, x.user_id) AS users,
                          min(x.created_at) AS first
                   FROM reactions x WHERE x.conversation_id = m.conversation_id AND x.seq = m.seq GROUP BY x.emoji) g) END AS reactions""";
    static final String JOINS = """
             LEFT JOIN messages q ON q.conversation_id = m.conversation_id AND q.seq = m.reply_to
             LEFT JOIN attachments qa ON qa.id = q.attachment_id
             LEFT JOIN attachments a ON a.id = m.attachment_id
            """;
    static final String SELECT = "SELECT " + COLUMNS + " FROM messages m" + JOINS;
    static final com.fasterxml.jackson.databind.ObjectMapper AGGREGATES = new com.fasterxml.jackson.databind.ObjectMapper();

    static Message message(DbRow r) {
        boolean deleted = !Db.isNull(r, "deleted_at");
        Message.Quote quote = Db.isNull(r, "q_seq") ? null : new Message.Quote(Db.longValue(r, "q_seq"), Db.uuid(r, "q_sender_id"),
                Db.string(r, "q_body"), Boolean.TRUE.equals(Db.value(r, "q_deleted")),
                Db.isNull(r, "q_kind") ? null : new Message.AttachmentBrief(Db.string(r, "q_kind"), Db.string(r, "q_name")));
        Message.Attachment attachment = deleted || Db.isNull(r, "a_id") ? null : new Message.Attachment(Db.uuid(r, "a_id"),
                Db.string(r, "a_name"), Db.longValue(r, "a_size"), Db.string(r, "a_type"), Db.string(r, "a_kind"),
                Db.integer(r, "a_width"), Db.integer(r, "a_height"), Boolean.TRUE.equals(Db.value(r, "a_thumbnail")),
                Db.integer(r, "a_duration"), waveform(Db.string(r, "a_waveform")));
        return new Message(Db.uuid(r, "conversation_id"), Db.longValue(r, "seq"), Db.uuid(r, "sender_id"),
                Db.string(r, "client_msg_id"), deleted ? "" : Db.string(r, "body"), Db.instant(r, "created_at"),
                Db.instant(r, "edited_at"), deleted, Db.longValue(r, "version"), quote, attachment,
                reactions(Db.string(r, "reactions")));
    }

    public static List<Integer> waveform(String json) {
        if (json == null) {
            return null;
        }
        try {
            return List.of(AGGREGATES.readValue(json, Integer[].class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable waveform from the database", e);
        }
    }

    /** The reactions aggregate of {@link #COLUMNS} (JSON built by PostgreSQL), or none. */
    static List<Message.Reaction> reactions(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            List<Message.Reaction> out = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode n : AGGREGATES.readTree(json)) {
                List<UUID> users = new ArrayList<>();
                n.get("users").forEach(u -> users.add(UUID.fromString(u.asText())));
                out.add(new Message.Reaction(n.get("emoji").asText(), n.get("count").asLong(), users));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable reactions from the database", e);
        }
    }

    private MessageRows() {
    }
}
