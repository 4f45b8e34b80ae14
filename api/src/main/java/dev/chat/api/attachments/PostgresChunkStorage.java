package dev.chat.api.attachments;

import dev.chat.api.db.Db;
import io.helidon.dbclient.DbExecute;

import java.util.List;
import java.util.UUID;

/**
 * Attachment bytes in the {@code attachment_chunks} table: one row per uploaded chunk (512 KiB),
 * shared by every api instance, deleted with the attachment row by the foreign key. A chunk is
 * read whole, so a download streams one chunk at a time and never holds a whole file.
 */
public final class PostgresChunkStorage implements AttachmentStorage {
    private final Db db;

    public PostgresChunkStorage(Db db) {
        this.db = db;
    }

    @Override
    public void put(UUID attachment, int index, byte[] data) {
        db.client().execute().insert("""
                INSERT INTO attachment_chunks (attachment_id, idx, data) VALUES (?::uuid, ?, ?)
                ON CONFLICT (attachment_id, idx) DO NOTHING""", attachment, index, data);
    }

    @Override
    public List<Integer> received(UUID attachment) {
        return db.client().execute()
                .query("SELECT idx FROM attachment_chunks WHERE attachment_id = ?::uuid ORDER BY idx", attachment)
                .map(r -> (int) Db.longValue(r, "idx")).toList();
    }

    @Override
    public byte[] get(UUID attachment, int index) {
        return db.client().execute()
                .get("SELECT data FROM attachment_chunks WHERE attachment_id = ?::uuid AND idx = ?", attachment, index)
                .map(r -> r.column("data").get(byte[].class))
                .orElseThrow(() -> new IllegalStateException("chunk " + index + " of " + attachment + " is missing"));
    }

    @Override
    public void replace(DbExecute tx, UUID attachment, byte[] bytes, int chunkSize) {
        tx.delete("DELETE FROM attachment_chunks WHERE attachment_id = ?::uuid", attachment);
        for (int i = 0, at = 0; at < bytes.length; i++, at += chunkSize) {
            tx.insert("INSERT INTO attachment_chunks (attachment_id, idx, data) VALUES (?::uuid, ?, ?)",
                    attachment, i, java.util.Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + chunkSize)));
        }
    }

    @Override
    public void delete(UUID attachment) {
        db.client().execute().delete("DELETE FROM attachment_chunks WHERE attachment_id = ?::uuid", attachment);
    }
}
