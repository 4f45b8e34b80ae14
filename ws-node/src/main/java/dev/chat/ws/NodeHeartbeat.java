package dev.chat.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.presence.PresenceStore;
import dev.chat.protocol.CloseCode;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Periodic housekeeping of one node, every second: pings sockets silent for a heartbeat and closes
 * those silent past the idle timeout (4408); rewrites the node's user list in the presence store
 * within a second of a change (for the crash sweeper); every 5 s proves the node alive with its
 * description (sessions, users, start time, depth of its broker queue), and every minute (and at
 * once when Memcached comes back) rewrites its users' presence entries.
 * Memcached being away never affects chat.
 */
final class NodeHeartbeat implements Runnable {
    private static final long BEAT_EVERY_TICKS = PresenceStore.NODE_HEARTBEAT.toSeconds();
    private static final long REFRESH_EVERY_TICKS = 60;

    private final NodeConfig config;
    private final SessionRegistry registry;
    private final PresenceTracker presence;
    private final ObjectMapper mapper;
    private final LongSupplier queueDepth;
    private final Instant startedAt = Instant.now();
    private final AtomicBoolean usersChanged = new AtomicBoolean();
    private long ticks;
    private boolean storeAway;

    NodeHeartbeat(NodeConfig config, SessionRegistry registry, PresenceTracker presence, ObjectMapper mapper,
                  LongSupplier queueDepth) {
        this.config = config;
        this.queueDepth = queueDepth;
        this.registry = registry;
        this.presence = presence;
        this.mapper = mapper;
    }

    /** A user arrived or left: the node's user list is rewritten at the next tick. */
    void usersChanged() {
        usersChanged.set(true);
    }

    @Override
    public void run() {
        long tick = ticks++;
        pingOrCloseSilentSessions();
        if (usersChanged.getAndSet(false) && !presence.nodeUsers(registry.users())) {
            usersChanged.set(true); // the store was away: try again next tick
        }
        if (tick % BEAT_EVERY_TICKS == 0) {
            boolean reached = presence.beat(mapper.createObjectNode()
                    .put("node", config.nodeId())
                    .put("sessions", registry.sessionCount())
                    .put("users", registry.userCount())
                    .put("queueDepth", queueDepth.getAsLong())
                    .put("startedAt", startedAt.toString())
                    .put("at", Instant.now().toString())
                    .toString());
            if (reached && storeAway) {
                // Memcached is back (perhaps empty): rewrite this node's users now, not at the next minute
                presence.refreshEntries(registry.users());
                usersChanged.set(true);
            }
            storeAway = !reached;
        }
        if (tick % REFRESH_EVERY_TICKS == 0) {
            presence.refreshEntries(registry.users());
        }
    }

    private void pingOrCloseSilentSessions() {
        long heartbeat = config.heartbeat().toNanos();
        long idle = config.idleTimeout().toNanos();
        for (ClientSession s : registry.all()) {
            long silent = s.silentNanos();
            if (silent > idle) {
                s.close(CloseCode.IDLE_TIMEOUT, "idle");
            } else if (silent > heartbeat && s.sincePingNanos() > heartbeat) {
                s.ping();
            }
        }
    }
}
