package dev.chat.api.attachments;

import dev.chat.api.RateLimits;
import dev.chat.api.db.Db;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.JsonBody;
import dev.chat.api.http.RateLimiter;
import dev.chat.api.http.Views;
import dev.chat.api.messaging.ConversationStore;
import dev.chat.protocol.ErrorCode;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Attachments from upload to message: an upload is started for a conversation, filled with
 * chunks in any order (each idempotent, so a dropped connection resumes with what {@code received}
 * lacks), completed (the bytes are sniffed and checked against the declared type, pictures lose
 * their metadata and get a thumbnail), then claimed by exactly one message in the send's
 * transaction. Reading is allowed to the uploader and to the members of the conversation whose
 * message carries it. Uploads never sent are forgotten after {@link #ABANDONED}.
 */
public final class AttachmentStore {
    public static final int CHUNK_SIZE = 512 * 1024;
    static final Duration ABANDONED = Duration.ofHours(24);
    static final int MAX_WAVEFORM = 200;
    static final int MAX_VOICE_MS = 15 * 60 * 1000;
    private static final Pattern MEDIA_TYPE = Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}");
    private static final String COLUMNS = """
            id, conversation_id, owner_id, name, size, content_type, chunk_size, kind, voice, width, height,
            duration_ms, array_to_json(waveform)::text AS waveform, thumbnail IS NOT NULL AS has_thumbnail, completed_at""";

    private final Db db;
    private final AttachmentStorage storage;
    private final long maxBytes;
    private final RateLimiter limiter;
    private final RateLimits.Rate uploadsPerUser;
    /** Pictures cleaned and decoded at once, each holding up to two copies of a file in memory. */
    static final int PICTURES_AT_ONCE = 2;
    /** How long a completion waits for its turn before it is told to try again (503). */
    static final Duration PICTURE_WAIT = Duration.ofSeconds(30);
    private final Semaphore pictures = new Semaphore(PICTURES_AT_ONCE, true);

    public AttachmentStore(Db db, AttachmentStorage storage, long maxBytes, RateLimiter limiter, RateLimits.Rate uploadsPerUser) {
        this.db = db;
        this.storage = storage;
        this.maxBytes = maxBytes;
        this.limiter = limiter;
        this.uploadsPerUser = uploadsPerUser;
    }

    /** An attachment as stored; {@code complete} once its bytes were checked. */
    record Stored(UUID id, UUID conversation, UUID owner, String name, long size, String contentType, int chunkSize,
                  String kind, boolean voice, Integer width, Integer height, Integer durationMs, List<Integer> waveform,
                  boolean thumbnail, boolean complete) {
        int chunks() {
            return (int) ((size + chunkSize - 1) / chunkSize);
        }

        /** The exact length chunk {@code index} must have. */
        int chunkLength(int index) {
            return (int) Math.min(chunkSize, size - (long) index * chunkSize);
        }
    }

    /** Starts an upload into {@code conversation}, of which {@code owner} must be a member. */
    Views.Upload start(UUID owner, JsonBody body) {
        UUID conversation = body.optionalUuid("conversation");
        if (conversation == null) {
            throw ChatException.validation("'conversation' is required: the conversation the file will be sent in.");
        }
        String name = body.string("name", 1, 255);
        if (name.contains("/") || name.contains("\\") || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw ChatException.validation("'name' must be a file name: no '/', '\\\\' or control characters.");
        }
        Long size = body.optionalLong("size", 1, Long.MAX_VALUE);
        if (size == null) {
            throw ChatException.validation("'size' is required: the file's length in bytes.");
        }
        if (size > maxBytes) {
            throw new ChatException(ErrorCode.ATTACHMENT_TOO_LARGE,
                    "Files can be at most " + maxBytes + " bytes (" + (maxBytes >> 20) + " MiB); this one is " + size + ".");
        }
        String declared = mediaType(body.optionalString("contentType", 0, 255).orElse(""));
        Voice voice = Voice.from(body.node().get("voice"));
        DbExecute exec = db.client().execute();
        if (!exec.get("SELECT 1 AS one FROM conversation_members WHERE conversation_id = ?::uuid AND user_id = ?::uuid",
                conversation, owner).isPresent()) {
            throw new ChatException(ErrorCode.CONVERSATION_NOT_FOUND, "No such conversation.");
        }
        limiter.hit(RateLimiter.Kind.UPLOADS, owner.toString(), uploadsPerUser);
        UUID id = Db.uuid(exec.get("""
                INSERT INTO attachments (owner_id, conversation_id, name, size, content_type, chunk_size, voice, duration_ms, waveform)
                VALUES (?::uuid, ?::uuid, ?, ?, ?, ?, ?, ?, ?::smallint[]) RETURNING id""",
                owner, conversation, name, size, declared, CHUNK_SIZE, voice != null,
                voice == null ? null : voice.durationMs(), voice == null ? null : voice.sqlArray()).orElseThrow(), "id");
        return view(owned(owner, id), List.of());
    }

    /** The upload as its owner sees it, with the chunks held. */
    Views.Upload status(UUID owner, UUID id) {
        Stored a = owned(owner, id);
        return view(a, a.complete() ? all(a) : storage.received(id));
    }

    /** Stores one chunk (again, harmlessly, if it is already there). */
    Views.Upload putChunk(UUID owner, UUID id, int index, byte[] data) {
        Stored a = owned(owner, id);
        if (a.complete()) {
            return view(a, all(a));
        }
        if (index < 0 || index >= a.chunks()) {
            throw ChatException.validation("Chunk index " + index + " is out of range: this upload has chunks 0 to " + (a.chunks() - 1) + ".");
        }
        if (data.length != a.chunkLength(index)) {
            throw ChatException.validation("Chunk " + index + " must be " + a.chunkLength(index) + " bytes; " + data.length + " came.");
        }
        storage.put(id, index, data);
        return view(a, storage.received(id));
    }

    /**
     * Checks the complete file: every chunk present, the bytes of the declared kind (else the
     * upload is discarded: 415), pictures rewritten without metadata and given a thumbnail.
     *
     * <p>The reading and the picture work happen before any transaction, so no database
     * connection is held while the CPU works or while waiting for another one. At most
     * {@link #PICTURES_AT_ONCE} pictures are worked on and stored at once, which bounds the memory
     * they take (a few copies of a file of up to 25 MiB each). The result is stored in one short
     * transaction under the upload's row lock; a concurrent completion that stored it first wins,
     * and both answer the same (the work is deterministic).
     */
    Views.Upload complete(UUID owner, UUID id) {
        Stored a = owned(owner, id);
        if (a.complete()) {
            return view(a, all(a));
        }
        List<Integer> received = storage.received(id);
        if (received.size() != a.chunks()) {
            List<Integer> missing = IntStream.range(0, a.chunks()).filter(i -> !received.contains(i)).boxed().toList();
            throw new ChatException(ErrorCode.ATTACHMENT_INCOMPLETE, "Chunks " + abbreviated(missing) + " have not arrived.");
        }
        byte[] first = storage.get(id, 0);
        byte[] head = first.length > ContentSniffer.HEAD ? java.util.Arrays.copyOf(first, ContentSniffer.HEAD) : first;
        String sniffed = ContentSniffer.sniff(head, a.contentType());
        if (ContentSniffer.contradicts(a.contentType(), sniffed) || a.voice() && !ContentSniffer.kind(sniffed).equals("audio")) {
            if (db.client().execute().delete("DELETE FROM attachments WHERE id = ?::uuid AND completed_at IS NULL", id) > 0) {
                storage.delete(id);
            }
            throw new ChatException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, a.voice()
                    ? "A voice message must be audio; these bytes are " + sniffed + ". Nothing was kept."
                    : "The file was declared " + a.contentType() + " but its bytes are " + sniffed + ". Nothing was kept.");
        }
        String kind = a.voice() ? "voice" : ContentSniffer.kind(sniffed);
        if (kind.equals("image")) {
            takePictureTurn();
            try {
                store(id, a.chunkSize(), picture(a, sniffed));
            } finally {
                pictures.release();
            }
        } else {
            store(id, a.chunkSize(), new Checked(sniffed, kind, a.size(), null, null));
        }
        Stored done = owned(owner, id);
        return view(done, all(done));
    }

    /** Stores what completion found, once: a concurrent completion that stored it first wins. */
    private void store(UUID id, int chunkSize, Checked checked) {
        db.inTransaction(tx -> {
            // FOR NO KEY UPDATE: chunk rows, whose foreign key takes a key-share lock, may still be written
            DbRow row = tx.get("SELECT completed_at FROM attachments WHERE id = ?::uuid FOR NO KEY UPDATE", id)
                    .orElseThrow(() -> new ChatException(ErrorCode.ATTACHMENT_NOT_FOUND, "No such attachment."));
            if (!Db.isNull(row, "completed_at")) {
                return null; // a concurrent completion stored it first
            }
            if (checked.rewritten() != null) {
                storage.replace(tx, id, checked.rewritten(), chunkSize);
            }
            Images.Processed shown = checked.picture();
            tx.update("""
                    UPDATE attachments SET content_type = ?, kind = ?, size = ?, width = ?, height = ?, thumbnail = ?,
                        completed_at = now()
                    WHERE id = ?::uuid""",
                    checked.contentType(), checked.kind(), checked.size(), shown == null ? null : shown.width(),
                    shown == null ? null : shown.height(), shown == null ? null : shown.thumbnail(), id);
            return null;
        });
    }

    /** Waits for one of the {@link #PICTURES_AT_ONCE} turns, holding no database connection meanwhile. */
    private void takePictureTurn() {
        try {
            if (!pictures.tryAcquire(PICTURE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "Busy with other pictures; complete the upload again in a moment.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "Interrupted; complete the upload again.");
        }
    }

    /** What completion found: the type and kind, the size, the bytes if they were rewritten, the picture's size and thumbnail. */
    private record Checked(String contentType, String kind, long size, byte[] rewritten, Images.Processed picture) {
    }

    /**
     * A picture without its metadata, with its size and thumbnail; one that does not parse after
     * all (truncated, damaged) travels as the plain file it is, never inline.
     */
    private Checked picture(Stored a, String sniffed) {
        byte[] whole = assemble(a);
        byte[] clean;
        try {
            clean = Images.withoutMetadata(whole, sniffed);
        } catch (IllegalArgumentException damaged) {
            return new Checked("application/octet-stream", "file", a.size(), null, null);
        }
        byte[] rewritten = java.util.Arrays.equals(clean, whole) ? null : clean;
        return new Checked(sniffed, "image", clean.length, rewritten, Images.process(clean, sniffed).orElse(null));
    }

    /** The attachment, if {@code reader} may read it: its uploader, or a member where it was sent. */
    Optional<Stored> readable(UUID reader, UUID id) {
        return db.client().execute().get("SELECT " + COLUMNS + " " + """
                FROM attachments a WHERE a.id = ?::uuid AND a.completed_at IS NOT NULL AND (a.owner_id = ?::uuid OR EXISTS (
                    SELECT 1 FROM messages m JOIN conversation_members cm
                        ON cm.conversation_id = m.conversation_id AND cm.user_id = ?::uuid
                    WHERE m.attachment_id = a.id AND m.deleted_at IS NULL))""", id, reader, reader)
                .map(AttachmentStore::stored);
    }

    Optional<byte[]> thumbnail(UUID id) {
        return db.client().execute().get("SELECT thumbnail FROM attachments WHERE id = ?::uuid AND thumbnail IS NOT NULL", id)
                .map(r -> r.column("thumbnail").get(byte[].class));
    }

    byte[] chunk(UUID id, int index) {
        return storage.get(id, index);
    }

    /**
     * Makes the attachment the send's, in the send's transaction: it must be the sender's, for
     * this conversation, complete, and carried by no other message. The row lock makes two sends
     * of one attachment queue up, and the second one fail.
     */
    public void claim(DbExecute tx, UUID sender, UUID conversation, UUID id) {
        Optional<DbRow> row = tx.get("""
                SELECT completed_at FROM attachments
                WHERE id = ?::uuid AND owner_id = ?::uuid AND conversation_id = ?::uuid FOR UPDATE""", id, sender, conversation);
        if (row.isEmpty()) {
            throw new ChatException(ErrorCode.ATTACHMENT_NOT_FOUND, "No attachment " + id + " of yours for this conversation.");
        }
        if (Db.isNull(row.get(), "completed_at")) {
            throw new ChatException(ErrorCode.ATTACHMENT_INCOMPLETE, "Attachment " + id + " is not complete: upload its chunks, then complete it.");
        }
        // a statement of its own, after the lock: it sees the message of a send that held the lock
        // before us and has committed (a subquery of the locking statement would not)
        if (tx.get("SELECT 1 AS one FROM messages WHERE attachment_id = ?::uuid", id).isPresent()) {
            throw new ChatException(ErrorCode.ATTACHMENT_IN_USE, "Attachment " + id + " was already sent in another message.");
        }
    }

    /** Forgets an attachment whose message was deleted (the bytes go with the row). */
    public static void discard(DbExecute tx, UUID id) {
        tx.delete("DELETE FROM attachments WHERE id = ?::uuid", id);
    }

    /** Deletes uploads never sent within {@link #ABANDONED}; returns how many. */
    public long sweepAbandoned() {
        return db.client().execute().delete("""
                DELETE FROM attachments a WHERE a.created_at < now() - make_interval(secs => ?)
                AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.attachment_id = a.id)""", ABANDONED.toSeconds());
    }

    private Stored owned(UUID owner, UUID id) {
        return db.client().execute().get("SELECT " + COLUMNS + " FROM attachments WHERE id = ?::uuid AND owner_id = ?::uuid", id, owner)
                .map(AttachmentStore::stored)
                .orElseThrow(() -> new ChatException(ErrorCode.ATTACHMENT_NOT_FOUND, "No such attachment."));
    }

    private static Stored stored(DbRow r) {
        return new Stored(Db.uuid(r, "id"), Db.uuid(r, "conversation_id"), Db.uuid(r, "owner_id"), Db.string(r, "name"),
                Db.longValue(r, "size"), Db.string(r, "content_type"), (int) Db.longValue(r, "chunk_size"),
                Db.string(r, "kind"), Boolean.TRUE.equals(Db.value(r, "voice")), Db.integer(r, "width"), Db.integer(r, "height"),
                Db.integer(r, "duration_ms"), dev.chat.api.messaging.MessageRows.waveform(Db.string(r, "waveform")),
                Boolean.TRUE.equals(Db.value(r, "has_thumbnail")), !Db.isNull(r, "completed_at"));
    }

    private static Views.Upload view(Stored a, List<Integer> received) {
        return new Views.Upload(a.id(), a.conversation(), a.name(), a.size(), a.contentType(), a.kind(), a.chunkSize(),
                a.chunks(), received, a.complete(), a.width(), a.height(), a.thumbnail(), a.durationMs(), a.waveform());
    }

    private static List<Integer> all(Stored a) {
        return IntStream.range(0, a.chunks()).boxed().toList();
    }

    private byte[] assemble(Stored a) {
        byte[] whole = new byte[Math.toIntExact(a.size())];
        int at = 0;
        for (int i = 0; i < a.chunks(); i++) {
            byte[] chunk = storage.get(a.id(), i);
            System.arraycopy(chunk, 0, whole, at, chunk.length);
            at += chunk.length;
        }
        return whole;
    }

    private static String abbreviated(List<Integer> missing) {
        return missing.size() <= 20 ? missing.toString() : missing.subList(0, 20) + " and " + (missing.size() - 20) + " more";
    }

    /** A declared type, lower case without parameters; anything unparseable is "anything". */
    static String mediaType(String declared) {
        String t = declared.toLowerCase(Locale.ROOT);
        int semicolon = t.indexOf(';');
        if (semicolon >= 0) {
            t = t.substring(0, semicolon);
        }
        t = t.strip();
        return MEDIA_TYPE.matcher(t).matches() ? t : "application/octet-stream";
    }

    /** A voice message's duration and waveform peaks, computed once by the recording client. */
    record Voice(int durationMs, List<Integer> waveform) {
        static Voice from(com.fasterxml.jackson.databind.JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                throw ChatException.validation("'voice' must be an object: {durationMs, waveform}.");
            }
            com.fasterxml.jackson.databind.JsonNode d = node.get("durationMs");
            if (d == null || !d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() < 1 || d.asInt() > MAX_VOICE_MS) {
                throw ChatException.validation("'voice.durationMs' must be a whole number from 1 to " + MAX_VOICE_MS + ".");
            }
            com.fasterxml.jackson.databind.JsonNode w = node.get("waveform");
            if (w == null || !w.isArray() || w.isEmpty() || w.size() > MAX_WAVEFORM) {
                throw ChatException.validation("'voice.waveform' must be a list of 1 to " + MAX_WAVEFORM + " peaks.");
            }
            List<Integer> peaks = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode p : w) {
                if (!p.isIntegralNumber() || !p.canConvertToInt() || p.asInt() < 0 || p.asInt() > 255) {
                    throw ChatException.validation("'voice.waveform' peaks must be whole numbers from 0 to 255.");
                }
                peaks.add(p.asInt());
            }
            return new Voice(d.asInt(), List.copyOf(peaks));
        }

        String sqlArray() {
            return waveform.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
        }
    }
}
