package dev.chat.api.attachments;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContentSnifferTest {
    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void picturesAreKnownByTheirBytesNotTheirDeclaredType() {
        assertEquals("image/jpeg", ContentSniffer.sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10), "image/png"));
        assertEquals("image/png", ContentSniffer.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0), "application/octet-stream"));
        assertEquals("image/gif", ContentSniffer.sniff("GIF89a....".getBytes(StandardCharsets.US_ASCII), ""));
        assertEquals("image/webp", ContentSniffer.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII), "image/webp"));
    }

    @Test
    void containersTakeTheDeclaredFamily() {
        byte[] webm = bytes(0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm');
        assertEquals("audio/webm", ContentSniffer.sniff(webm, "audio/webm"));
        assertEquals("video/webm", ContentSniffer.sniff(webm, "video/webm"));
        assertEquals("audio/ogg", ContentSniffer.sniff("OggS\0\2".getBytes(StandardCharsets.US_ASCII), "audio/ogg"));
        assertEquals("video/mp4", ContentSniffer.sniff("\0\0\0\u0018ftypisom".getBytes(StandardCharsets.US_ASCII), "video/mp4"));
    }

    @Test
    void textPdfAndUnknownBytes() {
        assertEquals("application/pdf", ContentSniffer.sniff("%PDF-1.7\n".getBytes(StandardCharsets.US_ASCII), "image/png"));
        assertEquals("text/plain; charset=utf-8", ContentSniffer.sniff("<svg onload=alert(1)>héllo".getBytes(StandardCharsets.UTF_8), "image/svg+xml"));
        assertEquals("application/octet-stream", ContentSniffer.sniff(bytes(0, 1, 2, 3, 0xFE), "text/plain"));
    }

    @Test
    void aDeclaredMediaFamilyMustBeWhatTheBytesAre() {
        assertTrue(ContentSniffer.contradicts("image/png", "application/pdf"));
        assertTrue(ContentSniffer.contradicts("image/svg+xml", "text/plain; charset=utf-8"));
        assertTrue(ContentSniffer.contradicts("application/pdf", "text/plain; charset=utf-8"));
        assertFalse(ContentSniffer.contradicts("image/png", "image/jpeg"));
        assertFalse(ContentSniffer.contradicts("application/octet-stream", "application/zip"));
        assertEquals("image", ContentSniffer.kind("image/gif"));
        assertEquals("file", ContentSniffer.kind("image/heic"));
        assertEquals("file", ContentSniffer.kind("text/plain; charset=utf-8"));
    }
}
