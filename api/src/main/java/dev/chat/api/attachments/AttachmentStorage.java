package dev.chat.api.attachments;

import io.helidon.dbclient.DbExecute;

import java.util.List;
import java.util.UUID;

/**
 * Where an attachment's bytes live, in the chunks they were uploaded in. The metadata (owner,
 * size, type, which message carries it) is always in PostgreSQL next to the messages; only the
 * bytes are behind this interface, so an S3-style object store can replace {@link PostgresChunkStorage}
 * (one object per chunk, or a multipart upload) without touching the rest.
 */
public interface AttachmentStorage {
    /** Stores chunk {@code index}; storing a chunk that is already there changes nothing. */
    void put(UUID attachment, int index, byte[] data);

    /** The indexes of the chunks held, ascending. */
    List<Integer> received(UUID attachment);

    /** Chunk {@code index}, which must have been stored. */
    byte[] get(UUID attachment, int index);

    /**
     * Replaces all chunks with {@code bytes} cut in chunks of {@code chunkSize} (a picture
     * rewritten without its metadata), as part of the metadata transaction {@code tx}: the new
     * bytes stand if and only if it commits, together with the size it records.
     */
    void replace(DbExecute tx, UUID attachment, byte[] bytes, int chunkSize);

    /** Forgets the bytes. */
    void delete(UUID attachment);
}
