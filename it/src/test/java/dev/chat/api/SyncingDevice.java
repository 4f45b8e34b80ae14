package dev.chat.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.protocol.ServerEvent;
import dev.chat.protocol.ServerFrame;
import dev.chat.protocol.ToClient;

import java.time.Duration;
import java.util.NavigableSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One person's device in one conversation, doing what the web client does: it stores messages by
 * seq from live frames; when its socket is lost it reconnects (to the URL the supplier gives) and,
 * once welcomed, syncs by REST from the newest message it holds with nothing missing below (the
 * web client's rule, {@link CursorRule}).
 */
final class SyncingDevice {
    final TestClient user;
    final UUID chat;
    final NavigableSet<Long> held = new ConcurrentSkipListSet<>();
    /** The device's store, as the web client keeps it: seq -> the message (its sender's client id). */
    final java.util.concurrent.ConcurrentMap<Long, String> stored = new java.util.concurrent.ConcurrentHashMap<>();
    /** Live frames whose seq was held already: dropped by seq (allowed: delivery is at-least-once). */
    final AtomicInteger liveDuplicates = new AtomicInteger();
    /** Arrivals (live or synced) whose seq was held already with another message in it. */
    final AtomicInteger conflicts = new AtomicInteger();
    final AtomicInteger reconnects = new AtomicInteger();
    final AtomicLong worstReconnectMillis = new AtomicLong(-1);
    private final Supplier<String> reconnectTo;
    private final long born = System.nanoTime();
    /** What the device went through, with milliseconds since it was made: printed when a test fails. */
    final java.util.Queue<String> trail = new java.util.concurrent.ConcurrentLinkedQueue<>();
    volatile TestClient.Socket ws;
    /** The node whose welcome this device had last (the Welcome frame names it). */
    volatile String node;

    SyncingDevice(TestClient user, UUID chat, String connectTo, Supplier<String> reconnectTo) throws InterruptedException {
        this.user = user;
        this.chat = chat;
        this.reconnectTo = reconnectTo;
        this.ws = user.connect(connectTo);
        this.node = ws.next(ServerFrame.Welcome.class, Duration.ofSeconds(10)).node();
    }

    /** Reads until {@code done}; run it on its own (virtual) thread. */
    void run(AtomicBoolean done) {
        while (!done.get()) {
            try {
                ToClient f = ws.frames.poll(100, TimeUnit.MILLISECONDS);
                if (f instanceof ServerEvent.MessageCreated m && chat.equals(m.conversation())) {
                    if (!store(m.seq(), m.message().clientMsgId())) {
                        liveDuplicates.incrementAndGet();
                    }
                } else if (f == null && ws.closeCode.isDone()) {
                    long lost = System.nanoTime();
                    note("closed (" + (ws.closeCode.isCompletedExceptionally() ? "error" : ws.closeCode.getNow(null)) + "); reconnecting");
                    TestClient.Socket again = user.connect(reconnectTo.get());
                    ServerFrame.Welcome welcome = again.next(ServerFrame.Welcome.class, Duration.ofSeconds(10));
                    note("welcomed by " + welcome.node());
                    ws = again;
                    node = welcome.node();
                    try {
                        sync();
                    } catch (RuntimeException | AssertionError e) {
                        again.ws.abort(); // not in sync: start over, as the web client does
                        again.closeCode.complete(1006);
                        throw e;
                    }
                    reconnects.incrementAndGet();
                    worstReconnectMillis.accumulateAndGet((System.nanoTime() - lost) / 1_000_000, Math::max);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | AssertionError e) {
                note("failed: " + e);
                // the node refused (e.g. 1013 while the broker is away) or was slow: try again shortly
                try {
                    Thread.sleep(250);
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }
    }

    /**
     * Everything above the newest message held with nothing missing below it, page by page: the
     * web client's own rule (cursor.js, run under node), not a copy of it.
     */
    void sync() {
        long after = CursorRule.contiguous(0, held);
        for (;;) {
            JsonNode page = user.get("/api/conversations/" + chat + "/messages?after=" + after + "&limit=100").body();
            page.path("messages").forEach(m -> store(m.path("seq").asLong(), m.path("clientMsgId").asText()));
            if (!page.path("hasMore").asBoolean() || page.path("messages").isEmpty()) {
                note("synced; newest held " + (held.isEmpty() ? 0 : held.last()));
                return;
            }
            after = page.path("messages").get(page.path("messages").size() - 1).path("seq").asLong();
        }
    }

    /** Stores a message by seq; false when the seq was held already (then it is not stored again). */
    private boolean store(long seq, String clientMsgId) {
        String before = stored.putIfAbsent(seq, clientMsgId);
        if (before != null && !before.equals(clientMsgId)) {
            conflicts.incrementAndGet();
        }
        held.add(seq);
        return before == null;
    }

    /**
     * How many messages this device holds more than once: a message (by its client id) stored under
     * more than one seq, or a seq that arrived again carrying another message.
     */
    int heldTwice() {
        java.util.List<String> messages = java.util.List.copyOf(stored.values()); // one snapshot: the device may still be storing
        return messages.size() - (int) messages.stream().distinct().count() + conflicts.get();
    }

    private void note(String what) {
        trail.add((System.nanoTime() - born) / 1_000_000 + " ms: " + what);
    }

    /** Drops the connection from the client's side, as a phone losing its network does. */
    void dropConnection() {
        ws.ws.abort(); // the JDK's WebSocket tells its listener nothing after abort(): note the loss as a browser would (1006)
        ws.closeCode.complete(1006);
    }

    boolean holdsExactly(long count) {
        return held.size() == count && held.first() == 1 && held.last() == count;
    }
}
