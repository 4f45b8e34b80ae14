package dev.chat.bench;

import dev.chat.protocol.ClientFrame;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Recipients report receipts, as the web client does: a per-conversation cursor, never one frame
 * per message. When a socket gets someone else's {@code message.created}, it notes the seq; at
 * most once every {@value #DEFAULT_DELAY_MS} ms per socket and conversation it then reports the
 * highest seq seen, with the frame the browser sends:
 * <pre>
 * {"type":"read","id":"r42","conversation":"…","seq":42}       the conversation is on screen
 * {"type":"delivered","id":"d42","conversation":"…","seq":42}  it is not
 * </pre>
 * A {@code read} moves both cursors, so the browser never sends both for one message. By default
 * half the sockets (even index) have their conversation on screen and send {@code read}, the
 * others {@code delivered}: in W3 one of each pair, in a channel half its members.
 * {@code -Dbench.receipts=read} or {@code =delivered} makes every socket send that one,
 * {@code =false} turns receipts off, and {@code -Dbench.receipts.delay.ms} sets the delay.
 *
 * <p>Where this differs from the browser (app.js): its {@code read} is debounced (sent 300 ms after
 * the last message of a burst), and its {@code delivered} goes out at once for every message.
 * Here both are throttled: sent 300 ms after the first message not yet reported, so a socket
 * under steady load still reports, and never more than one frame per 300 ms and conversation.
 *
 * <p>One timer thread for all sockets; the frames are written on virtual threads, since a socket
 * allows one write at a time and the sender may be writing.
 */
final class Receipts {
    private static final long DEFAULT_DELAY_MS = 300;
    private static final String MODE = System.getProperty("bench.receipts", "mixed").trim().toLowerCase(Locale.ROOT);
    /** Whether recipients report receipts (-Dbench.receipts, on by default). */
    static final boolean ON = !MODE.equals("false") && !MODE.equals("off");
    private static final long DELAY_MS = Long.getLong("bench.receipts.delay.ms", DEFAULT_DELAY_MS);

    /** One socket's position in one conversation. Guarded by itself. */
    private static final class Cursor {
        private final UUID conversation;
        private long seen;
        private long reported;
        private boolean scheduled;

        Cursor(UUID conversation) {
            this.conversation = conversation;
        }
    }

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("receipts").unstarted(r));
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    /** Per socket index, its cursors by conversation id. */
    private final Map<Integer, Map<UUID, Cursor>> cursors = new ConcurrentHashMap<>();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder read = new LongAdder();

    /** What the report says about them. */
    static String describe() {
        if (!ON) {
            return "Recipients report receipts: off (-Dbench.receipts=false).";
        }
        String who = switch (MODE) {
            case "read" -> "every socket sends read";
            case "delivered" -> "every socket sends delivered";
            default -> "half the sockets send read (conversation on screen), half delivered";
        };
        return "Recipients report receipts as the web client does: on (" + who + ", one cursor per socket and conversation "
                + "at most every " + DELAY_MS + " ms; -Dbench.receipts=false turns them off).";
    }

    /** Whether this socket has its conversation on screen (sends read) or not (sends delivered). */
    private static boolean onScreen(ChatSocket socket) {
        return switch (MODE) {
            case "read" -> true;
            case "delivered" -> false;
            default -> socket.index % 2 == 0;
        };
    }

    /** A recipient's socket got someone else's message, at {@code seq} of {@code conversation}. */
    void arrived(ChatSocket socket, UUID conversation, long seq) {
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
            if (onScreen(socket)) {
                socket.send(Frames.CLIENT.encode(new ClientFrame.Read("r" + seq, c.conversation, seq)));
                read.increment();
            } else {
                socket.send(Frames.CLIENT.encode(new ClientFrame.Delivered("d" + seq, c.conversation, seq)));
                delivered.increment();
            }
        } catch (RuntimeException closed) {
            // the socket went away: the browser drops receipts while offline too
        }
    }

    /** How many of each were sent so far. */
    String counts() {
        return ON ? String.format("receipts sent: %,d delivered, %,d read", delivered.sum(), read.sum()) : "receipts off";
    }
}
