package dev.chat.api.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.chat.api.groups.GroupStore;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The JSON shapes {@code /api/admin} answers with (described in {@code openapi.yaml}). */
final class AdminViews {
    private AdminViews() {
    }

    /** An account as the console lists it; {@code lastSeenAt} is null until the first socket closes. */
    record User(UUID id, String username, String displayName, String role, boolean disabled, Instant createdAt,
                Instant lastSeenAt) {
    }

    record Counts(long conversations, long groups, long messages) {
    }

    /** One account with its counts; {@code online} is null while presence is unavailable. */
    record UserDetail(UUID id, String username, String displayName, String role, boolean disabled, Instant createdAt,
                      Instant lastSeenAt, Counts counts, Boolean online) {
        static UserDetail of(User u, Counts counts, Boolean online) {
            return new UserDetail(u.id(), u.username(), u.displayName(), u.role(), u.disabled(), u.createdAt(),
                    u.lastSeenAt(), counts, online);
        }
    }

    record UserPage(List<User> users, long total, int limit, int offset) {
    }

    record Group(UUID id, String name, String description, long memberCount, long channelCount, Instant createdAt) {
    }

    record GroupPage(List<Group> groups, long total, int limit, int offset) {
    }

    record Channel(UUID id, String name, boolean archived, long lastSeq) {
    }

    record GroupDetail(UUID id, String name, String description, Instant createdAt, List<GroupStore.Member> members,
                       List<Channel> channels) {
    }

    /** {@code online} is null while presence is unavailable. */
    record UserFigures(long total, Integer online) {
    }

    record MessageFigures(long lastHour, long lastDay) {
    }

    /** Sockets per ws-node and messages waiting per node queue, as the nodes report them in their heartbeats. */
    record Stats(UserFigures users, MessageFigures messages, Map<String, Long> sockets, Map<String, Long> queues,
                 long outboxBacklog) {
    }

    /** An api instance or ws-node from its heartbeat; what it did not report is left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Node(String id, String kind, String version, String startedAt, Long uptimeSeconds, Long sockets,
                Long queueDepth, String address) {
    }

    record Nodes(List<Node> nodes) {
    }

    /** {@code next}: the id to ask {@code before} for the next page, null on the last one. */
    record AuditPage(List<Audit.Entry> entries, Long next) {
    }

    record Announcement(UUID id, String text, Instant at) {
    }
}
