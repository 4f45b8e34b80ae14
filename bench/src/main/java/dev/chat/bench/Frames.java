package dev.chat.bench;

import dev.chat.fanout.Mappers;
import dev.chat.protocol.ClientFrames;
import dev.chat.protocol.ServerEvents;

/**
 * The protocol's codecs, shared by every load client (both are thread-safe): frames are written
 * from their records ({@link ClientFrames}) and what the server writes is read into its records
 * ({@link ServerEvents}), so the bench speaks the protocol's own types rather than strings. Beside
 * them, the benchmark's own convention: the marker a benchmark message carries in its text
 * ({@code bench:<message number>:<send nanoTime>}) and the frame ids of its sends ({@code m<number>}).
 */
final class Frames {
    static final String MARKER = "bench:";
    /** Writes client frames (the mapper recycles buffers across the clients' virtual threads). */
    static final ClientFrames CLIENT = new ClientFrames(Mappers.create());
    /** Reads the server's frames and events. */
    static final ServerEvents SERVER = new ServerEvents();

    private Frames() {
    }

    /** The text of a benchmark message. */
    static String text(long message, long sentNanos) {
        return MARKER + message + ":" + sentNanos;
    }

    /** {message number, send nanoTime} from a benchmark message's text, or null when it is not one. */
    static long[] marker(String text) {
        if (!text.startsWith(MARKER)) {
            return null;
        }
        int colon = text.indexOf(':', MARKER.length());
        if (colon < 0) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(text, MARKER.length(), colon, 10), Long.parseLong(text, colon + 1, text.length(), 10)};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The frame id of benchmark send {@code message}. */
    static String frameId(long message) {
        return "m" + message;
    }

    /** The message number of a frame id {@code m<number>} (a send's, echoed in its ack or error), or -1. */
    static long message(String frameId) {
        if (frameId.length() < 2 || frameId.charAt(0) != 'm') {
            return -1;
        }
        try {
            return Long.parseLong(frameId, 1, frameId.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
