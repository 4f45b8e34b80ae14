package dev.chat.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One user's presence record in Memcached: an entry per ws-node that holds a session of the user
 * (with an expiry, refreshed by that node's heartbeat) and the time the user was last seen. The
 * user is online while any entry is unexpired and its node is alive. Immutable; every change
 * returns a new record, written back with CAS by {@link PresenceStore}.
 *
 * <p>JSON: {@code {"n":{"ws-1":1763800000000},"ls":1763790000000}} (epoch milliseconds).
 */
public record PresenceRecord(Map<String, Long> nodes, long lastSeenMillis) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public PresenceRecord {
        nodes = Map.copyOf(nodes);
    }

    public static PresenceRecord empty() {
        return new PresenceRecord(Map.of(), 0);
    }

    /** True when some node other than {@code except} holds a live entry. */
    public boolean liveElsewhere(String except, long nowMillis, Set<String> aliveNodes) {
        return nodes.entrySet().stream().anyMatch(e -> !e.getKey().equals(except) && e.getValue() > nowMillis
                && aliveNodes.contains(e.getKey()));
    }

    public boolean online(long nowMillis, Set<String> aliveNodes) {
        return liveElsewhere("", nowMillis, aliveNodes);
    }

    public PresenceRecord withNode(String node, long expiresAtMillis, long nowMillis) {
        Map<String, Long> next = new TreeMap<>(nodes);
        next.values().removeIf(exp -> exp <= nowMillis); // drop expired entries of dead nodes
        next.put(node, expiresAtMillis);
        return new PresenceRecord(next, lastSeenMillis);
    }

    /** Removes the node's entry; {@code lastSeen} becomes now (the user was here until now). */
    public PresenceRecord withoutNode(String node, long nowMillis) {
        Map<String, Long> next = new TreeMap<>(nodes);
        next.remove(node);
        next.values().removeIf(exp -> exp <= nowMillis);
        return new PresenceRecord(next, Math.max(lastSeenMillis, nowMillis));
    }

    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode n = root.putObject("n");
        nodes.forEach(n::put);
        root.put("ls", lastSeenMillis);
        return root.toString();
    }

    /** Parses a stored record; anything unreadable counts as empty (it is rewritten on the next change). */
    public static PresenceRecord fromJson(String json) {
        if (json == null) {
            return empty();
        }
        try {
            JsonNode root = MAPPER.readTree(json);
            Map<String, Long> nodes = new TreeMap<>();
            root.path("n").properties().forEach(e -> nodes.put(e.getKey(), e.getValue().asLong()));
            return new PresenceRecord(nodes, root.path("ls").asLong(0));
        } catch (IOException | RuntimeException e) {
            return empty();
        }
    }
}
