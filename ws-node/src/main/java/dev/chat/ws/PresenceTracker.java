package dev.chat.ws;

import dev.chat.handoff.ApiClient;
import dev.chat.presence.PresenceStore;
import dev.chat.presence.PresenceUnavailableException;

import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This node's part of presence: marks a user online in Memcached when their first session here
 * arrives, offline when their last one leaves (after a short grace, so a page reload does not
 * flap), and tells api about each transition so it can inform the people who may see it.
 * Memcached being away never affects chat: presence becomes unknown. Thread-safe.
 */
final class PresenceTracker {
    private static final Logger LOG = Logger.getLogger(PresenceTracker.class.getName());
    /** A user whose last session left is shown offline only if no session came back within this. */
    static final long OFFLINE_GRACE_MS = 1_000;

    private final String nodeId;
    private final PresenceStore store;
    private final ApiClient api;
    private final ScheduledExecutorService scheduler;
    private volatile Predicate<UUID> hasLocalSession = u -> false;
    private volatile Runnable usersChanged = () -> { };

    PresenceTracker(String nodeId, PresenceStore store, ApiClient api, ScheduledExecutorService scheduler) {
        this.nodeId = nodeId;
        this.store = store;
        this.api = api;
        this.scheduler = scheduler;
    }

    void localSessions(Predicate<UUID> hasLocalSession) {
        this.hasLocalSession = hasLocalSession;
    }

    /** Told whenever this node's set of users changes, so the crash sweeper's list stays fresh. */
    void onUsersChanged(Runnable usersChanged) {
        this.usersChanged = usersChanged;
    }

    /** The user's first session on this node is bound. */
    void arrived(UUID user) {
        usersChanged.run();
        Thread.ofVirtual().start(() -> {
            try {
                if (store.join(user, nodeId)) {
                    announce(user, "online");
                }
            } catch (PresenceUnavailableException e) {
                LOG.log(Level.FINE, "presence unavailable", e);
            }
        });
    }

    /** The user's last session on this node left. */
    void left(UUID user) {
        usersChanged.run();
        try {
            scheduleLeave(user);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the node is stopping: its heartbeat is removed and api's sweeper takes its users offline
        }
    }

    private void scheduleLeave(UUID user) {
        scheduler.schedule(() -> Thread.ofVirtual().start(() -> {
            if (hasLocalSession.test(user)) {
                return; // came back within the grace
            }
            try {
                if (store.leave(user, nodeId)) {
                    announce(user, "offline");
                }
            } catch (PresenceUnavailableException e) {
                LOG.log(Level.FINE, "presence unavailable", e);
            }
        }), OFFLINE_GRACE_MS, TimeUnit.MILLISECONDS);
    }

    /** Proves this node alive; {@code description} is what operators see of it. False if the store could not be reached. */
    boolean beat(String description) {
        return attempt(() -> store.beat(nodeId, description));
    }

    /** Records this node's users for the crash sweeper; false if the store could not be reached. */
    boolean nodeUsers(Collection<UUID> users) {
        return attempt(() -> store.nodeUsers(nodeId, users));
    }

    void refreshEntries(Collection<UUID> users) {
        attempt(() -> store.refreshEntries(nodeId, users));
    }

    private static boolean attempt(Runnable write) {
        try {
            write.run();
            return true;
        } catch (PresenceUnavailableException e) {
            LOG.log(Level.FINE, "presence write failed", e);
            return false;
        }
    }

    void stopped() {
        try {
            store.nodeStopped(nodeId);
        } catch (PresenceUnavailableException e) {
            LOG.log(Level.FINE, "presence unavailable at stop", e);
        }
    }

    private void announce(UUID user, String state) {
        try {
            api.presence(user, state);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not announce presence", e);
        }
    }
}
