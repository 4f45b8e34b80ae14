package dev.chat.api.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.api.db.Db;
import dev.chat.api.http.Json;
import dev.chat.fanout.EncodedEvent;
import dev.chat.presence.Presence;
import dev.chat.presence.PresenceStore;
import dev.chat.presence.PresenceUnavailableException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When to push (docs/ARCHITECTURE.md, "Web Push"): the events this api instance has committed
 * come here after their transaction ({@link #offer}, called by the outbox: a type test and a queue
 * offer, nothing more on the send path), and one virtual thread decides who gets a push. It takes
 * what has gathered for {@link #GATHER_MS} and asks presence about all their recipients at once
 * (one Memcached call, not one per message: that was a quarter of api's CPU at 100 messages a
 * second); an event is read only when one of its recipients is not online. Per event: for
 * {@code message.created}, every recipient but the sender whom presence says is not online, on each subscribed device, unless they muted the chat and the message does not mention
 * them; for {@code call.incoming}, the callee's devices, urgency high. Pushes are best effort: a
 * full queue drops (and logs), and an api instance that dies takes its queue along; the messages
 * themselves are never at stake.
 */
public final class Pushes implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Pushes.class.getName());
    static final int QUEUE = 10_000;
    /** The most characters of a message a push shows. */
    static final int PREVIEW = 120;
    static final Duration MESSAGE_TTL = Duration.ofDays(1);
    /** A call rings this long at most: its push is worthless later. */
    static final Duration CALL_TTL = Duration.ofSeconds(60);
    /** How long events gather before presence is asked about them together; a push service takes longer to deliver. */
    static final long GATHER_MS = 100;

    private final Db db;
    private final PushStore store;
    private final PresenceStore presence;
    private final PushSender sender;
    private final Json json;
    private final BlockingQueue<EncodedEvent> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread worker;

    public Pushes(Db db, PushStore store, PresenceStore presence, PushSender sender, Json json) {
        this.db = db;
        this.store = store;
        this.presence = presence;
        this.sender = sender;
        this.json = json;
        this.worker = Thread.ofVirtual().name("pushes").start(this::run);
    }

    /** Committed events; those that may push are queued. Never blocks. */
    public void offer(List<EncodedEvent> events) {
        for (EncodedEvent e : events) {
            boolean pushes = switch (e.type()) {
                case MESSAGE_CREATED, CALL_INCOMING -> true;
                default -> false;
            };
            if (pushes && !queue.offer(e)) {
                LOG.warning("the push queue is full: a push is dropped");
            }
        }
    }

    private void run() {
        List<EncodedEvent> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(queue.take());
                Thread.sleep(GATHER_MS);
                queue.drainTo(batch);
                handle(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "deciding pushes failed", e);
            }
            batch.clear();
        }
    }

    /** Decides the pushes of {@code events}, with one presence read for all their recipients. */
    void handle(List<EncodedEvent> events) {
        Set<UUID> everyone = new HashSet<>();
        events.forEach(e -> everyone.addAll(e.to()));
        Set<UUID> online = online(everyone);
        for (EncodedEvent e : events) {
            if (online.containsAll(e.to())) {
                continue; // nobody to push to: the frame is not even read
            }
            try {
                handle(e, online);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "deciding a push failed", ex);
            }
        }
    }

    private void handle(EncodedEvent e, Set<UUID> online) {
        JsonNode frame;
        try {
            frame = json.mapper().readTree(e.frame());
        } catch (java.io.IOException ex) {
            throw new IllegalStateException("an event api wrote is not JSON", ex);
        }
        UUID conversation = UUID.fromString(frame.path("conversation").asText());
        JsonNode data = frame.path("data");
        switch (e.type()) {
            case MESSAGE_CREATED -> message(conversation, frame.path("seq").asLong(), data, e.to(), online);
            case CALL_INCOMING -> call(conversation, data, e.to(), online);
            default -> { }
        }
    }

    private void message(UUID conversation, long seq, JsonNode m, List<UUID> to, Set<UUID> online) {
        UUID from = UUID.fromString(m.path("senderId").asText());
        List<UUID> away = to.stream().filter(u -> !u.equals(from) && !online.contains(u)).toList();
        if (away.isEmpty()) {
            return;
        }
        List<PushStore.Target> targets = db.inTransaction(tx -> store.forMessage(tx, conversation, seq, away));
        if (targets.isEmpty()) {
            return;
        }
        PushStore.Names names = db.inTransaction(tx -> store.names(tx, conversation, from)).orElse(null);
        if (names == null) {
            return;
        }
        String title = names.channel() == null ? names.sender()
                : names.sender() + " in " + names.group() + " #" + names.channel();
        String preview = preview(m);
        for (PushStore.Target t : targets) {
            ObjectNode payload = json.object().put("kind", "message").put("conversation", conversation.toString())
                    .put("seq", seq).put("title", title).put("body", t.previews() ? preview : "New message");
            sender.send(new PushSender.Delivery(t, bytes(payload), MESSAGE_TTL, "normal", topic(conversation)));
        }
    }

    private void call(UUID conversation, JsonNode data, List<UUID> to, Set<UUID> online) {
        UUID from = UUID.fromString(data.path("from").asText());
        UUID call = UUID.fromString(data.path("call").asText());
        List<UUID> away = to.stream().filter(u -> !online.contains(u)).toList();
        if (away.isEmpty()) {
            return;
        }
        List<PushStore.Target> targets = db.inTransaction(tx -> store.forCall(tx, away));
        PushStore.Names names = db.inTransaction(tx -> store.names(tx, conversation, from)).orElse(null);
        if (targets.isEmpty() || names == null) {
            return;
        }
        boolean video = data.path("video").asBoolean();
        for (PushStore.Target t : targets) {
            ObjectNode payload = json.object().put("kind", "call").put("conversation", conversation.toString())
                    .put("call", call.toString()).put("title", names.sender() + " is calling")
                    .put("body", video ? "Video call" : "Voice call");
            sender.send(new PushSender.Delivery(t, bytes(payload), CALL_TTL, "high", topic(call)));
        }
    }

    /**
     * Of {@code users}, those with a live session. Unknown counts as away, as when Memcached cannot
     * say: a push too many beats none.
     */
    private Set<UUID> online(Set<UUID> users) {
        if (users.isEmpty()) {
            return users;
        }
        Map<UUID, Presence> now;
        try {
            now = presence.read(users);
        } catch (PresenceUnavailableException e) {
            return Set.of();
        }
        Set<UUID> online = new HashSet<>();
        now.forEach((u, p) -> {
            if (p.state() == Presence.State.ONLINE) {
                online.add(u);
            }
        });
        return online;
    }

    /** A message in one line, as the web client's list shows it: what it carries, and its text, cut short. */
    static String preview(JsonNode m) {
        JsonNode a = m.path("attachment");
        String carries = switch (a.path("kind").asText("")) {
            case "" -> "";
            case "image" -> "Photo";
            case "voice" -> "Voice message";
            case "video" -> "Video";
            case "audio" -> "Audio";
            default -> a.path("name").asText("File");
        };
        String text = m.path("text").asText("").replaceAll("\\s+", " ").strip();
        String line = carries.isEmpty() ? text : text.isEmpty() ? carries : carries + " · " + text;
        return line.codePointCount(0, line.length()) <= PREVIEW ? line
                : line.substring(0, line.offsetByCodePoints(0, PREVIEW - 1)) + "…";
    }

    /** The push service keeps only the newest push of a topic: one per conversation (or call), 22 base64url characters. */
    static String topic(UUID id) {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    private byte[] bytes(ObjectNode payload) {
        return json.write(payload).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        worker.interrupt();
        sender.close();
    }
}
