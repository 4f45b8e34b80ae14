package dev.chat.presence;

import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.MemcachedClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Presence in Memcached (DESIGN.md guarantee 8), shared by ws-nodes (writers) and api (readers and
 * crash sweeper).
 *
 * <ul>
 *   <li>{@code presence.<user>}: a {@link PresenceRecord}; each node adds/removes its own entry
 *       with CAS, so nodes never overwrite each other.</li>
 *   <li>{@code node.<id>}: the node's heartbeat (its description: sessions, users, start time),
 *       expiring after {@link #NODE_TTL}: a crashed node disappears by itself.</li>
 *   <li>{@code node-users.<id>}: the users the node holds, for the sweeper.</li>
 *   <li>{@code nodes}: the ids of every node that registered, for the sweeper.</li>
 * </ul>
 * A user is online while some entry is unexpired and its node's heartbeat is present. Every
 * method may throw {@link PresenceUnavailableException} when Memcached is away; callers treat
 * presence as unknown and go on. Thread-safe.
 */
public final class PresenceStore {
    /** A node heartbeat older than this means the node is gone. */
    public static final Duration NODE_TTL = Duration.ofSeconds(15);
    /** How often nodes write their heartbeat. */
    public static final Duration NODE_HEARTBEAT = Duration.ofSeconds(5);
    /** Backstop expiry of a user's entry; refreshed by the node well before it. */
    public static final Duration ENTRY_TTL = Duration.ofMinutes(3);
    /** How long a user record (and so lastSeen) is kept; memcached caps relative TTLs at 30 days. */
    private static final int RECORD_TTL_SECONDS = (int) Duration.ofDays(29).toSeconds();
    private static final int OP_TIMEOUT_MS = 1_000;
    private static final int CAS_ATTEMPTS = 16;

    private final MemcachedClient memcached;
    private final Clock clock;

    public PresenceStore(MemcachedClient memcached, Clock clock) {
        this.memcached = memcached;
        this.clock = clock;
    }

    public PresenceStore(MemcachedClient memcached) {
        this(memcached, Clock.systemUTC());
    }

    /** The user's first session on {@code node} arrived. True when the user just came online. */
    public boolean join(UUID user, String node) {
        long now = clock.millis();
        Set<String> alive = aliveNodes();
        boolean[] wasOnline = new boolean[1];
        update(userKey(user), r -> {
            wasOnline[0] = r.liveElsewhere(node, now, alive);
            return r.withNode(node, now + ENTRY_TTL.toMillis(), now);
        });
        return !wasOnline[0];
    }

    /** The user's last session on {@code node} left. True when the user just went offline. */
    public boolean leave(UUID user, String node) {
        long now = clock.millis();
        Set<String> alive = aliveNodes();
        boolean[] stillOnline = new boolean[1];
        update(userKey(user), r -> {
            PresenceRecord next = r.withoutNode(node, now);
            stillOnline[0] = next.liveElsewhere(node, now, alive);
            return next;
        });
        return !stillOnline[0];
    }

    /**
     * Node heartbeat: proves the node alive for {@link #NODE_TTL} (the only writer of
     * {@code node.<id>}, whose value is the node's description for operators) and keeps it registered.
     */
    public void beat(String node, String description) {
        await(memcached.set(nodeKey(node), (int) NODE_TTL.toSeconds(), description));
        update("nodes", NodeSet::parse, NodeSet::toString, s -> s.with(node));
    }

    /** The users this node holds, for the crash sweeper; written when they change. */
    public void nodeUsers(String node, Collection<UUID> users) {
        await(memcached.set(nodeUsersKey(node), RECORD_TTL_SECONDS,
                users.stream().map(UUID::toString).collect(Collectors.joining(","))));
    }

    /** Extends this node's entries of its users: the backstop expiry never lapses while they stay. */
    public void refreshEntries(String node, Collection<UUID> users) {
        long now = clock.millis();
        for (UUID user : users) {
            update(userKey(user), r -> r.withNode(node, now + ENTRY_TTL.toMillis(), now));
        }
    }

    /** A node that stops cleanly removes its heartbeat at once, so its users' presence is not held up. */
    public void nodeStopped(String node) {
        await(memcached.delete(nodeKey(node)));
    }

    /** Presence of each user; users never seen read as offline without lastSeen. */
    public Map<UUID, Presence> read(Collection<UUID> users) {
        if (users.isEmpty()) {
            return Map.of();
        }
        long now = clock.millis();
        Set<String> alive = aliveNodes();
        List<String> keys = users.stream().map(PresenceStore::userKey).toList();
        Map<String, Object> found;
        try {
            found = memcached.asyncGetBulk(keys).get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new PresenceUnavailableException(e);
        }
        Map<UUID, Presence> out = new HashMap<>();
        for (UUID user : users) {
            PresenceRecord r = PresenceRecord.fromJson((String) found.get(userKey(user)));
            boolean online = r.online(now, alive);
            Instant lastSeen = r.lastSeenMillis() == 0 ? null : Instant.ofEpochMilli(r.lastSeenMillis());
            out.put(user, new Presence(user, online ? Presence.State.ONLINE : Presence.State.OFFLINE, online ? null : lastSeen));
        }
        return out;
    }

    /** Each live ws-node's own description (JSON, as its heartbeat wrote it), by node id. */
    public Map<String, String> nodeDescriptions() {
        return described(NodeSet.parse((String) get("nodes")).ids(), PresenceStore::nodeKey);
    }

    /** The users with a session on any live node right now. */
    public Set<UUID> onlineUsers() {
        Set<String> alive = aliveNodes();
        Set<UUID> out = new HashSet<>();
        for (Map.Entry<String, String> e : described(alive, PresenceStore::nodeUsersKey).entrySet()) {
            for (String id : e.getValue().split(",")) {
                if (!id.isBlank()) {
                    out.add(UUID.fromString(id));
                }
            }
        }
        return out;
    }

    /**
     * An api instance's heartbeat (every few seconds; gone {@link #NODE_TTL} after the last), so
     * operators can list the instances alive. Kept apart from the ws-node set the sweeper reads.
     */
    public void beatInstance(String instance, String description) {
        await(memcached.set(instanceKey(instance), (int) NODE_TTL.toSeconds(), description));
        update("instances", NodeSet::parse, NodeSet::toString, s -> s.with(instance));
    }

    /** Each live api instance's description, by instance id. */
    public Map<String, String> instanceDescriptions() {
        return described(NodeSet.parse((String) get("instances")).ids(), PresenceStore::instanceKey);
    }

    private Map<String, String> described(Set<String> ids, java.util.function.Function<String, String> key) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        try {
            Map<String, Object> found = memcached.asyncGetBulk(ids.stream().map(key).toList())
                    .get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<String, String> out = new java.util.TreeMap<>();
            for (String id : ids) {
                Object v = found.get(key.apply(id));
                if (v != null) {
                    out.put(id, (String) v);
                }
            }
            return out;
        } catch (Exception e) {
            throw new PresenceUnavailableException(e);
        }
    }

    /** The registered nodes whose heartbeat has expired: crashed (or killed) nodes. */
    public Set<String> deadNodes() {
        Set<String> registered = NodeSet.parse((String) get("nodes")).ids();
        Set<String> alive = aliveNodes(registered);
        Set<String> dead = new TreeSet<>(registered);
        dead.removeAll(alive);
        return dead;
    }

    /**
     * Takes a dead node's users offline (unless they are online elsewhere) and forgets the node.
     * Only one sweeper wins the claim for a node at a time. Returns the users who went offline.
     */
    public Set<UUID> sweep(String deadNode) {
        Boolean claimed = await(memcached.add("sweep." + deadNode, 30, "1"));
        if (!Boolean.TRUE.equals(claimed)) {
            return Set.of();
        }
        Set<UUID> offline = new LinkedHashSet<>();
        String ids = (String) get(nodeUsersKey(deadNode));
        if (ids != null && !ids.isBlank()) {
            for (String id : ids.split(",")) {
                UUID user = UUID.fromString(id);
                if (leave(user, deadNode)) {
                    offline.add(user);
                }
            }
        }
        update("nodes", NodeSet::parse, NodeSet::toString, s -> s.without(deadNode));
        await(memcached.delete(nodeUsersKey(deadNode)));
        return offline;
    }

    private Set<String> aliveNodes() {
        return aliveNodes(NodeSet.parse((String) get("nodes")).ids());
    }

    private Set<String> aliveNodes(Set<String> registered) {
        if (registered.isEmpty()) {
            return Set.of();
        }
        try {
            Map<String, Object> beats = memcached.asyncGetBulk(registered.stream().map(PresenceStore::nodeKey).toList())
                    .get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Set<String> alive = new HashSet<>();
            for (String n : registered) {
                if (beats.containsKey(nodeKey(n))) {
                    alive.add(n);
                }
            }
            return alive;
        } catch (Exception e) {
            throw new PresenceUnavailableException(e);
        }
    }

    private void update(String key, UnaryOperator<PresenceRecord> change) {
        update(key, PresenceRecord::fromJson, PresenceRecord::toJson, change);
    }

    /** Read-modify-write with CAS (add when absent), retried on conflicts. */
    private <T> void update(String key, java.util.function.Function<String, T> parse,
                            java.util.function.Function<T, String> write, UnaryOperator<T> change) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            CASValue<Object> current;
            try {
                current = memcached.asyncGets(key).get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new PresenceUnavailableException(e);
            }
            if (current == null) {
                String value = write.apply(change.apply(parse.apply(null)));
                if (Boolean.TRUE.equals(await(memcached.add(key, RECORD_TTL_SECONDS, value)))) {
                    return;
                }
                continue;
            }
            String value = write.apply(change.apply(parse.apply((String) current.getValue())));
            CASResponse r;
            try {
                r = memcached.asyncCAS(key, current.getCas(), RECORD_TTL_SECONDS, value, memcached.getTranscoder())
                        .get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new PresenceUnavailableException(e);
            }
            if (r == CASResponse.OK) {
                return;
            }
        }
        throw new PresenceUnavailableException(new IllegalStateException("too much contention on " + key));
    }

    private Object get(String key) {
        try {
            return memcached.asyncGet(key).get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new PresenceUnavailableException(e);
        }
    }

    private static <T> T await(java.util.concurrent.Future<T> f) {
        try {
            return f.get(OP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new PresenceUnavailableException(e);
        }
    }

    static String userKey(UUID user) {
        return "presence." + user;
    }

    static String nodeKey(String node) {
        return "node." + node;
    }

    static String instanceKey(String instance) {
        return "api." + instance;
    }

    static String nodeUsersKey(String node) {
        return "node-users." + node;
    }

    /** The registered node ids, stored comma-separated under {@code nodes}. */
    record NodeSet(Set<String> ids) {
        static NodeSet parse(String s) {
            if (s == null || s.isBlank()) {
                return new NodeSet(Set.of());
            }
            return new NodeSet(Set.of(s.split(",")));
        }

        NodeSet with(String id) {
            Set<String> next = new TreeSet<>(ids);
            next.add(id);
            return new NodeSet(next);
        }

        NodeSet without(String id) {
            Set<String> next = new TreeSet<>(ids);
            next.remove(id);
            return new NodeSet(next);
        }

        @Override
        public String toString() {
            return String.join(",", new TreeSet<>(ids));
        }
    }
}
