package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.protocol.ClientFrame;
import dev.chat.protocol.ErrorCode;
import dev.chat.protocol.Message;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attachments (issue 9): chunked, resumable, idempotent uploads; sending them as messages across
 * two ws-nodes; authorised downloads with sniffed types, nosniff, Content-Disposition and ranges;
 * server-made thumbnails with EXIF stripped; voice messages; bad input that stores nothing.
 */
@ExtendWith(ChatServers.class)
class AttachmentsIT {
    static final int CHUNK = 524_288;
    static final long MAX_BYTES = 26_214_400;
    private static final Duration WAIT = Duration.ofSeconds(10);

    // ---------------------------------------------------------------- upload, resume, send, download

    @Test
    void aChunkedUploadResumesIsSentOverTheSocketAndTheRecipientOnTheOtherNodeDownloadsTheSameBytes(ChatServers.Stack stack)
            throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Inbox anaWs = new TestClient.Inbox(ana.connect(stack.wsUrlA()));
        TestClient.Inbox bobWs = new TestClient.Inbox(bob.connect(stack.wsUrlB()));
        anaWs.take(ServerFrame.Welcome.class, WAIT);
        bobWs.take(ServerFrame.Welcome.class, WAIT);

        byte[] data = pdf(1_300_000, 1);
        String name = "Relatório 2026.pdf";
        TestClient.Response started = start(ana, chat, name, data.length, "application/pdf", null);
        assertEquals(201, started.status(), started.raw());
        JsonNode view = started.body();
        String id = view.get("id").asText();
        UUID.fromString(id);
        assertEquals(chat.toString(), view.get("conversation").asText());
        assertEquals(name, view.get("name").asText());
        assertEquals(data.length, view.get("size").asLong());
        assertEquals("application/pdf", view.get("contentType").asText(), "the declared type until completion");
        assertTrue(view.get("kind").isNull());
        assertEquals(CHUNK, view.get("chunkSize").asInt());
        assertEquals(3, view.get("chunks").asInt());
        assertEquals(Set.of(), received(view));
        assertFalse(view.get("complete").asBoolean());
        assertFalse(view.get("thumbnail").asBoolean());

        // chunk 0, then the network "drops": the client asks what the server holds and resumes,
        // this time through the other api instance (the storage is shared)
        JsonNode afterFirst = chunk(ana, id, data, 0);
        assertEquals(Set.of(0), received(afterFirst));
        TestClient anaViaB = ana.via(stack.apiUrlB());
        JsonNode resumed = anaViaB.get("/api/attachments/" + id).body();
        assertEquals(Set.of(0), received(resumed));
        assertFalse(resumed.get("complete").asBoolean());
        assertEquals(3, resumed.get("chunks").asInt());
        // the rest out of order, one chunk twice (a retry is a no-op 200)
        assertEquals(Set.of(0, 2), received(chunk(anaViaB, id, data, 2)));
        assertEquals(Set.of(0, 2), received(chunk(anaViaB, id, data, 2)));
        assertEquals(Set.of(0, 1, 2), received(chunk(anaViaB, id, data, 1)));
        assertEquals(Set.of(0, 1, 2), received(ana.get("/api/attachments/" + id).body()));
        assertEquals(3, count(stack, "SELECT count(*) FROM attachment_chunks WHERE attachment_id = ?::uuid", id),
                "a chunk sent twice is stored once");

        TestClient.Response completed = ana.post("/api/attachments/" + id + "/complete", null);
        assertEquals(200, completed.status(), completed.raw());
        JsonNode done = completed.body();
        assertTrue(done.get("complete").asBoolean());
        assertEquals("application/pdf", done.get("contentType").asText());
        assertEquals("file", done.get("kind").asText());
        assertTrue(done.get("width").isNull() && done.get("height").isNull());
        assertFalse(done.get("thumbnail").asBoolean());
        TestClient.Response again = ana.post("/api/attachments/" + id + "/complete", null);
        assertEquals(200, again.status(), "complete is idempotent: " + again.raw());
        assertTrue(again.body().get("complete").asBoolean());
        TestClient.Response late = ana.putBytes("/api/attachments/" + id + "/chunks/1", slice(data, 1));
        assertEquals(200, late.status(), "a chunk after completion is answered unchanged: " + late.raw());
        assertTrue(late.body().get("complete").asBoolean());

        // sent with a caption from ws-1; bob on ws-2 gets it with the attachment
        anaWs.send(sendFrame("f-1", chat, "with-file-0001", "the report", id, null));
        ServerFrame.Ack ack = assertInstanceOf(ServerFrame.Ack.class, anaWs.reply("f-1", WAIT));
        assertEquals(1, ack.seq());
        assertEquals(id, TestClient.message(ack).attachment().id().toString());
        ServerEvent.MessageCreated event = bobWs.take(ServerEvent.MessageCreated.class, WAIT);
        assertEquals(1, event.seq());
        Message m = event.message();
        assertEquals("the report", m.text());
        assertEquals(ana.id, m.senderId());
        assertAttachment(m.attachment(), id, name, data.length, "application/pdf", "file");
        assertFalse(m.attachment().thumbnail());
        assertNull(m.replyTo());
        assertEquals(List.of(), m.reactions());
        JsonNode page = bob.get("/api/conversations/" + chat + "/messages").body().get("messages");
        assertEquals(1, page.size());
        assertAttachment(page.get(0).get("attachment"), id, name, data.length, "application/pdf", "file");

        // the download (through the api instance that did not complete it): byte-identical, with its type, name and nosniff
        TestClient.Bytes content = bob.via(stack.apiUrlB()).download("/api/attachments/" + id + "/content");
        assertEquals(200, content.status());
        assertEquals(sha256(data), sha256(content.body()), "the recipient gets exactly the uploaded bytes");
        assertTrue(content.header("Content-Type").startsWith("application/pdf"), content.header("Content-Type"));
        assertEquals("nosniff", content.header("X-Content-Type-Options"));
        assertEquals(String.valueOf(data.length), content.header("Content-Length"));
        String disposition = content.header("Content-Disposition");
        assertNotNull(disposition, "Content-Disposition");
        assertTrue(disposition.startsWith("attachment"), "a document is never shown inline: " + disposition);
        assertEquals(name, filename(disposition), disposition);

        // ranges: inside one chunk, across the boundary of chunks 0 and 1, and to the end
        assertRange(bob, id, data, 1000, 1999, "bytes=1000-1999");
        assertRange(bob, id, data, CHUNK - 500, CHUNK + 499, "bytes=" + (CHUNK - 500) + "-" + (CHUNK + 499));
        assertRange(bob, id, data, data.length - 1000, data.length - 1, "bytes=" + (data.length - 1000) + "-");
        assertEquals(404, bob.download("/api/attachments/" + id + "/thumbnail").status(), "a document has no thumbnail");
    }

    @Test
    void onlyTheUploaderAndMembersOfTheConversationOfItsMessageSeeAnAttachmentAndEachIsSentOnce(ChatServers.Stack stack)
            throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = ana.openDirect("bob");
        UUID withEve = ana.openDirect("eve");
        byte[] data = pdf(200_000, 2);
        String id = upload(ana, chat, "plan.pdf", "application/pdf", data).get("id").asText();
        String path = "/api/attachments/" + id;

        // before it is sent: the uploader only
        assertEquals(sha256(data), sha256(ana.download(path + "/content").body()));
        assertAttachmentNotFound(bob.download(path + "/content"));
        assertAttachmentNotFound(bob.download(path + "/thumbnail"));
        assertProblem(bob.get(path), 404, "attachment_not_found");
        assertAttachmentNotFound(eve.download(path + "/content"));
        assertProblem(eve.get(path), 404, "attachment_not_found");
        // nobody else may add to it or complete it
        assertProblem(bob.putBytes(path + "/chunks/0", slice(data, 0)), 404, "attachment_not_found");
        assertProblem(eve.post(path + "/complete", null), 404, "attachment_not_found");
        // nor start one in a conversation they are not in
        assertProblem(start(eve, chat, "mine.pdf", 10, "application/pdf", null), 404, "conversation_not_found");

        // someone else's attachment id in a send, by REST and by socket: nothing stored
        assertProblem(sendWith(bob, chat, "bob-steals-0001", "look", id, null), 404, "attachment_not_found");
        TestClient.Inbox bobWs = new TestClient.Inbox(bob.connect(stack.wsUrlB()));
        bobWs.take(ServerFrame.Welcome.class, WAIT);
        bobWs.send(sendFrame("b-1", chat, "bob-steals-0002", "look", id, null));
        ServerFrame.Error denied = assertInstanceOf(ServerFrame.Error.class, bobWs.reply("b-1", WAIT));
        assertEquals(ErrorCode.ATTACHMENT_NOT_FOUND, denied.code());
        // an unknown id, and ana's own id in another conversation
        assertProblem(sendWith(ana, chat, "unknown-att-0001", "x", UUID.randomUUID().toString(), null), 404, "attachment_not_found");
        assertProblem(sendWith(ana, withEve, "wrong-chat-0001", "x", id, null), 404, "attachment_not_found");
        // an upload not yet complete
        byte[] twoChunks = pdf(CHUNK + 10, 3);
        String partial = start(ana, chat, "half.pdf", twoChunks.length, "application/pdf", null).body().get("id").asText();
        chunk(ana, partial, twoChunks, 0);
        assertProblem(sendWith(ana, chat, "incomplete-0001", "x", partial, null), 409, "attachment_incomplete");
        assertEquals(0, lastSeq(ana, chat));
        assertEquals(0, lastSeq(ana, withEve));
        assertEquals(0, CrossNodeMessagingIT.countMessages(stack, chat));
        assertEquals(0, CrossNodeMessagingIT.countMessages(stack, withEve));

        // sent: now bob (a member) may fetch it, eve still not
        TestClient.Response sent = sendWith(ana, chat, "plan-message-01", null, id, null);
        assertEquals(201, sent.status(), sent.raw());
        assertTrue(sent.body().get("text").isTextual(), "text is a string, never null: " + sent.raw());
        assertEquals("", sent.body().get("text").asText(), "with an attachment the caption is optional");
        assertEquals(id, sent.body().at("/attachment/id").asText());
        TestClient.Bytes bobs = bob.download(path + "/content");
        assertEquals(200, bobs.status());
        assertEquals(sha256(data), sha256(bobs.body()));
        assertAttachmentNotFound(eve.download(path + "/content"));
        assertAttachmentNotFound(eve.download(path + "/thumbnail"));
        assertAttachmentNotFound(eve.download(path + "/content?download=1"));
        assertProblem(eve.get(path), 404, "attachment_not_found");

        // a retry of the same send is the same message; the same attachment in another message is refused
        TestClient.Response retry = sendWith(ana, chat, "plan-message-01", null, id, null);
        assertEquals(200, retry.status(), "a retried send answers the same message: " + retry.raw());
        assertEquals(1, retry.body().get("seq").asLong());
        assertProblem(sendWith(ana, chat, "plan-message-02", "again", id, null), 409, "attachment_in_use");
        assertEquals(1, lastSeq(ana, chat));
        assertEquals(1, CrossNodeMessagingIT.countMessages(stack, chat));
    }

    // ---------------------------------------------------------------- bad input

    @Test
    void oversizedMalformedAndMislabelledUploadsAreRefusedAndLeaveNothing(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");

        assertProblem(start(ana, chat, "huge.bin", MAX_BYTES + 1, "application/octet-stream", null), 413, "attachment_too_large");
        TestClient.Response absurd = start(ana, chat, "huge.bin", Long.MAX_VALUE, "application/octet-stream", null);
        assertTrue(absurd.status() == 413 || absurd.status() == 400, "refused as too large or invalid, not " + absurd.raw());
        assertTrue(absurd.contentType().startsWith("application/problem+json"), absurd.raw());
        assertProblem(start(ana, chat, "empty.bin", 0, "application/octet-stream", null), 400, "validation_failed");
        assertProblem(start(ana, chat, "neg.bin", -5, "application/octet-stream", null), 400, "validation_failed");
        assertProblem(start(ana, chat, "", 10, "text/plain", null), 400, "validation_failed");
        assertProblem(start(ana, chat, "x".repeat(256), 10, "text/plain", null), 400, "validation_failed");
        assertProblem(start(ana, chat, "../../etc/passwd", 10, "text/plain", null), 400, "validation_failed");
        assertProblem(start(ana, chat, "a\\b.txt", 10, "text/plain", null), 400, "validation_failed");
        assertProblem(start(ana, chat, "bell\u0007.txt", 10, "text/plain", null), 400, "validation_failed");
        assertProblem(ana.post("/api/attachments", "{\"conversation\":\"" + chat + "\",\"name\":\"a.txt\",\"size\":\"10\",\"contentType\":\"text/plain\"}"),
                400, "validation_failed");
        assertProblem(start(ana, UUID.randomUUID(), "a.txt", 10, "text/plain", null), 404, "conversation_not_found");
        assertEquals(0, count(stack, "SELECT count(*) FROM attachments"), "nothing was created");
        // exactly the limit is allowed
        JsonNode atLimit = start(ana, chat, "big.bin", MAX_BYTES, "application/octet-stream", null).body();
        assertEquals(50, atLimit.get("chunks").asInt(), atLimit.toString());

        // chunks: wrong lengths and indexes out of range store nothing
        byte[] data = pdf(CHUNK + 75_712, 4);
        String id = start(ana, chat, "two.pdf", data.length, "application/pdf", null).body().get("id").asText();
        String chunks = "/api/attachments/" + id + "/chunks/";
        assertProblem(ana.putBytes(chunks + 0, Arrays.copyOf(data, 1000)), 400, "validation_failed");
        assertProblem(ana.putBytes(chunks + 0, Arrays.copyOf(data, CHUNK + 1)), 400, "validation_failed");
        assertProblem(ana.putBytes(chunks + 1, Arrays.copyOfRange(data, CHUNK - 1, data.length)), 400, "validation_failed");
        assertProblem(ana.putBytes(chunks + 1, new byte[0]), 400, "validation_failed");
        assertProblem(ana.putBytes(chunks + 2, new byte[10]), 400, "validation_failed");
        assertProblem(ana.putBytes(chunks + 99, new byte[10]), 400, "validation_failed");
        assertProblem(ana.putBytes(chunks + (-1), slice(data, 0)), 400, "validation_failed");
        assertProblem(ana.putBytes("/api/attachments/" + UUID.randomUUID() + "/chunks/0", slice(data, 0)), 404, "attachment_not_found");
        assertEquals(Set.of(), received(ana.get("/api/attachments/" + id).body()));
        assertEquals(0, count(stack, "SELECT count(*) FROM attachment_chunks WHERE attachment_id = ?::uuid", id));

        // complete with a chunk missing: 409 naming it; after the rest it completes
        chunk(ana, id, data, 0);
        TestClient.Response incomplete = ana.post("/api/attachments/" + id + "/complete", null);
        assertProblem(incomplete, 409, "attachment_incomplete");
        assertTrue(incomplete.body().get("detail").asText().contains("1"), "the detail names the missing chunk: " + incomplete.raw());
        assertFalse(ana.get("/api/attachments/" + id).body().get("complete").asBoolean());
        chunk(ana, id, data, 1);
        assertTrue(ana.post("/api/attachments/" + id + "/complete", null).body().get("complete").asBoolean());

        // declared an image, but the bytes are a PDF / plain text: 415 and the upload is gone
        assertRefusedAsUnsupported(stack, ana, chat, "photo.png", "image/png", pdf(3000, 5), null);
        assertRefusedAsUnsupported(stack, ana, chat, "photo.png", "image/png",
                "just some text, certainly not a picture\n".repeat(40).getBytes(StandardCharsets.UTF_8), null);
        assertRefusedAsUnsupported(stack, ana, chat, "cat.jpg", "image/jpeg", html(), null);

        // named x.png and declared image/png, but a JPEG: accepted and served as what it is
        byte[] jpeg = jpeg(64, 48, Color.GREEN, Color.GREEN);
        JsonNode sniffed = upload(ana, chat, "x.png", "image/png", jpeg);
        assertEquals("image/jpeg", sniffed.get("contentType").asText());
        assertEquals("image", sniffed.get("kind").asText());
        assertEquals(64, sniffed.get("width").asInt());
        assertEquals(48, sniffed.get("height").asInt());
        TestClient.Bytes served = ana.download("/api/attachments/" + sniffed.get("id").asText() + "/content");
        assertTrue(served.header("Content-Type").startsWith("image/jpeg"), "sniffed, not trusted from the name: " + served.header("Content-Type"));
        assertEquals("nosniff", served.header("X-Content-Type-Options"));
        assertEquals("x.png", filename(served.header("Content-Disposition")));

        // active content is never served inline: an HTML page, an SVG with a script
        JsonNode page = upload(ana, chat, "page.html", "text/html", html());
        assertEquals("file", page.get("kind").asText());
        TestClient.Bytes pageBytes = ana.download("/api/attachments/" + page.get("id").asText() + "/content");
        assertTrue(pageBytes.header("Content-Disposition").startsWith("attachment"), pageBytes.header("Content-Disposition"));
        assertEquals("nosniff", pageBytes.header("X-Content-Type-Options"));
        JsonNode svg = upload(ana, chat, "logo.svg", "application/octet-stream",
                "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(document.cookie)</script></svg>".getBytes(StandardCharsets.UTF_8));
        TestClient.Bytes svgBytes = ana.download("/api/attachments/" + svg.get("id").asText() + "/content");
        assertTrue(svgBytes.header("Content-Disposition").startsWith("attachment"),
                "an SVG shown inline would run its script on the app's origin: " + svgBytes.header("Content-Type") + " "
                        + svgBytes.header("Content-Disposition"));
    }

    // ---------------------------------------------------------------- images

    @Test
    void aJpegGetsItsSizeAThumbnailAndLosesItsGpsExifAndAPngWorksToo(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient eve = TestClient.signUp(stack.apiUrl(), "eve");
        UUID chat = ana.openDirect("bob");
        TestClient.Inbox bobWs = new TestClient.Inbox(bob.connect(stack.wsUrlB()));
        bobWs.take(ServerFrame.Welcome.class, WAIT);

        byte[] original = withGpsExif(jpeg(1200, 800, Color.RED, Color.BLUE));
        // the test's own input is what it claims: a decodable 1200x800 JPEG carrying GPS EXIF
        assertTrue(hasExifSegment(original));
        BufferedImage decodedOriginal = ImageIO.read(new ByteArrayInputStream(original));
        assertEquals(1200, decodedOriginal.getWidth());

        JsonNode done = upload(ana, chat, "holiday.jpg", "image/jpeg", original);
        String id = done.get("id").asText();
        assertEquals("image", done.get("kind").asText());
        assertEquals("image/jpeg", done.get("contentType").asText());
        assertEquals(1200, done.get("width").asInt());
        assertEquals(800, done.get("height").asInt());
        assertTrue(done.get("thumbnail").asBoolean());

        TestClient.Bytes content = ana.download("/api/attachments/" + id + "/content");
        assertEquals(200, content.status());
        assertTrue(content.header("Content-Type").startsWith("image/jpeg"));
        assertEquals("nosniff", content.header("X-Content-Type-Options"));
        assertTrue(content.header("Content-Disposition").startsWith("inline"), content.header("Content-Disposition"));
        assertEquals("holiday.jpg", filename(content.header("Content-Disposition")));
        assertEquals(String.valueOf(content.body().length), content.header("Content-Length"));
        assertFalse(hasExifSegment(content.body()), "the stored image keeps no APP1 Exif segment");
        assertEquals(-1, indexOf(content.body(), "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(-1, indexOf(content.body(), GPS_LATITUDE_SECONDS), "the GPS coordinates are gone");
        BufferedImage full = ImageIO.read(new ByteArrayInputStream(content.body()));
        assertNotNull(full, "still a JPEG");
        assertEquals(1200, full.getWidth());
        assertEquals(800, full.getHeight());
        assertReddish(full.getRGB(100, 400));
        assertBluish(full.getRGB(1100, 400));
        TestClient.Bytes forced = ana.download("/api/attachments/" + id + "/content?download=1");
        assertTrue(forced.header("Content-Disposition").startsWith("attachment"), forced.header("Content-Disposition"));
        assertEquals(sha256(content.body()), sha256(forced.body()));

        // sent: bob, on the other node, sees an image with its size, and fetches its thumbnail
        TestClient.Response sent = sendWith(ana, chat, "image-msg-0001", "view from the top", id, null);
        assertEquals(201, sent.status(), sent.raw());
        Message.Attachment att = bobWs.take(ServerEvent.MessageCreated.class, WAIT).message().attachment();
        assertEquals(id, att.id().toString());
        assertEquals("image", att.kind());
        assertEquals("image/jpeg", att.contentType());
        assertEquals(1200, att.width());
        assertEquals(800, att.height());
        assertTrue(att.thumbnail());
        assertEquals("holiday.jpg", att.name());

        TestClient.Bytes thumb = bob.download("/api/attachments/" + id + "/thumbnail");
        assertEquals(200, thumb.status());
        assertTrue(thumb.header("Content-Type").startsWith("image/jpeg"), thumb.header("Content-Type"));
        assertEquals("nosniff", thumb.header("X-Content-Type-Options"));
        assertFalse(hasExifSegment(thumb.body()));
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumb.body()));
        assertNotNull(small, "the thumbnail decodes");
        assertTrue(Math.max(small.getWidth(), small.getHeight()) <= 320, small.getWidth() + "x" + small.getHeight());
        assertTrue(small.getWidth() >= 100, "a thumbnail, not a speck: " + small.getWidth() + "x" + small.getHeight());
        assertEquals(1.5, (double) small.getWidth() / small.getHeight(), 0.05, "the aspect ratio is kept");
        assertReddish(small.getRGB(small.getWidth() / 10, small.getHeight() / 2));
        assertBluish(small.getRGB(small.getWidth() * 9 / 10, small.getHeight() / 2));
        assertAttachmentNotFound(eve.download("/api/attachments/" + id + "/thumbnail"));
        assertEquals(sha256(content.body()), sha256(bob.download("/api/attachments/" + id + "/content").body()));

        // a PNG, portrait, with the same GPS EXIF in an eXIf chunk
        byte[] png = pngWithExif(png(300, 500));
        assertTrue(indexOf(png, GPS_LATITUDE_SECONDS) > 0);
        assertEquals(300, ImageIO.read(new ByteArrayInputStream(png)).getWidth(), "the test's PNG is valid");
        JsonNode p = upload(ana, chat, "screen.png", "image/png", png);
        assertEquals("image", p.get("kind").asText());
        assertEquals("image/png", p.get("contentType").asText());
        assertEquals(300, p.get("width").asInt());
        assertEquals(500, p.get("height").asInt());
        assertTrue(p.get("thumbnail").asBoolean());
        TestClient.Bytes pngThumb = ana.download("/api/attachments/" + p.get("id").asText() + "/thumbnail");
        assertTrue(pngThumb.header("Content-Type").startsWith("image/jpeg"));
        BufferedImage pt = ImageIO.read(new ByteArrayInputStream(pngThumb.body()));
        assertTrue(Math.max(pt.getWidth(), pt.getHeight()) <= 320 && pt.getHeight() >= 100, "long side: " + pt.getWidth() + "x" + pt.getHeight());
        assertTrue(pt.getHeight() > pt.getWidth(), "portrait stays portrait");
        TestClient.Bytes pngContent = ana.download("/api/attachments/" + p.get("id").asText() + "/content");
        assertTrue(pngContent.header("Content-Type").startsWith("image/png"));
        assertEquals(-1, indexOf(pngContent.body(), GPS_LATITUDE_SECONDS), "the PNG's location is gone too");
        BufferedImage pngFull = ImageIO.read(new ByteArrayInputStream(pngContent.body()));
        assertEquals(300, pngFull.getWidth());
        assertEquals(500, pngFull.getHeight());

        // a deleted message no longer carries its attachment
        TestClient.Response tomb = ana.delete("/api/conversations/" + chat + "/messages/1");
        assertEquals(200, tomb.status());
        assertTrue(tomb.body().get("attachment").isNull(), tomb.raw());
        assertTrue(bob.get("/api/conversations/" + chat + "/messages").body().at("/messages/0/attachment").isNull());
        // ...and its bytes are gone with it
        assertAttachmentNotFound(bob.download("/api/attachments/" + id + "/content"));
        assertAttachmentNotFound(bob.download("/api/attachments/" + id + "/thumbnail"));
        assertAttachmentNotFound(ana.download("/api/attachments/" + id + "/content"));
    }

    @Test
    void aTurnedPhotoSpanningChunksIsMeasuredAsShownThumbnailedUprightAndKeepsOnlyItsOrientation(ChatServers.Stack stack)
            throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        // a phone held upright: stored 2400x1600 (left red, right blue) with Orientation 6 (turn 90° clockwise
        // to show) — shown 1600x2400, red on top; noisy, so the file spans three chunks
        byte[] photo = withExif(noisyJpeg(2400, 1600), 6);
        assertTrue(photo.length > 2 * CHUNK, "three chunks: " + photo.length);
        BufferedImage stored = ImageIO.read(new ByteArrayInputStream(photo));

        JsonNode done = upload(ana, chat, "IMG_0001.JPG", "image/jpeg", photo);
        String id = done.get("id").asText();
        assertEquals("image", done.get("kind").asText());
        assertEquals(1600, done.get("width").asInt(), "as shown: " + done);
        assertEquals(2400, done.get("height").asInt());
        assertTrue(done.get("thumbnail").asBoolean());

        TestClient.Bytes content = ana.download("/api/attachments/" + id + "/content");
        assertEquals(200, content.status());
        assertEquals(String.valueOf(content.body().length), content.header("Content-Length"));
        assertEquals(content.body().length, done.get("size").asLong(), "the size is that of the bytes served");
        assertEquals(-1, indexOf(content.body(), GPS_LATITUDE_SECONDS), "no location left");
        BufferedImage served = ImageIO.read(new ByteArrayInputStream(content.body()));
        assertNotNull(served, "the cleaned file still decodes, chunks reassembled in order");
        byte[] exif = exifPayload(content.body());
        if (served.getWidth() == 2400) {
            // pixels kept as stored: the orientation must stay, alone, or browsers show it on its side
            assertNotNull(exif, "pixels stored sideways need their Orientation tag");
            assertEquals(java.util.Map.of(0x0112, 6), ifd0(exif), "IFD0 keeps the orientation and nothing else");
            assertEquals(1600, served.getHeight());
            assertSamePicture(stored, served);
        } else {
            assertEquals(1600, served.getWidth(), "either kept as stored or turned upright");
            assertEquals(2400, served.getHeight());
        }

        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(ana.download("/api/attachments/" + id + "/thumbnail").body()));
        assertTrue(thumb.getHeight() > thumb.getWidth(), "upright: portrait " + thumb.getWidth() + "x" + thumb.getHeight());
        assertTrue(thumb.getHeight() <= 320 && thumb.getHeight() >= 100, thumb.getWidth() + "x" + thumb.getHeight());
        assertReddish(averageRgb(thumb, thumb.getWidth() / 2, thumb.getHeight() / 10));
        assertBluish(averageRgb(thumb, thumb.getWidth() / 2, thumb.getHeight() * 9 / 10));
    }

    @Test
    void aWebpPictureIsAnImageWithItsSizeAndAThumbnail(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        // the well-known smallest lossless WebP: 1x1
        byte[] webp = java.util.Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
        JsonNode done = upload(ana, chat, "dot.webp", "image/webp", webp);
        assertEquals("image", done.get("kind").asText());
        assertEquals("image/webp", done.get("contentType").asText());
        assertEquals(1, done.path("width").asInt(-1), "for images width and height: " + done);
        assertEquals(1, done.path("height").asInt(-1), done.toString());
        TestClient.Bytes content = ana.download("/api/attachments/" + done.get("id").asText() + "/content");
        assertTrue(content.header("Content-Type").startsWith("image/webp"));
        assertArrayEquals(webp, content.body());
        assertTrue(done.get("thumbnail").asBoolean(), "the WebP decoder is on the server's class path: " + done);
        TestClient.Bytes thumbnail = ana.download("/api/attachments/" + done.get("id").asText() + "/thumbnail");
        BufferedImage thumb = ImageIO.read(new java.io.ByteArrayInputStream(thumbnail.body()));
        assertEquals(1, thumb.getWidth());
        assertEquals(1, thumb.getHeight());
    }

    @Test
    void theLocationInASecondPictureEmbeddedInAPhotoIsStrippedToo(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        // a Multi-Picture (MPF/MPO) JPEG, as phones write for HDR gain maps and previews: the primary
        // picture, then a second JPEG after its EOI, both with GPS EXIF; APP2 "MPF" indexes the two
        byte[] photo = multiPicture(withGpsExif(jpeg(800, 600, Color.RED, Color.BLUE)), withGpsExif(jpeg(160, 120, Color.RED, Color.BLUE)));
        JsonNode done = upload(ana, chat, "PXL_0001.jpg", "image/jpeg", photo);
        assertEquals(800, done.get("width").asInt());
        byte[] content = ana.download("/api/attachments/" + done.get("id").asText() + "/content").body();
        assertEquals(800, ImageIO.read(new ByteArrayInputStream(content)).getWidth());
        assertEquals(-1, indexOf(content, GPS_LATITUDE_SECONDS), "no GPS coordinates anywhere in the stored file");
        assertEquals(-1, indexOf(content, "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1)), "no EXIF block anywhere in the stored file");
    }

    @Test
    void racingSendsOfOneAttachmentMakeOneMessageAndTheOthersAreToldItIsInUse(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient[] instances = {ana, ana.via(stack.apiUrlB())};
        int rounds = 4;
        int racers = 6;
        for (int round = 1; round <= rounds; round++) {
            String id = upload(ana, chat, "race.pdf", "application/pdf", pdf(4000, round)).get("id").asText();
            int r = round;
            List<TestClient.Response> answers = race(racers, i ->
                    sendWith(instances[i % 2], chat, "race-" + r + "-" + i + "-" + UUID.randomUUID(), "one of us", id, null));
            List<String> outcomes = answers.stream().map(a -> a.status() + " " + (a.status() == 201 ? "" : a.body() == null ? a.raw() : a.body().path("code").asText())).toList();
            assertEquals(1, outcomes.stream().filter(o -> o.startsWith("201")).count(), "exactly one message carries it: " + outcomes);
            assertEquals(racers - 1, outcomes.stream().filter(o -> o.equals("409 attachment_in_use")).count(),
                    "the others are told it is in use: " + outcomes);
        }
        assertEquals(rounds, lastSeq(ana, chat));
        assertEquals(rounds, CrossNodeMessagingIT.countMessages(stack, chat));
    }

    @Test
    void racingCompletesOfALargePhotoAllAnswerTheOneCleanFile(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient[] instances = {ana, ana.via(stack.apiUrlB())};
        // a client retrying "complete" while the first is still cleaning a large photo
        byte[] photo = withExif(noisyJpeg(2400, 1600), 1);
        for (int round = 1; round <= 2; round++) {
            TestClient.Response started = start(ana, chat, "race.jpg", photo.length, "image/jpeg", null);
            String id = started.body().get("id").asText();
            for (int i = 0; i * CHUNK < photo.length; i++) {
                chunk(ana, id, photo, i);
            }
            List<TestClient.Response> answers = race(4, i -> instances[i % 2].post("/api/attachments/" + id + "/complete", null));
            String outcomes = answers.stream().map(a -> a.status() + (a.status() == 200 ? " size=" + a.body().get("size")
                    : " " + a.body().path("code").asText())).toList().toString();
            // whatever the answers, the upload ends complete with one clean file
            JsonNode view = ana.get("/api/attachments/" + id).body();
            assertTrue(view.get("complete").asBoolean(), view.toString());
            assertEquals(view.get("size").asLong(), count(stack,
                    "SELECT coalesce(sum(octet_length(data)), 0) FROM attachment_chunks WHERE attachment_id = ?::uuid", id),
                    "the size said is the size stored (file " + photo.length + " bytes; answers " + outcomes + ")");
            byte[] content = ana.download("/api/attachments/" + id + "/content").body();
            assertEquals(view.get("size").asLong(), content.length);
            assertEquals(-1, indexOf(content, GPS_LATITUDE_SECONDS));
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(content));
            assertNotNull(decoded, "one clean file, not two interleaved");
            assertEquals(2400, decoded.getWidth());
            for (TestClient.Response a : answers) {
                assertEquals(200, a.status(), "complete is idempotent, also when racing: " + outcomes + " " + a.raw());
                assertTrue(a.body().get("complete").asBoolean());
                assertEquals(2400, a.body().get("width").asInt());
                assertEquals(view.get("size").asLong(), a.body().get("size").asLong());
            }
        }
    }

    @Test
    void manyCompletionsAtOnceNeitherStarveTheConnectionPoolNorHoldUpOtherRequests(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        // more completions at once than the instance has database connections (8 here), each a photo
        // to clean and shrink, as when many people share pictures at the same moment
        int n = 40;
        byte[] photo = withExif(noisyJpeg(800, 600), 1);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = start(ana, chat, "p" + i + ".jpg", photo.length, "image/jpeg", null).body().get("id").asText();
            for (int c = 0; c * CHUNK < photo.length; c++) {
                chunk(ana, id, photo, c);
            }
            ids.add(id);
        }
        List<TestClient.Response> answers = race(n + 1, i -> i < n
                ? ana.post("/api/attachments/" + ids.get(i) + "/complete", null)
                : ana.get("/api/conversations"));
        List<String> outcomes = answers.stream().map(a -> a.status() + " " + a.body().path("code").asText()).toList();
        for (int i = 0; i < n; i++) {
            assertEquals(200, answers.get(i).status(), "every completion succeeds: " + outcomes);
            assertTrue(answers.get(i).body().get("thumbnail").asBoolean());
        }
        assertEquals(200, answers.get(n).status(), "and other requests are answered meanwhile: " + outcomes);
    }

    @Test
    void aMemberWhoLeavesAGroupCanNoLongerFetchItsChannelsFiles(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        TestClient cyd = TestClient.signUp(stack.apiUrl(), "cyd");
        String g = ana.post("/api/groups", "{\"name\":\"Team\"}").body().get("id").asText();
        assertEquals(201, ana.post("/api/groups/" + g + "/members", "{\"username\":\"bob\"}").status());
        assertEquals(201, ana.post("/api/groups/" + g + "/members", "{\"username\":\"cyd\"}").status());
        UUID general = UUID.fromString(ana.get("/api/groups/" + g).body().at("/channels/0/id").asText());
        byte[] data = pdf(30_000, 11);
        String id = upload(ana, general, "minutes.pdf", "application/pdf", data).get("id").asText();
        assertEquals(201, sendWith(ana, general, "minutes-msg-01", "minutes", id, null).status());
        assertEquals(sha256(data), sha256(cyd.download("/api/attachments/" + id + "/content").body()));

        assertEquals(204, TestClient.request(ana.apiUrl, "DELETE", "/api/groups/" + g + "/members/" + cyd.id, ana.token, null).status());
        assertAttachmentNotFound(cyd.download("/api/attachments/" + id + "/content"));
        assertEquals(sha256(data), sha256(bob.download("/api/attachments/" + id + "/content").body()), "the others still can");
    }

    // ---------------------------------------------------------------- voice

    @Test
    void voiceMessagesCarryTheirDurationAndWaveformToTheOtherNode(ChatServers.Stack stack) throws Exception {
        TestClient ana = TestClient.signUp(stack.apiUrl(), "ana");
        TestClient bob = TestClient.signUp(stack.apiUrl(), "bob");
        UUID chat = ana.openDirect("bob");
        TestClient.Inbox anaWs = new TestClient.Inbox(ana.connect(stack.wsUrlA()));
        TestClient.Inbox bobWs = new TestClient.Inbox(bob.connect(stack.wsUrlB()));
        anaWs.take(ServerFrame.Welcome.class, WAIT);
        bobWs.take(ServerFrame.Welcome.class, WAIT);

        int[] waveform = IntStream.range(0, 64).map(i -> i == 0 ? 0 : i == 63 ? 255 : (i * 37) % 256).toArray();
        byte[] webm = webm(9000);
        JsonNode started = start(ana, chat, "voice.webm", webm.length, "audio/webm;codecs=opus", voice(4200, waveform)).body();
        assertTrue(started.get("kind").isNull(), started.toString());
        JsonNode done = completeUpload(ana, started.get("id").asText(), webm);
        String id = done.get("id").asText();
        assertEquals("voice", done.get("kind").asText());
        assertTrue(done.get("contentType").asText().contains("webm"), done.get("contentType").asText());
        assertEquals(4200, done.get("durationMs").asInt());
        assertArrayEquals(waveform, ints(done.get("waveform")));

        anaWs.send(sendFrame("v-1", chat, "voice-msg-0001", null, id, null));
        ServerFrame.Ack ack = assertInstanceOf(ServerFrame.Ack.class, anaWs.reply("v-1", WAIT));
        assertEquals("", TestClient.message(ack).text(), "a voice message needs no caption");
        ServerEvent.MessageCreated event = bobWs.take(ServerEvent.MessageCreated.class, WAIT);
        for (Message.Attachment att : List.of(TestClient.message(ack).attachment(), event.message().attachment())) {
            assertEquals(id, att.id().toString());
            assertEquals("voice", att.kind());
            assertEquals(4200, att.durationMs());
            assertArrayEquals(waveform, att.waveform().stream().mapToInt(Integer::intValue).toArray());
            assertEquals(webm.length, att.size());
        }
        JsonNode stored = bob.get("/api/conversations/" + chat + "/messages").body().at("/messages/0/attachment");
        assertEquals(id, stored.get("id").asText());
        assertEquals("voice", stored.get("kind").asText());
        assertEquals(4200, stored.get("durationMs").asInt());
        assertArrayEquals(waveform, ints(stored.get("waveform")));
        assertEquals(webm.length, stored.get("size").asLong());
        TestClient.Bytes audio = bob.download("/api/attachments/" + id + "/content");
        assertEquals(sha256(webm), sha256(audio.body()));
        assertTrue(audio.header("Content-Disposition").startsWith("inline"), audio.header("Content-Disposition"));
        assertEquals("nosniff", audio.header("X-Content-Type-Options"));

        // Firefox records Ogg/Opus
        byte[] ogg = ogg(5000);
        JsonNode oggDone = upload(ana, chat, "voice.ogg", "audio/ogg;codecs=opus", ogg, voice(900, new int[]{3, 1, 4, 1, 5}));
        assertEquals("voice", oggDone.get("kind").asText());
        assertTrue(oggDone.get("contentType").asText().contains("ogg"), oggDone.get("contentType").asText());
        assertArrayEquals(new int[]{3, 1, 4, 1, 5}, ints(oggDone.get("waveform")));

        // declared a voice message, but the bytes are a picture: 415, gone
        assertRefusedAsUnsupported(stack, ana, chat, "voice.webm", "audio/webm", png(20, 20), voice(1000, new int[]{1, 2}));

        // malformed voice metadata: nothing is created
        long before = count(stack, "SELECT count(*) FROM attachments");
        int[] tooMany = new int[500];
        for (String bad : List.of("{\"durationMs\":1000,\"waveform\":[0,256]}", "{\"durationMs\":1000,\"waveform\":[-1,5]}",
                "{\"durationMs\":1000,\"waveform\":" + Arrays.toString(tooMany) + "}",
                "{\"durationMs\":1000,\"waveform\":" + Arrays.toString(new int[201]) + "}",
                "{\"durationMs\":1000,\"waveform\":[1.5,2]}", "{\"durationMs\":1000,\"waveform\":[\"a\"]}",
                "{\"durationMs\":1000,\"waveform\":[]}", "{\"durationMs\":1000,\"waveform\":\"0,1,2\"}",
                "{\"durationMs\":1000,\"waveform\":[1,null]}", "{\"durationMs\":0,\"waveform\":[1]}",
                "{\"durationMs\":900001,\"waveform\":[1]}", "{\"durationMs\":12.5,\"waveform\":[1]}",
                "{\"durationMs\":\"1000\",\"waveform\":[1]}", "{\"waveform\":[1]}", "{\"durationMs\":1000}", "[1,2]")) {
            String json = "{\"conversation\":\"" + chat + "\",\"name\":\"v.webm\",\"size\":100,\"contentType\":\"audio/webm\",\"voice\":"
                    + bad + "}";
            assertProblem(ana.post("/api/attachments", json), 400, "validation_failed");
        }
        assertEquals(before, count(stack, "SELECT count(*) FROM attachments"), "nothing was created");
        // the limits themselves are fine
        assertEquals(201, start(ana, chat, "long.webm", 100, "audio/webm", voice(900_000, new int[200])).status());
    }

    // ================================================================ helpers (also used by RepliesReactionsIT)

    static void assertProblem(TestClient.Response r, int status, String code) {
        assertEquals(status, r.status(), r.raw());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType() + " " + r.raw());
        assertEquals(code, r.body().get("code").asText(), r.raw());
        assertEquals(status, r.body().get("status").asInt());
    }

    static void assertAttachmentNotFound(TestClient.Bytes r) {
        assertEquals(404, r.status(), new String(r.body(), StandardCharsets.UTF_8));
        JsonNode body = r.json();
        assertNotNull(body, "a problem document");
        assertEquals("attachment_not_found", body.path("code").asText(), body.toString());
    }

    static ObjectNode voice(int durationMs, int[] waveform) {
        ObjectNode v = TestClient.MAPPER.createObjectNode().put("durationMs", durationMs);
        ArrayNode w = v.putArray("waveform");
        for (int x : waveform) {
            w.add(x);
        }
        return v;
    }

    static TestClient.Response start(TestClient who, UUID chat, String name, long size, String type, ObjectNode voice) {
        ObjectNode body = TestClient.MAPPER.createObjectNode().put("conversation", chat.toString()).put("name", name)
                .put("size", size).put("contentType", type);
        if (voice != null) {
            body.set("voice", voice);
        }
        return who.post("/api/attachments", body.toString());
    }

    static byte[] slice(byte[] data, int index) {
        return Arrays.copyOfRange(data, index * CHUNK, Math.min(data.length, (index + 1) * CHUNK));
    }

    static JsonNode chunk(TestClient who, String id, byte[] data, int index) {
        TestClient.Response r = who.putBytes("/api/attachments/" + id + "/chunks/" + index, slice(data, index));
        assertEquals(200, r.status(), "chunk " + index + ": " + r.raw());
        return r.body();
    }

    static JsonNode completeUpload(TestClient who, String id, byte[] data) {
        for (int i = 0; i * CHUNK < data.length; i++) {
            chunk(who, id, data, i);
        }
        TestClient.Response done = who.post("/api/attachments/" + id + "/complete", null);
        assertEquals(200, done.status(), done.raw());
        assertTrue(done.body().get("complete").asBoolean());
        return done.body();
    }

    /** Start, every chunk, complete: the completed upload view. */
    static JsonNode upload(TestClient who, UUID chat, String name, String type, byte[] data, ObjectNode voice) {
        TestClient.Response started = start(who, chat, name, data.length, type, voice);
        assertEquals(201, started.status(), started.raw());
        return completeUpload(who, started.body().get("id").asText(), data);
    }

    static JsonNode upload(TestClient who, UUID chat, String name, String type, byte[] data) {
        return upload(who, chat, name, type, data, null);
    }

    static TestClient.Response sendWith(TestClient who, UUID chat, String clientMsgId, String text, String attachment, Long replyTo) {
        return who.post("/api/conversations/" + chat + "/messages", sendFields(clientMsgId, text, attachment, replyTo).toString());
    }

    /** The same send as a WebSocket frame. */
    static ClientFrame.Send sendFrame(String frameId, UUID chat, String clientMsgId, String text, String attachment, Long replyTo) {
        return new ClientFrame.Send(frameId, chat, clientMsgId, text, attachment == null ? null : UUID.fromString(attachment), replyTo);
    }

    private static ObjectNode sendFields(String clientMsgId, String text, String attachment, Long replyTo) {
        ObjectNode body = TestClient.MAPPER.createObjectNode().put("clientMsgId", clientMsgId);
        if (text != null) {
            body.put("text", text);
        }
        if (attachment != null) {
            body.put("attachment", attachment);
        }
        if (replyTo != null) {
            body.put("replyTo", replyTo);
        }
        return body;
    }

    static long lastSeq(TestClient who, UUID chat) {
        return who.get("/api/conversations/" + chat).body().get("lastSeq").asLong();
    }

    static long count(ChatServers.Stack stack, String sql, Object... params) throws Exception {
        try (Connection c = stack.sql(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Set<Integer> received(JsonNode view) {
        Set<Integer> s = new TreeSet<>();
        view.get("received").forEach(n -> s.add(n.asInt()));
        assertEquals(s.size(), view.get("received").size(), "no index twice: " + view.get("received"));
        return s;
    }

    private static int[] ints(JsonNode array) {
        assertTrue(array != null && array.isArray(), String.valueOf(array));
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            assertTrue(array.get(i).isIntegralNumber(), array.toString());
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    private static void assertAttachment(Message.Attachment att, String id, String name, long size, String contentType, String kind) {
        assertNotNull(att);
        assertEquals(id, att.id().toString(), att.toString());
        assertEquals(name, att.name());
        assertEquals(size, att.size());
        assertEquals(contentType, att.contentType());
        assertEquals(kind, att.kind());
    }

    private static void assertAttachment(JsonNode att, String id, String name, long size, String contentType, String kind) {
        assertNotNull(att);
        assertEquals(id, att.get("id").asText(), att.toString());
        assertEquals(name, att.get("name").asText());
        assertEquals(size, att.get("size").asLong());
        assertEquals(contentType, att.get("contentType").asText());
        assertEquals(kind, att.get("kind").asText());
    }

    private static void assertRange(TestClient who, String id, byte[] data, int from, int to, String range) {
        TestClient.Bytes part = who.download("/api/attachments/" + id + "/content", "Range", range);
        assertEquals(206, part.status(), range);
        assertArrayEquals(Arrays.copyOfRange(data, from, to + 1), part.body(), range);
        assertEquals("bytes " + from + "-" + to + "/" + data.length, part.header("Content-Range"));
        assertEquals(String.valueOf(to - from + 1), part.header("Content-Length"));
        assertEquals("nosniff", part.header("X-Content-Type-Options"));
    }

    private static void assertRefusedAsUnsupported(ChatServers.Stack stack, TestClient who, UUID chat, String name, String type,
                                                   byte[] data, ObjectNode voice) throws Exception {
        TestClient.Response started = start(who, chat, name, data.length, type, voice);
        assertEquals(201, started.status(), started.raw());
        String id = started.body().get("id").asText();
        for (int i = 0; i * CHUNK < data.length; i++) {
            chunk(who, id, data, i);
        }
        assertProblem(who.post("/api/attachments/" + id + "/complete", null), 415, "unsupported_media_type");
        assertProblem(who.get("/api/attachments/" + id), 404, "attachment_not_found");
        assertAttachmentNotFound(who.download("/api/attachments/" + id + "/content"));
        assertEquals(0, count(stack, "SELECT count(*) FROM attachments WHERE id = ?::uuid", id), "discarded: " + name);
        assertEquals(0, count(stack, "SELECT count(*) FROM attachment_chunks WHERE attachment_id = ?::uuid", id));
        assertProblem(sendWith(who, chat, "refused-" + UUID.randomUUID(), "x", id, null), 404, "attachment_not_found");
    }

    /** The file name of a Content-Disposition, from {@code filename*=UTF-8''…} (RFC 6266/8187), else {@code filename="…"}. */
    static String filename(String disposition) {
        assertNotNull(disposition, "Content-Disposition");
        for (String part : disposition.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "filename*=", 0, 10)) {
                String v = p.substring(10);
                assertTrue(v.regionMatches(true, 0, "UTF-8''", 0, 7), disposition);
                return percentDecode(v.substring(7));
            }
        }
        for (String part : disposition.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "filename=", 0, 9)) {
                return p.substring(9).replaceAll("^\"|\"$", "");
            }
        }
        throw new AssertionError("no file name in " + disposition);
    }

    private static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                assertTrue(c > 0x20 && c < 0x7F && c != '"' && c != ' ', "not percent-encoded: " + s);
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** A file that starts like a PDF, of exactly {@code size} bytes (deterministic noise after the header). */
    static byte[] pdf(int size, long seed) {
        byte[] out = new byte[size];
        new Random(seed).nextBytes(out);
        byte[] head = "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(head, 0, out, 0, head.length);
        return out;
    }

    static byte[] html() {
        return "<!DOCTYPE html><html><head><title>x</title></head><body><script>fetch('/api/me')</script></body></html>\n"
                .repeat(10).getBytes(StandardCharsets.UTF_8);
    }

    /** A baseline JPEG from ImageIO: the left half one colour, the right half another. */
    static byte[] jpeg(int w, int h, Color left, Color right) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(left);
        g.fillRect(0, 0, w / 2, h);
        g.setColor(right);
        g.fillRect(w / 2, 0, w - w / 2, h);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "jpg", out));
        return out.toByteArray();
    }

    static byte[] png(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.drawLine(0, 0, w - 1, h - 1);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "png", out));
        return out.toByteArray();
    }

    /** The PNG with an eXIf chunk (PNG 1.5) holding the GPS TIFF of {@link #withGpsExif}, before its first IDAT. */
    static byte[] pngWithExif(byte[] png) {
        byte[] exif = exifPayload(withGpsExif(jpeg1x1()));
        int idat = indexOf(png, "IDAT".getBytes(StandardCharsets.US_ASCII)) - 4;
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(12 + exif.length);
        chunk.putInt(exif.length).put("eXIf".getBytes(StandardCharsets.US_ASCII)).put(exif);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk.array(), 4, 4 + exif.length);
        chunk.putInt((int) crc.getValue());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, idat);
        out.writeBytes(chunk.array());
        out.write(png, idat, png.length - idat);
        return out.toByteArray();
    }

    private static byte[] jpeg1x1() {
        try {
            return jpeg(2, 2, Color.RED, Color.RED);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** 1234/100 seconds of latitude, big-endian, as it sits in the EXIF below. */
    private static final byte[] GPS_LATITUDE_SECONDS = {0, 0, 0x04, (byte) 0xD2, 0, 0, 0, 0x64};

    /**
     * The JPEG with an APP1 "Exif" segment right after SOI (in place of JFIF APP0), as phones write it: a big-endian TIFF
     * whose IFD0 points (tag 0x8825) to a GPS IFD with GPSLatitudeRef "N" and GPSLatitude 38° 43' 12.34".
     */
    static byte[] withGpsExif(byte[] jpeg) {
        return withExif(jpeg, 0);
    }

    /** The same with an Orientation tag (1-8) in IFD0 too, unless {@code orientation} is 0. */
    static byte[] withExif(byte[] jpeg, int orientation) {
        assertEquals(0xFF, jpeg[0] & 0xFF);
        assertEquals(0xD8, jpeg[1] & 0xFF);
        int extra = orientation > 0 ? 12 : 0;
        int gps = 26 + extra;
        ByteArrayOutputStream tiff = new ByteArrayOutputStream();
        write(tiff, 'M', 'M', 0, 42, 0, 0, 0, 8);                         // header, IFD0 at 8
        write(tiff, 0, orientation > 0 ? 2 : 1);                          // IFD0: one or two entries, by tag
        if (orientation > 0) {
            write(tiff, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0); // Orientation, SHORT, 1
        }
        write(tiff, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, gps);          // GPSInfo, LONG, 1, → GPS IFD
        write(tiff, 0, 0, 0, 0);                                          // no next IFD
        write(tiff, 0, 2);                                                // GPS IFD: two entries
        write(tiff, 0, 1, 0, 2, 0, 0, 0, 2, 'N', 0, 0, 0);                // GPSLatitudeRef, ASCII, "N"
        write(tiff, 0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, gps + 30);           // GPSLatitude, RATIONAL ×3, → after the IFD
        write(tiff, 0, 0, 0, 0);                                          // no next IFD
        write(tiff, 0, 0, 0, 38, 0, 0, 0, 1, 0, 0, 0, 43, 0, 0, 0, 1);    // 38/1, 43/1
        tiff.writeBytes(GPS_LATITUDE_SECONDS);                            // 1234/100
        byte[] t = tiff.toByteArray();
        assertEquals(80 + extra, t.length);
        byte[] payload = new byte[6 + t.length];
        System.arraycopy("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, payload, 0, 6);
        System.arraycopy(t, 0, payload, 6, t.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xE1);
        int len = payload.length + 2;
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.writeBytes(payload);
        // as phones write it: the Exif segment instead of a JFIF APP0
        int rest = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            rest = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        }
        out.write(jpeg, rest, jpeg.length - rest);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
    }

    /** Walks the JPEG's marker segments up to the scan: is there an APP1 segment starting "Exif\0\0"? */
    static boolean hasExifSegment(byte[] j) {
        assertTrue(j.length > 4 && (j[0] & 0xFF) == 0xFF && (j[1] & 0xFF) == 0xD8, "a JPEG starts with SOI");
        int i = 2;
        while (i + 4 <= j.length) {
            assertEquals(0xFF, j[i] & 0xFF, "a marker at " + i);
            int marker = j[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return false; // start of scan / end of image: no more metadata segments
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2;
                continue;
            }
            int len = ((j[i + 2] & 0xFF) << 8) | (j[i + 3] & 0xFF);
            if (marker == 0xE1 && len >= 8 && new String(j, i + 4, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
                return true;
            }
            i += 2 + len;
        }
        return false;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void assertReddish(int rgb) {
        Color c = new Color(rgb);
        assertTrue(c.getRed() > 180 && c.getGreen() < 80 && c.getBlue() < 80, "red expected: " + c);
    }

    private static void assertBluish(int rgb) {
        Color c = new Color(rgb);
        assertTrue(c.getBlue() > 180 && c.getRed() < 80 && c.getGreen() < 80, "blue expected: " + c);
    }

    /** Runs {@code n} calls at once (released together) and returns their answers in order. */
    static <T> List<T> race(int n, java.util.function.IntFunction<T> call) throws Exception {
        java.util.concurrent.CyclicBarrier gate = new java.util.concurrent.CyclicBarrier(n);
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
            List<java.util.concurrent.Future<T>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    gate.await();
                    return call.apply(k);
                }));
            }
            List<T> out = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        }
    }

    /** A photo-like JPEG (noise over left red / right blue) that does not compress to nothing. */
    static byte[] noisyJpeg(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(w * 31L + h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int n = r.nextInt(81) - 40;
                int base = x < w / 2 ? 0xDC1E1E : 0x1E1EDC;
                int red = Math.clamp(((base >> 16) & 255) + n, 0, 255);
                int green = Math.clamp(((base >> 8) & 255) + n, 0, 255);
                int blue = Math.clamp((base & 255) + n, 0, 255);
                img.setRGB(x, y, (red << 16) | (green << 8) | blue);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "jpg", out));
        return out.toByteArray();
    }

    /** The payload (after "Exif\0\0") of the JPEG's APP1 Exif segment, or null. */
    static byte[] exifPayload(byte[] j) {
        int i = 2;
        while (i + 4 <= j.length && (j[i] & 0xFF) == 0xFF) {
            int marker = j[i + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                return null;
            }
            int len = ((j[i + 2] & 0xFF) << 8) | (j[i + 3] & 0xFF);
            if (marker == 0xE1 && len >= 8 && new String(j, i + 4, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
                return Arrays.copyOfRange(j, i + 10, i + 2 + len);
            }
            i += 2 + len;
        }
        return null;
    }

    /** IFD0 of a TIFF block: tag → first value (as an unsigned short for SHORT, else the raw 32 bits). */
    static java.util.Map<Integer, Integer> ifd0(byte[] tiff) {
        boolean little = tiff[0] == 'I';
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(tiff).order(little ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        int ifd = b.getInt(4);
        int n = b.getShort(ifd) & 0xFFFF;
        java.util.Map<Integer, Integer> tags = new java.util.TreeMap<>();
        for (int k = 0; k < n; k++) {
            int e = ifd + 2 + 12 * k;
            int tag = b.getShort(e) & 0xFFFF;
            int type = b.getShort(e + 2) & 0xFFFF;
            tags.put(tag, type == 3 ? b.getShort(e + 8) & 0xFFFF : b.getInt(e + 8));
        }
        return tags;
    }

    private static void assertSamePicture(BufferedImage expected, BufferedImage actual) {
        assertEquals(expected.getWidth(), actual.getWidth());
        assertEquals(expected.getHeight(), actual.getHeight());
        long diff = 0;
        int samples = 0;
        for (int y = 0; y < expected.getHeight(); y += 37) {
            for (int x = 0; x < expected.getWidth(); x += 41) {
                Color a = new Color(expected.getRGB(x, y));
                Color b = new Color(actual.getRGB(x, y));
                diff += Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen()) + Math.abs(a.getBlue() - b.getBlue());
                samples++;
            }
        }
        assertTrue(diff / (3.0 * samples) < 4, "the pixels are the uploaded ones: mean difference " + diff / (3.0 * samples));
    }

    /** The mean colour of the 5x5 pixels around (x, y). */
    private static int averageRgb(BufferedImage img, int x, int y) {
        int r = 0;
        int g = 0;
        int b = 0;
        int n = 0;
        for (int dy = -2; dy <= 2; dy++) {
            for (int dx = -2; dx <= 2; dx++) {
                Color c = new Color(img.getRGB(Math.clamp(x + dx, 0, img.getWidth() - 1), Math.clamp(y + dy, 0, img.getHeight() - 1)));
                r += c.getRed();
                g += c.getGreen();
                b += c.getBlue();
                n++;
            }
        }
        return new Color(r / n, g / n, b / n).getRGB();
    }

    /**
     * A Multi-Picture JPEG (CIPA DC-007): {@code primary} with an APP2 "MPF" segment inserted after
     * its first segment, then {@code second} appended after the primary's EOI, at the offset the
     * MP index gives.
     */
    static byte[] multiPicture(byte[] primary, byte[] second) {
        int firstSegmentEnd = 4 + (((primary[4] & 0xFF) << 8) | (primary[5] & 0xFF)); // SOI + the APP1 after it
        int mpfLength = 2 + 4 + 82;
        int primaryLength = primary.length + 2 + mpfLength;
        int base = firstSegmentEnd + 4 + 4; // where the MPF TIFF header starts: offsets count from here
        java.nio.ByteBuffer t = java.nio.ByteBuffer.allocate(82);
        t.put(new byte[] {'M', 'M', 0, 42}).putInt(8);
        t.putShort((short) 3);
        t.putShort((short) 0xB000).putShort((short) 7).putInt(4).put(new byte[] {'0', '1', '0', '0'});   // MPFVersion
        t.putShort((short) 0xB001).putShort((short) 4).putInt(1).putInt(2);                              // NumberOfImages
        t.putShort((short) 0xB002).putShort((short) 7).putInt(32).putInt(50);                            // MPEntry → 50
        t.putInt(0);
        t.putInt(0x20030000).putInt(primaryLength).putInt(0).putShort((short) 0).putShort((short) 0);    // primary
        t.putInt(0x00010001).putInt(second.length).putInt(primaryLength - base).putShort((short) 0).putShort((short) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(primary, 0, firstSegmentEnd);
        write(out, 0xFF, 0xE2, mpfLength >> 8, mpfLength & 0xFF, 'M', 'P', 'F', 0);
        out.writeBytes(t.array());
        out.write(primary, firstSegmentEnd, primary.length - firstSegmentEnd);
        assertEquals(primaryLength, out.size());
        out.writeBytes(second);
        return out.toByteArray();
    }

    /** What MediaRecorder writes first in Chromium: an EBML header with DocType "webm", then a Segment. */
    static byte[] webm(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, 0x1A, 0x45, 0xDF, 0xA3, 0x9F);                        // EBML, 31 bytes
        write(out, 0x42, 0x86, 0x81, 0x01);                              // EBMLVersion 1
        write(out, 0x42, 0xF7, 0x81, 0x01);                              // EBMLReadVersion 1
        write(out, 0x42, 0xF2, 0x81, 0x04);                              // EBMLMaxIDLength 4
        write(out, 0x42, 0xF3, 0x81, 0x08);                              // EBMLMaxSizeLength 8
        write(out, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm');                // DocType "webm"
        write(out, 0x42, 0x87, 0x81, 0x04);                              // DocTypeVersion 4
        write(out, 0x42, 0x85, 0x81, 0x02);                              // DocTypeReadVersion 2
        write(out, 0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF); // Segment, unknown size
        byte[] head = out.toByteArray();
        byte[] all = new byte[size];
        new Random(size).nextBytes(all);
        System.arraycopy(head, 0, all, 0, head.length);
        return all;
    }

    /** The first Ogg page of an Opus stream (OpusHead), then noise. */
    static byte[] ogg(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, 'O', 'g', 'g', 'S', 0, 0x02);                         // capture pattern, version, BOS
        write(out, 0, 0, 0, 0, 0, 0, 0, 0);                              // granule position
        write(out, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 0, 0, 0, 0);      // serial, page seq, CRC
        write(out, 1, 19);                                               // one segment of 19 bytes
        write(out, 'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0);
        byte[] head = out.toByteArray();
        byte[] all = new byte[size];
        new Random(size).nextBytes(all);
        System.arraycopy(head, 0, all, 0, head.length);
        return all;
    }
}
