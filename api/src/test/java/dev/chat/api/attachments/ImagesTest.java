package dev.chat.api.attachments;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagesTest {
    /** A JPEG of w x h with an EXIF block (orientation, and a GPS marker text) right after SOI. */
    static byte[] jpegWithExif(int w, int h, int orientation) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.getGraphics().fillRect(0, 0, w / 2, h);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", plain);
        byte[] jpeg = plain.toByteArray();
        byte[] gps = "GPSLatitude 48.8584 N".getBytes(StandardCharsets.US_ASCII);
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, 0, 0, 0, 0};
        ByteArrayOutputStream app1 = new ByteArrayOutputStream();
        app1.writeBytes("Exif\0\0".getBytes(StandardCharsets.US_ASCII));
        app1.writeBytes(tiff);
        app1.writeBytes(gps);
        int length = app1.size() + 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(app1.toByteArray());
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    @Test
    void locationIsStrippedAndOrientationKept() throws IOException {
        byte[] original = jpegWithExif(1200, 800, 6);
        assertTrue(contains(original, "GPSLatitude"));
        byte[] clean = Images.withoutMetadata(original, "image/jpeg");
        assertFalse(contains(clean, "GPSLatitude"));
        assertEquals(6, Images.jpegOrientation(clean));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(clean));
        assertEquals(1200, decoded.getWidth());
        assertEquals(800, decoded.getHeight());
    }

    @Test
    void thumbnailIsSmallAndUpright() throws IOException {
        Images.Processed p = Images.process(jpegWithExif(1200, 800, 6), "image/jpeg").orElseThrow();
        assertEquals(800, p.width()); // rotated a quarter turn: shown 800 wide, 1200 high
        assertEquals(1200, p.height());
        assertNotNull(p.thumbnail());
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(p.thumbnail()));
        assertEquals(Images.THUMBNAIL, thumb.getHeight());
        assertEquals(213, thumb.getWidth(), 1);
    }

    @Test
    void aSecondPictureAfterTheEndGoesWithItsLocation() throws IOException {
        byte[] main = jpegWithExif(64, 48, 1);
        byte[] second = jpegWithExif(16, 16, 1); // Multi-Picture files append pictures with their own EXIF
        byte[] both = java.util.Arrays.copyOf(main, main.length + second.length);
        System.arraycopy(second, 0, both, main.length, second.length);
        byte[] clean = Images.withoutMetadata(both, "image/jpeg");
        assertFalse(contains(clean, "GPSLatitude"));
        assertEquals(64, ImageIO.read(new ByteArrayInputStream(clean)).getWidth());
        assertTrue(clean.length < main.length);
    }

    @Test
    void aDamagedJpegIsNotTakenForAPicture() throws IOException {
        byte[] jpeg = jpegWithExif(64, 48, 1);
        byte[] cut = java.util.Arrays.copyOf(jpeg, 40); // inside the EXIF segment
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Images.withoutMetadata(cut, "image/jpeg"));
    }

    @Test
    void aLossyWebpGetsAnUprightThumbnailOfItsPixels() throws IOException {
        // 64x48, made by Chromium's encoder (canvas.toDataURL("image/webp")): a gradient from
        // orange (top left) to blue (bottom right), a white square at 8..24, an ICC profile chunk
        byte[] webp = java.util.Base64.getDecoder().decode(
                "UklGRrgCAABXRUJQVlA4WAoAAAAgAAAAPwAALwAASUNDUMgBAAAAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAA" +
                "AABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" +
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAA" +
                "ABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAA" +
                "AAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAA" +
                "AAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAA" +
                "AABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADZWUDggygAAAPAG" +
                "AJ0BKkAAMAA+bTCURyQjIiEqqACADYlmAYQBsIolPj7Ngj22n17FBX9AR4MzQsTT9hm4LvRHl//7yP//igAA/ot6yTPybB//" +
                "Xy7Pw4Yv03v//9CNYtWWwM3n94qHEzuN6oWQ7amIEMSuAa9nP2Dp5THOdmT4Gy2P7aOjiUxT0n6sFVvGz6Kc+G7s9ZLh1e8A" +
                "dbIw6BpIod8qOnjdDPVEnim4NvMkBDrwBwu8HfxMuGX1K88EcnRR79k6PIgQhehw+YOP7DGolAA=");
        Images.Processed p = Images.process(webp, "image/webp").orElseThrow();
        assertEquals(64, p.width());
        assertEquals(48, p.height());
        assertNotNull(p.thumbnail(), "WebP pictures get thumbnails");
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(p.thumbnail()));
        assertEquals(64, thumb.getWidth());
        assertEquals(48, thumb.getHeight());
        java.awt.Color square = new java.awt.Color(thumb.getRGB(16, 16));
        java.awt.Color topLeft = new java.awt.Color(thumb.getRGB(2, 40));
        java.awt.Color bottomRight = new java.awt.Color(thumb.getRGB(60, 44));
        assertTrue(square.getRed() > 230 && square.getGreen() > 230 && square.getBlue() > 230, "white square: " + square);
        assertTrue(topLeft.getRed() > topLeft.getBlue() + 60, "orange side: " + topLeft);
        assertTrue(bottomRight.getBlue() > bottomRight.getRed() + 60, "blue side: " + bottomRight);

        // above the WebP decoding limit: the size, no thumbnail
        Images.Processed big = Images.process(webp, "image/webp", 64 * 48 - 1).orElseThrow();
        assertEquals(64, big.width());
        assertEquals(48, big.height());
        assertNull(big.thumbnail(), "too many pixels to decode");
    }

    @Test
    void webpSizeComesFromItsHeader() {
        // the 1x1 lossless WebP, and a VP8X canvas of 640x480 with no picture in it (the decoder
        // gives up; the header still tells the size)
        byte[] lossless = java.util.Base64.getDecoder().decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==");
        assertEquals(1, Images.process(lossless, "image/webp").orElseThrow().width());
        byte[] vp8x = new byte[30];
        System.arraycopy("RIFF\0\0\0\0WEBPVP8X".getBytes(StandardCharsets.US_ASCII), 0, vp8x, 0, 16);
        vp8x[24] = (byte) 639;
        vp8x[25] = (byte) (639 >> 8);
        vp8x[27] = (byte) 479;
        vp8x[28] = (byte) (479 >> 8);
        Images.Processed p = Images.process(vp8x, "image/webp").orElseThrow();
        assertEquals(640, p.width());
        assertEquals(480, p.height());
    }

    @Test
    void pngTextChunksAreDropped() throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        byte[] plain = png.toByteArray();
        // insert a tEXt chunk after IHDR (8 + 25 bytes)
        byte[] text = "tEXtComment\0GPS 48.85".getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream withText = new ByteArrayOutputStream();
        withText.write(plain, 0, 33);
        int len = text.length - 4;
        withText.writeBytes(new byte[] {0, 0, 0, (byte) len});
        withText.writeBytes(text);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text);
        long c = crc.getValue();
        withText.writeBytes(new byte[] {(byte) (c >> 24), (byte) (c >> 16), (byte) (c >> 8), (byte) c});
        withText.write(plain, 33, plain.length - 33);
        byte[] clean = Images.withoutMetadata(withText.toByteArray(), "image/png");
        assertFalse(contains(clean, "GPS 48.85"));
        assertEquals(plain.length, clean.length);
        assertEquals(40, ImageIO.read(new ByteArrayInputStream(clean)).getWidth());
    }
}
