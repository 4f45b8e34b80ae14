package dev.chat.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.presence.PresenceStore;
import net.spy.memcached.MemcachedClient;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Periodic housekeeping of one node: pings sockets that have been silent for a heartbeat, closes
 * those silent past the idle timeout (4408), and writes this node's record to Memcached
 * ({@code node.<id>}: sessions, users, start time; expires after 30 s, so a crashed node vanishes
 * by itself). Memcached being away never affects chat.
 */
final class NodeHeartbeat implements Runnable {
    private static final Logger LOG = Logger.getLogger(NodeHeartbeat.class.getName());
    static final int RECORD_TTL_SECONDS = 30;

    private final NodeConfig config;
    private final SessionRegistry registry;
    private final MemcachedClient memcached;
    private final PresenceTracker presence;
    private final ObjectMapper mapper;
    private final Instant startedAt = Instant.now();
    private final java.util.concurrent.atomic.AtomicBoolean usersChanged = new java.util.concurrent.atomic.AtomicBoolean();
    private long ticks;
    private int beats;

    NodeHeartbeat(NodeConfig config, SessionRegistry registry, MemcachedClient memcached, PresenceTracker presence,
                  ObjectMapper mapper) {
        this.config = config;
        this.registry = registry;
        this.memcached = memcached;
        this.presence = presence;
        this.mapper = mapper;
    }

    /** A user arrived or left: the node's user list is rewritten at the next tick (within a second). */
    void usersChanged() {
        usersChanged.set(true);
    }

    /** Runs every second: writes the user list when it changed; the full heartbeat every 5 s. */
    @Override
    public void run() {
        long tick = ticks++;
        boolean fullBeat = tick % PresenceStore.NODE_HEARTBEAT.toSeconds() == 0;
        if (!fullBeat) {
            if (usersChanged.getAndSet(false)) {
                presence.heartbeat(registry.users(), false);
            }
            return;
        }
        usersChanged.set(false);
        beat();
    }

    private void beat() {
        long heartbeat = config.heartbeat().toNanos();
        long idle = config.idleTimeout().toNanos();
        for (ClientSession s : registry.all()) {
            long silent = s.silentNanos();
            if (silent > idle) {
                s.close(CloseCodes.IDLE_TIMEOUT, "idle");
            } else if (silent > heartbeat && s.sincePingNanos() > heartbeat) {
                s.ping();
            }
        }
        // every beat proves the node alive; every 12th (~1 min) also extends its users' entries
        presence.heartbeat(registry.users(), beats++ % 12 == 0);
        try {
            String record = mapper.createObjectNode()
                    .put("node", config.nodeId())
                    .put("sessions", registry.sessionCount())
                    .put("users", registry.userCount())
                    .put("startedAt", startedAt.toString())
                    .put("at", Instant.now().toString())
                    .toString();
            memcached.set(key(config.nodeId()), RECORD_TTL_SECONDS, record).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(Level.FINE, "memcached heartbeat failed", e);
        }
    }

    static String key(String nodeId) {
        return "node." + nodeId;
    }
}
