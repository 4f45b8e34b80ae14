package dev.chat.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Recipients report receipts, as the web client does: a per-conversation cursor, never one frame
 * per message. When a socket gets someone else's {@code message.created}, it notes the seq; at most
 * once every {@value #DEFAULT_DELAY_MS} ms per socket and conversation it then sends the frames
 * the browser sends for a conversation it shows, {@code delivered} then {@code read}, both with
 * the highest seq seen:
 * <pre>
 * {"type":"delivered","id":"d42","conversation":"…","seq":42}
 * {"type":"read","conversation":"…","seq":42,"id":"r42"}
 * </pre>
 * The web client (app.js) sends {@code read} 300 ms after the last message of a burst in the
 * conversation on screen, and {@code delivered} at once for a message in any other conversation.
 * Here both go out together, 300 ms after the first message not yet reported (a throttle rather
 * than the browser's debounce, so that a socket under steady load still reports): at most the
 * browser's frames for either case, and never fewer than one cursor per 300 ms.
 *
 * <p>One timer thread for all sockets; the frames are written on virtual threads, since a socket
 * allows one write at a time and the sender may be writing. On by default;
 * {@code -Dbench.receipts=false} turns them off, {@code -Dbench.receipts.delay.ms} sets the delay.
 */
final class Receipts {
    private static final long DEFAULT_DELAY_MS = 300;
    /** Whether recipients report receipts (-Dbench.receipts, on by default). */
    static final boolean ON = !"false".equalsIgnoreCase(System.getProperty("bench.receipts", "true"));
    private static final long DELAY_MS = Long.getLong("bench.receipts.delay.ms", DEFAULT_DELAY_MS);

    /** One socket's position in one conversation. Guarded by itself. */
    private static final class Cursor {
        private final String conversation;
        private long seen;
        private long reported;
        private boolean scheduled;

        Cursor(String conversation) {
            this.conversation = conversation;
        }
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("receipts").unstarted(r));
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    /** Per socket index, its cursors by conversation id. */
    private final Map<Integer, Map<String, Cursor>> cursors = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder read = new LongAdder();

    /** What the report says about them. */
    static String describe() {
        return ON ? "Recipients report receipts as the web client does: on (delivered + read, one cursor per socket and "
                + "conversation at most every " + DELAY_MS + " ms; -Dbench.receipts=false turns them off)."
                : "Recipients report receipts: off (-Dbench.receipts=false).";
    }

    /** A recipient's socket got someone else's message.created frame. */
    void arrived(ChatSocket socket, CharSequence frame) {
        String conversation = Frames.stringField(frame, "conversation");
        long seq = Frames.numberField(frame, "seq");
        if (conversation == null || seq < 0) {
            return;
        }
        Cursor c = cursors.computeIfAbsent(socket.index, i -> new ConcurrentHashMap<>(2))
                .computeIfAbsent(conversation, Cursor::new);
        boolean schedule;
        synchronized (c) {
            c.seen = Math.max(c.seen, seq);
            schedule = !c.scheduled;
            c.scheduled = true;
        }
        if (schedule) {
            timer.schedule(() -> writers.execute(() -> report(socket, c)), DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void report(ChatSocket socket, Cursor c) {
        long seq;
        synchronized (c) {
            c.scheduled = false;
            seq = c.seen;
            if (seq <= c.reported) {
                return;
            }
            c.reported = seq;
        }
        try {
            socket.send("{\"type\":\"delivered\",\"id\":\"d" + seq + "\",\"conversation\":\"" + c.conversation + "\",\"seq\":" + seq + "}");
            delivered.increment();
            socket.send("{\"type\":\"read\",\"conversation\":\"" + c.conversation + "\",\"seq\":" + seq + ",\"id\":\"r" + seq + "\"}");
            read.increment();
        } catch (RuntimeException closed) {
            // the socket went away: the browser drops receipts while offline too
        }
    }

    /** How many of each were sent so far. */
    String counts() {
        return ON ? String.format("receipts sent: %,d delivered, %,d read", delivered.sum(), read.sum()) : "receipts off";
    }
}
