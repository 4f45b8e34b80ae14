package dev.chat.api.attachments;

import dev.chat.api.accounts.Authenticator;
import dev.chat.api.http.ChatException;
import dev.chat.api.http.Json;
import dev.chat.api.http.Params;
import dev.chat.protocol.ErrorCode;
import dev.chat.tokens.AccessClaims;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /api/attachments}: start an upload, send its chunks (raw bytes, any order, idempotent),
 * see what arrived, complete it; then read it as its uploader or as a member of the conversation
 * it was sent in. Downloads carry the sniffed type, {@code nosniff}, a {@code Content-Disposition}
 * with the name, and a sandboxing CSP, and honour a single {@code Range}.
 */
public final class AttachmentService implements HttpService {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
    private static final String IMMUTABLE = "private, max-age=31536000, immutable";

    private final AttachmentStore attachments;
    private final Authenticator auth;
    private final Json json;

    public AttachmentService(AttachmentStore attachments, Authenticator auth, Json json) {
        this.attachments = attachments;
        this.auth = auth;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/attachments", (req, res) ->
                        json.send(res, Status.CREATED_201, attachments.start(auth.require(req).userId(), json.body(req))))
                .get("/attachments/{id}", (req, res) -> json.ok(res, attachments.status(auth.require(req).userId(), id(req))))
                .put("/attachments/{id}/chunks/{index}", this::chunk)
                .post("/attachments/{id}/complete", (req, res) ->
                        json.ok(res, attachments.complete(auth.require(req).userId(), id(req))))
                .get("/attachments/{id}/content", this::content)
                .get("/attachments/{id}/thumbnail", this::thumbnail);
    }

    private void chunk(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID id = id(req);
        int index;
        try {
            index = Integer.parseInt(req.path().pathParameters().get("index"));
        } catch (NumberFormatException e) {
            throw ChatException.validation("The chunk index must be a whole number.");
        }
        byte[] data;
        try (InputStream in = req.content().inputStream()) {
            data = in.readNBytes(AttachmentStore.CHUNK_SIZE + 1);
        } catch (IOException | RuntimeException e) {
            throw ChatException.validation("The chunk could not be read.");
        }
        json.ok(res, attachments.putChunk(me.userId(), id, index, data));
    }

    private void content(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        AttachmentStore.Stored a = attachments.readable(me.userId(), id(req)).orElseThrow(AttachmentService::notFound);
        boolean download = req.query().first("download").asOptional().isPresent();
        long start = 0;
        long end = a.size() - 1;
        Status status = Status.OK_200;
        var range = req.headers().first(HeaderNames.RANGE);
        if (range.isPresent()) {
            Matcher m = RANGE.matcher(range.get().strip());
            long[] span = m.matches() ? span(m.group(1), m.group(2), a.size()) : null;
            if (span == null) {
                res.header(HeaderNames.CONTENT_RANGE, "bytes */" + a.size());
                throw new ChatException(ErrorCode.RANGE_NOT_SATISFIABLE,
                        "Ask for one range of bytes within 0-" + (a.size() - 1) + ", as 'bytes=first-last'.");
            }
            start = span[0];
            end = span[1];
            status = Status.PARTIAL_CONTENT_206;
            res.header(HeaderNames.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + a.size());
        }
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, a.contentType());
        res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(end - start + 1));
        res.header(HeaderNames.ACCEPT_RANGES, "bytes");
        res.header(HeaderNames.CACHE_CONTROL, IMMUTABLE);
        res.header(HeaderNames.create("Content-Disposition"), disposition(
                !download && ContentSniffer.inline(a.contentType()) ? "inline" : "attachment", a.name()));
        // a stored file is never a page of ours: no script, no plugins, even if opened on its own
        res.header(HeaderNames.create("Content-Security-Policy"), "default-src 'none'; media-src 'self'; img-src 'self'; sandbox");
        try (OutputStream out = res.outputStream()) {
            for (int i = (int) (start / a.chunkSize()); (long) i * a.chunkSize() <= end; i++) {
                byte[] chunk = attachments.chunk(a.id(), i);
                long chunkStart = (long) i * a.chunkSize();
                int from = (int) Math.max(0, start - chunkStart);
                int to = (int) Math.min(chunk.length, end - chunkStart + 1);
                out.write(chunk, from, to - from);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("download of " + a.id() + " cut short", e);
        }
    }

    private void thumbnail(ServerRequest req, ServerResponse res) {
        AccessClaims me = auth.require(req);
        UUID id = id(req);
        attachments.readable(me.userId(), id).orElseThrow(AttachmentService::notFound);
        byte[] thumbnail = attachments.thumbnail(id)
                .orElseThrow(() -> new ChatException(ErrorCode.NOT_FOUND, "This attachment has no thumbnail."));
        res.header(HeaderNames.CONTENT_TYPE, "image/jpeg");
        res.header(HeaderNames.CACHE_CONTROL, IMMUTABLE);
        res.header(HeaderNames.create("Content-Disposition"), "inline");
        res.send(thumbnail);
    }

    /** First and last byte of a {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n} range, or null. */
    static long[] span(String first, String last, long size) {
        try {
            if (first.isEmpty()) {
                long n = Long.parseLong(last);
                return n <= 0 ? null : new long[] {Math.max(0, size - n), size - 1};
            }
            long a = Long.parseLong(first);
            long b = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            return a > b || a >= size ? null : new long[] {a, b};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** RFC 6266: an ASCII fallback name and the exact UTF-8 one. */
    static String disposition(String type, String name) {
        String ascii = name.replaceAll("[^\\x20-\\x7e]", "_").replace("\"", "'").replace("\\", "_");
        String exact = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return type + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + exact;
    }

    private static UUID id(ServerRequest req) {
        return Params.pathId(req, "id", AttachmentService::notFound);
    }

    private static ChatException notFound() {
        return new ChatException(ErrorCode.ATTACHMENT_NOT_FOUND, "No such attachment.");
    }
}
