package dev.chat.api.attachments;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Optional;

/**
 * Shared pictures made safe and small. {@link #withoutMetadata} removes EXIF, XMP and text
 * metadata (where a phone writes the location it was taken at) without re-encoding the pixels,
 * keeping only the orientation; {@link #thumbnail} draws a JPEG of at most {@link #THUMBNAIL}
 * pixels on the long side, upright.
 */
public final class Images {
    public static final int THUMBNAIL = 320;
    /** Pictures larger than this are stored and served but get no thumbnail (a decompression bomb costs nothing). */
    static final long MAX_PIXELS = 50_000_000L;
    /**
     * The WebP decoder reads the whole picture at full size before scaling (about a second of CPU
     * per 4 megapixels here), so WebP pictures above this get no thumbnail.
     */
    static final long WEBP_MAX_PIXELS = 4096L * 4096L;

    private Images() {
    }

    /** The picture's size as shown (orientation applied) and its thumbnail, when it can be decoded. */
    public record Processed(int width, int height, byte[] thumbnail) {
    }

    /**
     * The image without metadata: JPEG APP1 (EXIF, XMP) and APP13 segments become at most a
     * minimal EXIF block holding the orientation; PNG text and eXIf chunks and WebP EXIF/XMP chunks
     * are dropped; so is anything after a JPEG's end (the second pictures of Multi-Picture files,
     * which carry their own EXIF, and appended data). Other types are returned as they are.
     *
     * @throws IllegalArgumentException when the file does not parse as its type: it cannot be
     *                                  shown as a picture, and its metadata cannot be found
     */
    public static byte[] withoutMetadata(byte[] image, String type) {
        return switch (type) {
            case "image/jpeg" -> jpegWithoutMetadata(image);
            case "image/png" -> pngWithoutMetadata(image);
            case "image/webp" -> webpWithoutMetadata(image);
            default -> image;
        };
    }

    /**
     * Size and thumbnail, or empty when the bytes do not decode as a picture Java can read. WebP is
     * decoded by the TwelveMonkeys plugin; one it cannot decode still gets its size from its header.
     */
    public static Optional<Processed> process(byte[] image, String type) {
        return process(image, type, WEBP_MAX_PIXELS);
    }

    public static Optional<Processed> process(byte[] image, String type, long webpMaxPixels) {
        Optional<Processed> decoded = decode(image, type, type.equals("image/webp") ? webpMaxPixels : MAX_PIXELS);
        if (decoded.isEmpty() && type.equals("image/webp")) {
            return webpSize(image).map(wh -> new Processed(wh[0], wh[1], null));
        }
        return decoded;
    }

    private static Optional<Processed> decode(byte[] image, String type, long maxPixels) {
        int orientation = type.equals("image/jpeg") ? jpegOrientation(image) : 1;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return Optional.empty();
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                boolean sideways = orientation >= 5;
                int shownW = sideways ? h : w;
                int shownH = sideways ? w : h;
                if ((long) w * h > maxPixels) {
                    return Optional.of(new Processed(shownW, shownH, null));
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(w, h) / (THUMBNAIL * 2));
                param.setSourceSubsampling(step, step, 0, 0);
                BufferedImage decoded = reader.read(0, param);
                return Optional.of(new Processed(shownW, shownH, jpeg(scaled(decoded, orientation))));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static BufferedImage scaled(BufferedImage source, int orientation) {
        double scale = Math.min(1.0, (double) THUMBNAIL / Math.max(source.getWidth(), source.getHeight()));
        int w = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(source.getHeight() * scale));
        boolean sideways = orientation >= 5 && orientation <= 8;
        BufferedImage out = new BufferedImage(sideways ? h : w, sideways ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE); // transparent pixels on white, as chat clients show them
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.transform(orientationTransform(orientation, w, h));
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** EXIF orientations 1-8 as the transform that draws a w x h picture upright. */
    private static AffineTransform orientationTransform(int orientation, int w, int h) {
        AffineTransform t = new AffineTransform();
        switch (orientation) {
            case 2 -> { t.translate(w, 0); t.scale(-1, 1); }
            case 3 -> { t.translate(w, h); t.rotate(Math.PI); }
            case 4 -> { t.translate(0, h); t.scale(1, -1); }
            case 5 -> { t.rotate(Math.PI / 2); t.scale(1, -1); }
            case 6 -> { t.translate(h, 0); t.rotate(Math.PI / 2); }
            case 7 -> { t.scale(-1, 1); t.translate(-h, 0); t.translate(0, w); t.rotate(3 * Math.PI / 2); }
            case 8 -> { t.translate(0, w); t.rotate(3 * Math.PI / 2); }
            default -> { }
        }
        return t;
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.82f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    // ------------------------------------------------------------------------------------ JPEG

    private static byte[] jpegWithoutMetadata(byte[] in) {
        int orientation = jpegOrientation(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        out.write(0xFF);
        out.write(0xD8);
        if (orientation > 1 && orientation <= 8) {
            out.writeBytes(minimalExif(orientation));
        }
        int at = 2;
        while (at + 2 <= in.length) {
            if ((in[at] & 0xFF) != 0xFF) {
                throw new IllegalArgumentException("not a marker at " + at);
            }
            int marker = in[at + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                at++;
                continue;
            }
            if (marker == 0xD9) { // end of image: what follows (MPF pictures, appended data) is dropped
                out.write(0xFF);
                out.write(0xD9);
                return out.toByteArray();
            }
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD7) { // markers without a length
                out.write(in, at, 2);
                at += 2;
                continue;
            }
            if (at + 4 > in.length) {
                break;
            }
            int length = ((in[at + 2] & 0xFF) << 8) | (in[at + 3] & 0xFF);
            if (length < 2 || at + 2 + length > in.length) {
                throw new IllegalArgumentException("truncated segment at " + at);
            }
            if (!dropped(in, at, marker, length)) {
                out.write(in, at, 2 + length);
            }
            at += 2 + length;
            if (marker == 0xDA) { // a scan: its entropy-coded data runs to the next real marker
                int end = at;
                while (end + 1 < in.length && !((in[end] & 0xFF) == 0xFF && isMarker(in[end + 1] & 0xFF))) {
                    end++;
                }
                out.write(in, at, end - at);
                at = end;
            }
        }
        throw new IllegalArgumentException("no end of image");
    }

    /** After 0xFF inside scan data: 0x00 is a stuffed byte, 0xD0-0xD7 a restart, 0xFF fill; the rest end the scan. */
    private static boolean isMarker(int next) {
        return next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7);
    }

    /** EXIF/XMP (APP1), Multi-Picture indexes (APP2 "MPF"), Photoshop IRB (APP13) and comments. */
    private static boolean dropped(byte[] in, int at, int marker, int length) {
        return marker == 0xE1 || marker == 0xED || marker == 0xFE
                || marker == 0xE2 && length >= 6 && Arrays.equals(in, at + 4, at + 8, "MPF\0".getBytes(StandardCharsets.US_ASCII), 0, 4);
    }

    /** An APP1 EXIF segment with IFD0 holding only the Orientation tag (0x0112). */
    private static byte[] minimalExif(int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian header, IFD0 at offset 8
                0, 1, // one entry
                0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // Orientation, SHORT, 1 value
                0, 0, 0, 0}; // no next IFD
        byte[] exif = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
        int length = 2 + exif.length + tiff.length;
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(0xFF);
        s.write(0xE1);
        s.write(length >> 8);
        s.write(length & 0xFF);
        s.writeBytes(exif);
        s.writeBytes(tiff);
        return s.toByteArray();
    }

    /** The EXIF orientation (1-8) of a JPEG, 1 when absent or unreadable. */
    public static int jpegOrientation(byte[] in) {
        try {
            int at = 2;
            while (at + 4 <= in.length && (in[at] & 0xFF) == 0xFF) {
                int marker = in[at + 1] & 0xFF;
                if (marker == 0xDA || marker == 0xD9) {
                    return 1;
                }
                int length = ((in[at + 2] & 0xFF) << 8) | (in[at + 3] & 0xFF);
                if (marker == 0xE1 && length > 16 && Arrays.equals(in, at + 4, at + 10,
                        "Exif\0\0".getBytes(StandardCharsets.US_ASCII), 0, 6)) {
                    int orientation = tiffOrientation(in, at + 10, at + 2 + length);
                    if (orientation >= 1 && orientation <= 8) {
                        return orientation;
                    }
                }
                at += 2 + length;
            }
        } catch (RuntimeException e) {
            // unreadable EXIF: upright
        }
        return 1;
    }

    private static int tiffOrientation(byte[] b, int tiff, int end) {
        boolean little = b[tiff] == 'I';
        int ifd = tiff + u32(b, tiff + 4, little);
        int entries = u16(b, ifd, little);
        for (int i = 0; i < entries; i++) {
            int e = ifd + 2 + i * 12;
            if (e + 12 > end) {
                break;
            }
            if (u16(b, e, little) == 0x0112) {
                return u16(b, e + 8, little);
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int x = b[at] & 0xFF;
        int y = b[at + 1] & 0xFF;
        return little ? x | y << 8 : x << 8 | y;
    }

    private static int u32(byte[] b, int at, boolean little) {
        return little ? u16(b, at, true) | u16(b, at + 2, true) << 16 : u16(b, at, false) << 16 | u16(b, at + 2, false);
    }

    // ------------------------------------------------------------------------------------- PNG

    private static byte[] pngWithoutMetadata(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        out.write(in, 0, 8);
        int at = 8;
        while (at + 12 <= in.length) {
            int length = (int) (((long) (in[at] & 0xFF) << 24) | (in[at + 1] & 0xFF) << 16 | (in[at + 2] & 0xFF) << 8 | (in[at + 3] & 0xFF));
            String type = new String(in, at + 4, 4, StandardCharsets.US_ASCII);
            int size = 12 + length;
            if (length < 0 || at + size > in.length) {
                throw new IllegalArgumentException("truncated chunk " + type);
            }
            if (!(type.equals("eXIf") || type.equals("tEXt") || type.equals("zTXt") || type.equals("iTXt"))) {
                out.write(in, at, size);
            }
            at += size;
            if (type.equals("IEND")) {
                break;
            }
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------ WebP

    /** Width and height from a WebP's first chunk (VP8X canvas, VP8 frame or VP8L header). */
    static Optional<int[]> webpSize(byte[] in) {
        if (in.length < 30) {
            return Optional.empty();
        }
        String first = new String(in, 12, 4, StandardCharsets.US_ASCII);
        return switch (first) {
            case "VP8X" -> Optional.of(new int[] {1 + u24(in, 24), 1 + u24(in, 27)});
            case "VP8 " -> (in[23] & 0xFF) == 0x9D && (in[24] & 0xFF) == 0x01 && (in[25] & 0xFF) == 0x2A
                    ? Optional.of(new int[] {u16(in, 26, true) & 0x3FFF, u16(in, 28, true) & 0x3FFF}) : Optional.empty();
            case "VP8L" -> {
                if ((in[20] & 0xFF) != 0x2F) {
                    yield Optional.empty();
                }
                long bits = (in[21] & 0xFFL) | (in[22] & 0xFFL) << 8 | (in[23] & 0xFFL) << 16 | (in[24] & 0xFFL) << 24;
                yield Optional.of(new int[] {1 + (int) (bits & 0x3FFF), 1 + (int) (bits >> 14 & 0x3FFF)});
            }
            default -> Optional.empty();
        };
    }

    private static int u24(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }

    private static byte[] webpWithoutMetadata(byte[] in) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(in.length);
        int at = 12;
        int vp8x = -1;
        while (at + 8 <= in.length) {
            String type = new String(in, at, 4, StandardCharsets.US_ASCII);
            int length = (in[at + 4] & 0xFF) | (in[at + 5] & 0xFF) << 8 | (in[at + 6] & 0xFF) << 16 | (in[at + 7] & 0xFF) << 24;
            int size = 8 + length + (length & 1);
            if (length < 0 || at + 8 + length > in.length) {
                throw new IllegalArgumentException("truncated chunk " + type);
            }
            if (!(type.equals("EXIF") || type.equals("XMP "))) {
                if (type.equals("VP8X")) {
                    vp8x = body.size();
                }
                body.write(in, at, Math.min(size, in.length - at));
            }
            at += size;
        }
        byte[] chunks = body.toByteArray();
        if (vp8x >= 0) {
            chunks[vp8x + 8] &= (byte) ~0x0C; // the EXIF and XMP flags
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunks.length + 12);
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        int riff = chunks.length + 4;
        out.write(riff & 0xFF);
        out.write(riff >> 8 & 0xFF);
        out.write(riff >> 16 & 0xFF);
        out.write(riff >> 24 & 0xFF);
        out.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(chunks);
        return out.toByteArray();
    }
}
