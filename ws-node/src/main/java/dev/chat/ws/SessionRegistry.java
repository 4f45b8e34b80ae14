package dev.chat.ws;

import dev.chat.fanout.NodeSubscriber;
import dev.chat.protocol.CloseCode;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The users with live sessions on this node, and their broker bindings.
 *
 * <p>A user's routing key is bound when the user's first session arrives and unbound when the
 * last one leaves; both happen under that user's lock, so arrivals and departures of one user never
 * interleave a bind with an unbind. A user entry that was emptied is marked dead and removed; an
 * arrival that finds a dead entry retries with a fresh one. Thread-safe.
 */
final class SessionRegistry {
    private static final class UserSessions {
        final ReentrantLock lock = new ReentrantLock();
        final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
        boolean dead;
    }

    private final ConcurrentHashMap<UUID, UserSessions> byUser = new ConcurrentHashMap<>();
    private final NodeSubscriber subscriber;
    private final PresenceTracker presence;

    SessionRegistry(NodeSubscriber subscriber, PresenceTracker presence) {
        this.subscriber = subscriber;
        this.presence = presence;
        presence.localSessions(u -> !of(u).isEmpty());
    }

    /**
     * Adds a session, binding the user's key first if it is the user's first session here. Fails
     * (and adds nothing) when the broker connection was lost or recovered while adding: the node
     * closes every session at those moments, and one that arrived in between would miss the
     * closing yet might not be bound in the broker's current topology.
     */
    void add(ClientSession session) throws IOException {
        long interruptions = subscriber.interruptions();
        addBound(session);
        if (subscriber.interruptions() != interruptions || !subscriber.isOpen()) {
            remove(session);
            throw new IOException("the broker connection was interrupted while the session was being bound");
        }
    }

    private void addBound(ClientSession session) throws IOException {
        UUID user = session.user().userId();
        while (true) {
            UserSessions us = byUser.computeIfAbsent(user, u -> new UserSessions());
            us.lock.lock();
            try {
                if (us.dead) {
                    continue;
                }
                boolean first = us.sessions.isEmpty();
                if (first) {
                    try {
                        subscriber.bind(user);
                    } catch (IOException | RuntimeException e) {
                        us.dead = true;
                        byUser.remove(user, us);
                        throw e;
                    }
                }
                us.sessions.add(session);
                if (first) {
                    presence.arrived(user);
                }
                return;
            } finally {
                us.lock.unlock();
            }
        }
    }

    /** Removes a session, unbinding the user's key if it was the last one here. */
    void remove(ClientSession session) {
        UUID user = session.user().userId();
        UserSessions us = byUser.get(user);
        if (us == null) {
            return;
        }
        us.lock.lock();
        try {
            if (!us.sessions.remove(session) || !us.sessions.isEmpty()) {
                return;
            }
            us.dead = true;
            byUser.remove(user, us);
            presence.left(user);
            try {
                subscriber.unbind(user);
            } catch (IOException | RuntimeException e) {
                // The binding outlives the user here: harmless extra copies until the node restarts.
                java.util.logging.Logger.getLogger(SessionRegistry.class.getName())
                        .warning("could not unbind " + user + ": " + e.getMessage());
            }
        } finally {
            us.lock.unlock();
        }
    }

    /** The live sessions of one user on this node (empty if none). */
    Collection<ClientSession> of(UUID user) {
        UserSessions us = byUser.get(user);
        return us == null ? List.of() : us.sessions;
    }

    /** Every live session, for heartbeats and shutdown. */
    List<ClientSession> all() {
        return byUser.values().stream().flatMap(us -> us.sessions.stream()).toList();
    }

    int sessionCount() {
        return byUser.values().stream().mapToInt(us -> us.sessions.size()).sum();
    }

    java.util.Set<UUID> users() {
        return java.util.Set.copyOf(byUser.keySet());
    }

    int userCount() {
        return byUser.size();
    }

    /**
     * Revoked sessions, per user: the instant up to which their tokens are refused here. Kept as
     * long as a token issued before it could still be valid; every node hears every revocation.
     */
    private final ConcurrentHashMap<UUID, java.time.Instant> revoked = new ConcurrentHashMap<>();
    /** Sessions ended by logout (the family named by a token's {@code sid}), and until when to refuse them. */
    private final ConcurrentHashMap<UUID, java.time.Instant> ended = new ConcurrentHashMap<>();

    /**
     * An admin ended this user's sessions: close those of tokens issued up to {@code at}, and refuse
     * such tokens from now on. A socket opened with a token of a login after {@code at} stays.
     */
    void revoke(UUID user, java.time.Instant at, java.time.Duration tokenTtl) {
        revoked.merge(user, at, (a, b) -> a.isAfter(b) ? a : b);
        java.time.Instant stale = java.time.Instant.now().minus(tokenTtl);
        revoked.values().removeIf(i -> i.isBefore(stale));
        for (ClientSession s : List.copyOf(of(user))) {
            if (isRevoked(s.user())) {
                s.close(CloseCode.UNAUTHENTICATED, "session ended");
            }
        }
    }

    /** One session (login) of this user was logged out: close its sockets, refuse its tokens until they expire. */
    void endSession(UUID user, UUID session, java.time.Duration tokenTtl) {
        java.time.Instant now = java.time.Instant.now();
        ended.put(session, now.plus(tokenTtl));
        ended.values().removeIf(until -> until.isBefore(now));
        for (ClientSession s : List.copyOf(of(user))) {
            if (session.equals(s.user().session())) {
                s.close(CloseCode.UNAUTHENTICATED, "session ended");
            }
        }
    }

    /** Whether this token was issued before its user's sessions were revoked, or its session was logged out. */
    boolean isRevoked(dev.chat.tokens.AccessClaims claims) {
        return claims.revokedBy(revoked.get(claims.userId()))
                || claims.session() != null && ended.containsKey(claims.session());
    }
}
