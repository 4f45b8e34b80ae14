package dev.chat.ws;

import dev.chat.protocol.CloseCode;
import dev.chat.tokens.AccessClaims;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One live connection of one user on this node: a WebSocket, or an event stream (the HTTP
 * fallback); which one is its {@link Transport}'s business.
 *
 * <p>Every outbound frame goes through a bounded queue, so a slow client never blocks the broker
 * consumer or other sessions: when the queue is full the client is closed with {@link
 * CloseCode#SLOW_CONSUMER} and catches up on reconnect. The queue is drained by a virtual thread
 * started when frames arrive and ending when the queue is empty: an idle socket holds no writer
 * thread, only its reader. Thread-safe.
 */
final class ClientSession {
    private static final Logger LOG = Logger.getLogger(ClientSession.class.getName());
    /** How long a close frame may take to be written before the connection is dropped instead. */
    static final java.time.Duration CLOSE_GRACE = java.time.Duration.ofSeconds(2);
    private static final Object PING = new Object();

    private final UUID id = UUID.randomUUID();
    private final Transport transport;
    private final AccessClaims user;
    private final java.util.concurrent.ConcurrentLinkedQueue<Object> outbound = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final int queueLimit;
    /** Whether a writer thread is draining the queue right now. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Whether this socket took part in a call or a huddle: api hears when it closes. */
    private volatile boolean inCall;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long lastPingNanos;
    /** Token bucket for inbound frames. */
    private final double framesPerSecond;
    private final double frameBurst;
    private double frameTokens;
    private long frameRefillNanos = System.nanoTime();

    /** An event frame and when api accepted its change, for the delivery latency meter. */
    private record Timed(String frame, long acceptedAtMillis) {
    }

    private final NodeMeters meters;

    ClientSession(Transport transport, AccessClaims user, int queueLimit, double framesPerSecond, double frameBurst,
                  NodeMeters meters) {
        this.meters = meters;
        this.framesPerSecond = framesPerSecond;
        this.frameBurst = frameBurst;
        this.frameTokens = frameBurst;
        this.transport = transport;
        this.user = user;
        this.queueLimit = queueLimit;
    }

    /** This socket sent a frame that puts its device in a call or a huddle. */
    void joinedCall() {
        inCall = true;
    }

    /** Whether this socket ever sent such a frame: its closing then ends what its device was in. */
    boolean inCall() {
        return inCall;
    }

    UUID id() {
        return id;
    }

    AccessClaims user() {
        return user;
    }

    /** Queues a text frame; closes the session if the client has fallen too far behind. */
    void send(String frame) {
        enqueue(frame);
    }

    /** Queues an event's frame; its latency is measured when it is written. */
    void send(String frame, long acceptedAtMillis) {
        enqueue(new Timed(frame, acceptedAtMillis));
    }

    private void enqueue(Object frame) {
        if (closed.get()) {
            return;
        }
        if (queued.incrementAndGet() > queueLimit) {
            queued.decrementAndGet();
            LOG.log(Level.WARNING, "closing slow client session {0} of {1}", new Object[]{id, user.username()});
            close(CloseCode.SLOW_CONSUMER, "too slow");
            return;
        }
        outbound.add(frame);
        if (draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("ws-writer").start(this::drain);
        }
    }

    /** Takes one inbound frame from the bucket; false when the client is over its rate. */
    synchronized boolean allowFrame() {
        long now = System.nanoTime();
        frameTokens = Math.min(frameBurst, frameTokens + (now - frameRefillNanos) / 1e9 * framesPerSecond);
        frameRefillNanos = now;
        if (frameTokens < 1) {
            return false;
        }
        frameTokens -= 1;
        return true;
    }

    void ping() {
        lastPingNanos = System.nanoTime();
        enqueue(PING);
    }

    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    long silentNanos() {
        return System.nanoTime() - lastHeardNanos;
    }

    long sincePingNanos() {
        return lastPingNanos == 0 ? Long.MAX_VALUE : System.nanoTime() - lastPingNanos;
    }

    boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes with a close frame, never on the caller's thread: the caller may be the consumer that
     * delivers events to everyone, and a client that stopped reading has a full socket, so writing
     * even a close frame to it would block. If the frame cannot be written within
     * {@link #CLOSE_GRACE}, the connection is dropped.
     *
     * @return the thread closing it, which ends once the close frame is written or the connection
     *         dropped (a node stopping waits for it); null when the session was closed already
     */
    Thread close(CloseCode code, String reason) {
        if (closed.compareAndSet(false, true)) {
            meters.sessionClosed(code.code());
            outbound.clear();
            return Thread.ofVirtual().name("ws-close-" + id).start(() -> {
                Thread closer = Thread.ofVirtual().start(() -> {
                    try {
                        transport.close(code, reason);
                    } catch (RuntimeException e) {
                        LOG.log(Level.FINE, "close failed", e);
                    }
                });
                try {
                    if (!closer.join(CLOSE_GRACE)) {
                        LOG.log(Level.FINE, "session {0} did not take its close frame; dropping the connection", id);
                        transport.drop();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    LOG.log(Level.FINE, "dropping the connection failed", e);
                }
            });
        }
        return null;
    }

    /** The connection is gone (closed by the peer or by us). */
    void closed() {
        closed.set(true);
        outbound.clear();
    }

    /** Writes what is queued, then ends; a frame queued meanwhile is taken by this thread or a new one. */
    private void drain() {
        try {
            while (true) {
                Object next = outbound.poll();
                if (next == null) {
                    draining.set(false);
                    // a frame queued after the poll but before the flag was cleared found a writer
                    // still running and started none: take it now, unless another writer already did
                    if (outbound.isEmpty() || !draining.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                queued.decrementAndGet();
                if (closed.get()) {
                    continue;
                }
                if (next == PING) {
                    transport.ping();
                    if (!transport.answersPings()) {
                        heard();
                    }
                } else if (next instanceof Timed t) {
                    transport.send(t.frame());
                    meters.delivered(t.acceptedAtMillis());
                } else {
                    transport.send((String) next);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "write failed, dropping session " + id, e);
            closed.set(true);
            outbound.clear();
            draining.set(false);
        }
    }
}
