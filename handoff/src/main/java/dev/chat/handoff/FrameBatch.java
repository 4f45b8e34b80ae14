package dev.chat.handoff;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The body of one hand-off call: several client frames, each with the identity of the socket it
 * came from, and the body of its answer: one answer per frame, in the same order. Frames travel as
 * they came (no JSON around them, no escaping): a header line then the frame's bytes.
 *
 * <pre>
 * request:  &lt;n&gt;\n  then n times:  &lt;user&gt; &lt;session&gt; &lt;trace or -&gt; &lt;bytes&gt;\n &lt;frame&gt;\n
 * response: n times:  &lt;bytes&gt;\n &lt;answer&gt;\n      (0 bytes: no answer is due)
 * </pre>
 * Thread-safe (stateless).
 */
public final class FrameBatch {
    /** One frame of a socket, as a ws-node hands it off. */
    public record Item(UUID user, UUID session, String trace, byte[] frame) {
    }

    private FrameBatch() {
    }

    public static byte[] encode(List<Item> items) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * items.size());
        line(out, Integer.toString(items.size()));
        for (Item i : items) {
            line(out, i.user() + " " + i.session() + " " + (i.trace() == null ? "-" : i.trace()) + " " + i.frame().length);
            out.writeBytes(i.frame());
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Reads a request body; throws {@link IllegalArgumentException} if it is not one. */
    public static List<Item> decode(byte[] body) {
        Reader r = new Reader(body);
        int n = Integer.parseInt(r.line());
        if (n < 0 || n > 10_000) {
            throw new IllegalArgumentException("batch size out of range: " + n);
        }
        List<Item> items = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            String[] head = r.line().split(" ");
            if (head.length != 4) {
                throw new IllegalArgumentException("malformed item header");
            }
            items.add(new Item(UUID.fromString(head[0]), UUID.fromString(head[1]), head[2].equals("-") ? null : head[2],
                    r.bytes(Integer.parseInt(head[3]))));
        }
        return items;
    }

    /** The answers, null where none is due. */
    public static byte[] encodeAnswers(List<String> answers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 * answers.size());
        for (String a : answers) {
            byte[] bytes = a == null ? new byte[0] : a.getBytes(StandardCharsets.UTF_8);
            line(out, Integer.toString(bytes.length));
            out.writeBytes(bytes);
            out.write('\n');
        }
        return out.toByteArray();
    }

    public static List<String> decodeAnswers(byte[] body, int expected) {
        Reader r = new Reader(body);
        List<String> answers = new ArrayList<>(expected);
        for (int k = 0; k < expected; k++) {
            byte[] a = r.bytes(Integer.parseInt(r.line()));
            answers.add(a.length == 0 ? null : new String(a, StandardCharsets.UTF_8));
        }
        return answers;
    }

    private static void line(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
    }

    private static final class Reader {
        private final byte[] body;
        private int at;

        Reader(byte[] body) {
            this.body = body;
        }

        String line() {
            int start = at;
            while (at < body.length && body[at] != '\n') {
                at++;
            }
            if (at >= body.length) {
                throw new IllegalArgumentException("truncated batch");
            }
            return new String(body, start, at++ - start, StandardCharsets.US_ASCII);
        }

        byte[] bytes(int n) {
            if (n < 0 || at + n + 1 > body.length || body[at + n] != '\n') {
                throw new IllegalArgumentException("truncated batch");
            }
            byte[] out = java.util.Arrays.copyOfRange(body, at, at + n);
            at += n + 1;
            return out;
        }
    }
}
