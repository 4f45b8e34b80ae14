package dev.chat.handoff;

import dev.chat.tokens.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A ws-node's way to api: kept-alive HTTP/1.1 connections to each api instance ({@link InternalHttp}),
 * called in blocking style from virtual threads.
 *
 * <p>Frames are handed off in batches: a few dispatcher threads each take every frame waiting
 * (up to {@link #MAX_BATCH} frames or {@link #MAX_BATCH_BYTES}) and send them in one call
 * ({@link FrameBatch}); api answers them all in one response. With no load a batch is one frame
 * and nothing waits; under load one call carries many frames, so the cost of a call is shared.
 *
 * <p>The instances are those of an {@link ApiDirectory}, which follows the api instances' announcements:
 * each call takes the directory's current list (one volatile read, no lock), so an instance added
 * later is used as soon as it is heard of, and one leaving is no longer chosen. Calls are spread
 * round robin; an instance that cannot be reached or answers 5xx is skipped for the next one, and
 * the whole list (read again) is tried until the deadline passes. Every frame is
 * idempotent at api (sends by client message id, cursors only move forward, reactions are set,
 * not toggled), so a batch repeated after an instance died mid-call has its effect once.
 * Thread-safe.
 */
public final class ApiClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ApiClient.class.getName());
    static final int MAX_BATCH = 128;
    static final int MAX_BATCH_BYTES = 512 * 1024;
    private static final int DISPATCHERS = 4;

    private record Waiting(FrameBatch.Item item, CompletableFuture<String> answer) {
    }

    /** One api instance and the kept-alive connections to it. */
    private record Instance(URI uri, InternalHttp client) {
    }

    /** The directory's list with a client each: replaced (never changed) when the directory changes. */
    private volatile List<Instance> instances = List.of();
    private final String nodeKey;
    private final Duration deadline;
    private final AtomicInteger next = new AtomicInteger();
    private final LinkedBlockingQueue<Waiting> waiting = new LinkedBlockingQueue<>(50_000);
    private final List<Thread> dispatchers = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param apis     the api instances' internal listeners, e.g. {@code http://127.0.0.1:9090}, followed live
     * @param deadline how long one hand-off may keep trying instances before it fails
     */
    public ApiClient(ApiDirectory apis, Secret tokenSecret, Duration deadline) {
        this.nodeKey = Handoff.nodeKey(tokenSecret);
        this.deadline = deadline;
        apis.onChange(this::use); // the directory's list now, then each change
        for (int i = 0; i < DISPATCHERS; i++) {
            dispatchers.add(Thread.ofVirtual().name("handoff-" + i).start(this::dispatch));
        }
    }

    /**
     * Hands one frame of a socket to api and waits for the answer: the frame to write back, or null
     * when none is due. Throws {@link ApiUnavailableException} when no api instance answered.
     */
    public String frame(UUID user, UUID session, String trace, String frameJson) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        if (closed || !waiting.offer(new Waiting(new FrameBatch.Item(user, session, trace,
                frameJson.getBytes(StandardCharsets.UTF_8)), answer))) {
            throw new ApiUnavailableException("the node is stopping or has too many frames waiting", null);
        }
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Tells api that a user came online on this node or went offline here. */
    public void presence(UUID user, String state) {
        post(Handoff.PRESENCE_PATH, user, ("{\"user\":\"" + user + "\",\"state\":\"" + state + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    /** How many api instances calls are spread over now. */
    public int instanceCount() {
        return instances.size();
    }

    private static Instance instance(URI uri) {
        return new Instance(uri, new InternalHttp(uri, Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }

    /**
     * The directory changed: a client for each new address, the same one for the others; the
     * clients of addresses gone are closed (a call still on one fails and is tried on another).
     */
    private synchronized void use(List<URI> uris) {
        if (closed) {
            return;
        }
        List<Instance> before = instances;
        List<Instance> after = uris.stream().map(uri -> before.stream().filter(i -> i.uri().equals(uri)).findFirst()
                .orElseGet(() -> instance(uri))).toList();
        instances = after;
        before.stream().filter(i -> !after.contains(i)).forEach(i -> i.client().close());
        LOG.info(() -> "handing frames to " + uris);
    }

    /** Tells api that this socket of the user, which took part in a call or a huddle, closed. */
    public void sessionClosed(UUID user, UUID session) {
        post(Handoff.SESSION_CLOSED_PATH, user, ("{\"user\":\"" + user + "\",\"session\":\"" + session + "\"}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private void dispatch() {
        List<Waiting> batch = new ArrayList<>(MAX_BATCH);
        while (!closed) {
            try {
                Waiting first = waiting.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int bytes = first.item().frame().length;
                for (Waiting w = waiting.peek(); w != null && batch.size() < MAX_BATCH
                        && bytes + w.item().frame().length <= MAX_BATCH_BYTES; w = waiting.peek()) {
                    Waiting taken = waiting.poll();
                    if (taken == null) {
                        break;
                    }
                    batch.add(taken);
                    bytes += taken.item().frame().length;
                }
                send(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "hand-off dispatcher failed", e);
                batch.forEach(w -> w.answer().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void send(List<Waiting> batch) {
        List<FrameBatch.Item> items = batch.stream().map(Waiting::item).toList();
        List<String> answers;
        try {
            answers = FrameBatch.decodeAnswers(post(Handoff.FRAMES_PATH, null, FrameBatch.encode(items)), items.size());
        } catch (RuntimeException e) {
            batch.forEach(w -> w.answer().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).answer().complete(answers.get(i));
        }
    }

    /** One call, tried on every instance until the deadline; the response body (empty for 204). */
    private byte[] post(String path, UUID user, byte[] body) {
        long giveUpAt = System.nanoTime() + deadline.toNanos();
        java.util.Map<String, String> headers = user == null
                ? java.util.Map.of("Content-Type", "application/octet-stream", Handoff.NODE_KEY, nodeKey)
                : java.util.Map.of("Content-Type", "application/octet-stream", Handoff.NODE_KEY, nodeKey, Handoff.USER, user.toString());
        RuntimeException last = null;
        for (int round = 0; ; round++) {
            List<Instance> all = instances; // this round's list: the directory may change meanwhile
            int start = Math.floorMod(next.getAndIncrement(), all.size());
            for (int i = 0; i < all.size(); i++) {
                Instance instance = all.get((start + i) % all.size());
                try {
                    InternalHttp.Answer response = instance.client().post(path, headers, body);
                    int status = response.status();
                    if (status == 200 || status == 204) {
                        return response.body(); // empty for 204
                    }
                    if (status < 500) {
                        throw new HandoffRefusedException("api refused the hand-off: " + status);
                    }
                    // 5xx: this instance is stopping or cannot reach its database; another may
                    last = new IllegalStateException("api at " + instance.uri() + " answered " + status);
                } catch (HandoffRefusedException e) {
                    throw e;
                } catch (RuntimeException e) {
                    last = e;
                    LOG.log(Level.FINE, "api at " + instance.uri() + " unreachable", e);
                }
            }
            if (System.nanoTime() - giveUpAt > 0) {
                throw new ApiUnavailableException("no api instance answered within " + deadline, last);
            }
            try {
                Thread.sleep(Math.min(500, 50L << Math.min(round, 4)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiUnavailableException("interrupted", e);
            }
        }
    }

    /** api refused the call itself (a wrong node key, a malformed batch): retrying cannot help. */
    static final class HandoffRefusedException extends IllegalStateException {
        HandoffRefusedException(String message) {
            super(message);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        dispatchers.forEach(Thread::interrupt);
        Waiting w;
        while ((w = waiting.poll()) != null) {
            w.answer().completeExceptionally(new ApiUnavailableException("the node is stopping", null));
        }
        instances.forEach(i -> i.client().close());
    }
}
