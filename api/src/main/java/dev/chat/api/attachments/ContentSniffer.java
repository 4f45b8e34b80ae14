package dev.chat.api.attachments;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * What a file is, from its first bytes (magic numbers), never from its name or the type the
 * client declared. Containers that hold either sound or pictures (WebM, Ogg, MP4) take the
 * family the client declared, because their magic number cannot tell. Everything unrecognised is
 * {@code application/octet-stream}, served only as a download.
 */
public final class ContentSniffer {
    /** How many leading bytes {@link #sniff} looks at. */
    public static final int HEAD = 4096;

    /** Zip and OLE files whose declared office/e-book type is believed: the container matches. */
    private static final Set<String> ZIP_FORMATS = Set.of(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation", "application/epub+zip", "application/java-archive");
    private static final Set<String> OLE_FORMATS = Set.of("application/msword", "application/vnd.ms-excel",
            "application/vnd.ms-powerpoint");

    private ContentSniffer() {
    }

    /** The sniffed content type of a file starting with {@code head}, given what the client declared. */
    public static String sniff(byte[] head, String declared) {
        String media = media(head, family(declared));
        if (media != null) {
            return media;
        }
        String document = document(head, declared);
        if (document != null) {
            return document;
        }
        if (isText(head)) {
            return "text/plain; charset=utf-8";
        }
        return "application/octet-stream";
    }

    /** A picture, sound or video by its magic number, or null; {@code family} decides what a container holds. */
    private static String media(byte[] head, String family) {
        if (starts(head, 0, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (ascii(head, 0, "GIF87a") || ascii(head, 0, "GIF89a")) {
            return "image/gif";
        }
        if (ascii(head, 0, "RIFF") && ascii(head, 8, "WEBP")) {
            return "image/webp";
        }
        if (ascii(head, 0, "RIFF") && ascii(head, 8, "WAVE")) {
            return "audio/wav";
        }
        if (ascii(head, 0, "RIFF") && ascii(head, 8, "AVI ")) {
            return "video/x-msvideo";
        }
        if (starts(head, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            boolean webm = indexOf(head, "webm".getBytes(StandardCharsets.US_ASCII), 64) >= 0;
            return (family.equals("audio") ? "audio/" : "video/") + (webm ? "webm" : "x-matroska");
        }
        if (ascii(head, 0, "OggS")) {
            return family.equals("video") ? "video/ogg" : "audio/ogg";
        }
        if (ascii(head, 0, "fLaC")) {
            return "audio/flac";
        }
        if (ascii(head, 4, "ftyp")) {
            String brand = head.length >= 12 ? new String(head, 8, 4, StandardCharsets.US_ASCII) : "";
            return switch (brand) {
                case "M4A ", "M4B " -> "audio/mp4";
                case "qt  " -> "video/quicktime";
                case "heic", "heix", "mif1", "msf1" -> "image/heic";
                case "avif" -> "image/avif";
                default -> family.equals("audio") ? "audio/mp4" : "video/mp4";
            };
        }
        if (ascii(head, 0, "ID3") || head.length > 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xE0) == 0xE0
                && (head[1] & 0x06) != 0) {
            return "audio/mpeg";
        }
        return null;
    }

    /** A PDF, an archive or an office container by its magic number, or null. */
    private static String document(byte[] head, String declared) {
        if (ascii(head, 0, "%PDF-")) {
            return "application/pdf";
        }
        if (starts(head, 0, 'P', 'K', 3, 4)) {
            return ZIP_FORMATS.contains(declared) ? declared : "application/zip";
        }
        if (starts(head, 0, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1)) {
            return OLE_FORMATS.contains(declared) ? declared : "application/x-ole-storage";
        }
        if (starts(head, 0, 0x1F, 0x8B)) {
            return "application/gzip";
        }
        if (starts(head, 0, '7', 'z', 0xBC, 0xAF, 0x27, 0x1C)) {
            return "application/x-7z-compressed";
        }
        if (ascii(head, 0, "Rar!")) {
            return "application/vnd.rar";
        }
        return null;
    }

    /**
     * Whether the sniffed type contradicts the declared one: a declared picture, sound, video or
     * PDF must be one. Other declared types (documents, archives, "anything") take what was found.
     */
    public static boolean contradicts(String declared, String sniffed) {
        String family = family(declared);
        String found = family(sniffed);
        return switch (family) {
            case "image", "audio", "video" -> !found.equals(family);
            default -> declared.equals("application/pdf") && !sniffed.equals("application/pdf");
        };
    }

    /** What a message shows for this type: image, video, audio or file (voice is decided by the sender). */
    public static String kind(String sniffed) {
        return switch (sniffed) {
            case "image/jpeg", "image/png", "image/gif", "image/webp" -> "image";
            default -> switch (family(sniffed)) {
                case "video" -> "video";
                case "audio" -> "audio";
                default -> "file";
            };
        };
    }

    /** Whether a browser may show it in the page (inline) rather than only download it. */
    public static boolean inline(String sniffed) {
        String kind = kind(sniffed);
        return kind.equals("image") || kind.equals("video") || kind.equals("audio");
    }

    static String family(String type) {
        int slash = type.indexOf('/');
        return slash < 0 ? "" : type.substring(0, slash).toLowerCase(Locale.ROOT);
    }

    private static boolean starts(byte[] head, int at, int... bytes) {
        if (head.length < at + bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if ((head[at + i] & 0xFF) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] head, int at, String text) {
        return starts(head, at, text.chars().toArray());
    }

    private static int indexOf(byte[] head, byte[] needle, int within) {
        int end = Math.min(head.length, within) - needle.length;
        for (int i = 0; i <= end; i++) {
            if (Arrays.equals(head, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** UTF-8 without NULs or control characters other than tabs, line breaks and form feeds. */
    private static boolean isText(byte[] head) {
        if (head.length == 0) {
            return false;
        }
        int end = head.length;
        // the head may cut a multi-byte character in two: ignore up to 3 trailing continuation bytes
        for (int i = 0; i < 3 && end > 0 && (head[end - 1] & 0xC0) == 0x80; i++) {
            end--;
        }
        if (end > 0 && (head[end - 1] & 0xC0) == 0xC0) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            int b = head[i] & 0xFF;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' || b == 0x7F) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(head, 0, end));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
