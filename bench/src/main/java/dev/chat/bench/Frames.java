package dev.chat.bench;

/**
 * Just enough reading of server frames to keep the load clients cheap: the type, and the marker a
 * benchmark message carries in its text ({@code bench:<message number>:<send nanoTime>}). The
 * service writes JSON with {@code type} first, without spaces (Jackson's compact form).
 */
final class Frames {
    static final String MARKER = "bench:";

    private Frames() {
    }

    static boolean isType(CharSequence frame, String type) {
        String prefix = "{\"type\":\"" + type + "\"";
        if (frame.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (frame.charAt(i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The text of a benchmark message. */
    static String text(long message, long sentNanos) {
        return MARKER + message + ":" + sentNanos;
    }

    /** {message number, send nanoTime} from a frame carrying a benchmark text, or null. */
    static long[] marker(CharSequence frame) {
        int at = indexOf(frame, MARKER, 0);
        if (at < 0) {
            return null;
        }
        int i = at + MARKER.length();
        long message = 0;
        for (; i < frame.length() && Character.isDigit(frame.charAt(i)); i++) {
            message = message * 10 + (frame.charAt(i) - '0');
        }
        if (i >= frame.length() || frame.charAt(i) != ':') {
            return null;
        }
        long sent = 0;
        for (i++; i < frame.length() && Character.isDigit(frame.charAt(i)); i++) {
            sent = sent * 10 + (frame.charAt(i) - '0');
        }
        return new long[] {message, sent};
    }

    /** The number in a frame id of the form {@code "id":"m<number>"}, or -1. */
    static long frameId(CharSequence frame) {
        int at = indexOf(frame, "\"id\":\"m", 0);
        if (at < 0) {
            return -1;
        }
        long n = 0;
        int i = at + 7;
        boolean any = false;
        for (; i < frame.length() && Character.isDigit(frame.charAt(i)); i++) {
            n = n * 10 + (frame.charAt(i) - '0');
            any = true;
        }
        return any ? n : -1;
    }

    /** The first string value of {@code "key":"…"} in a frame (the envelope's own fields come first), or null. */
    static String stringField(CharSequence frame, String key) {
        String prefix = "\"" + key + "\":\"";
        int at = indexOf(frame, prefix, 0);
        if (at < 0) {
            return null;
        }
        int from = at + prefix.length();
        int to = indexOf(frame, "\"", from);
        return to < 0 ? null : frame.subSequence(from, to).toString();
    }

    /** The first non-negative number of {@code "key":N} in a frame, or -1. */
    static long numberField(CharSequence frame, String key) {
        int at = indexOf(frame, "\"" + key + "\":", 0);
        if (at < 0) {
            return -1;
        }
        int i = at + key.length() + 3;
        long n = 0;
        boolean any = false;
        for (; i < frame.length() && Character.isDigit(frame.charAt(i)); i++) {
            n = n * 10 + (frame.charAt(i) - '0');
            any = true;
        }
        return any ? n : -1;
    }

    static int indexOf(CharSequence s, String what, int from) {
        if (s instanceof String str) {
            return str.indexOf(what, from);
        }
        return s.toString().indexOf(what, from);
    }
}
