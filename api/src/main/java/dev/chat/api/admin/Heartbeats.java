package dev.chat.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.api.Version;
import dev.chat.api.http.ChatException;
import dev.chat.fanout.Topology;
import dev.chat.presence.PresenceStore;
import dev.chat.presence.PresenceUnavailableException;
import dev.chat.protocol.ErrorCode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the console shows from Memcached: who is online, and what every api instance and ws-node
 * says about itself in its heartbeat (a JSON description). A process that wrote something odd
 * still shows up, with what could be read. Thread-safe.
 */
final class Heartbeats {
    private final PresenceStore presence;
    private final ObjectMapper mapper;

    Heartbeats(PresenceStore presence, ObjectMapper mapper) {
        this.presence = presence;
        this.mapper = mapper;
    }

    /** Whether the user has a socket open somewhere, or null while presence is unavailable. */
    Boolean isOnline(UUID user) {
        try {
            return presence.onlineUsers().contains(user);
        } catch (PresenceUnavailableException e) {
            return null;
        }
    }

    /** The figures, with who is online and what the nodes report beside those from the database. */
    AdminViews.Stats stats(AdminStore.Figures figures) {
        Map<String, Long> sockets = new LinkedHashMap<>();
        Map<String, Long> queues = new LinkedHashMap<>();
        Integer online;
        try {
            online = presence.onlineUsers().size();
            presence.nodeDescriptions().forEach((node, description) -> {
                JsonNode d = parse(description);
                sockets.put(node, d.path("sessions").asLong(0));
                // a node queue is exclusive to its node, so the node reports its depth in its heartbeat
                if (d.has("queueDepth")) {
                    queues.put(Topology.nodeQueue(node), d.path("queueDepth").asLong());
                }
            });
        } catch (PresenceUnavailableException e) {
            online = null;
        }
        return new AdminViews.Stats(new AdminViews.UserFigures(figures.users(), online),
                new AdminViews.MessageFigures(figures.messagesLastHour(), figures.messagesLastDay()), sockets, queues,
                figures.outboxBacklog());
    }

    /** Every api instance, then every ws-node, alive now. */
    List<AdminViews.Node> nodes() {
        List<AdminViews.Node> list = new ArrayList<>();
        Instant now = Instant.now();
        try {
            presence.instanceDescriptions().forEach((id, d) -> list.add(node(id, "api", parse(d), now)));
            presence.nodeDescriptions().forEach((id, d) -> list.add(node(id, "ws-node", parse(d), now)));
        } catch (PresenceUnavailableException e) {
            throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "The heartbeat store (Memcached) is unavailable.");
        }
        return list;
    }

    private static AdminViews.Node node(String id, String kind, JsonNode d, Instant now) {
        String started = d.path("startedAt").asText(null);
        Long uptime = null;
        if (started != null) {
            try {
                uptime = Duration.between(Instant.parse(started), now).toSeconds();
            } catch (DateTimeParseException ignored) {
                // no uptime then
            }
        }
        return new AdminViews.Node(id, kind, d.path("version").asText(Version.CURRENT), started, uptime,
                d.has("sessions") ? d.path("sessions").asLong() : null,
                d.has("queueDepth") ? d.path("queueDepth").asLong() : null,
                d.has("address") ? d.path("address").asText() : null);
    }

    private JsonNode parse(String description) {
        try {
            return mapper.readTree(description);
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }
}
