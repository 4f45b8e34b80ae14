package dev.chat.fanout;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The whole RabbitMQ topology, in one place.
 *
 * <pre>
 * api ──publish once (routing key = 1st recipient, CC = the rest)──▶ exchange chat.events (direct, durable)
 *        binding "u.&lt;userId&gt;" for every user with a session on node N ──▶ queue chat.node.N ──▶ node N
 *        binding "all" (every node queue) ◀── broadcast events: announcements, session revocations
 * </pre>
 *
 * <p>Each ws-node owns one exclusive, auto-deleted queue named after the node. It binds the routing
 * key of a user when that user's first session arrives and unbinds it when the last one leaves.
 * The broker routes one copy of an event to each node that hosts any recipient, however many of
 * the recipients are there. A node that dies loses its queue; its clients catch up from
 * PostgreSQL when they reconnect (DESIGN.md guarantee 4), so nothing here is durable but the
 * exchange.
 */
public final class Topology {
    /** The durable direct exchange every event is published to. */
    public static final String EVENTS_EXCHANGE = "chat.events";
    /** Routing key every node queue binds: events for all nodes (announcements, session revocations). */
    public static final String BROADCAST_KEY = "all";
    /** Header carrying the recipients' routing keys beyond the first (RabbitMQ sender-selected distribution). */
    public static final String CC_HEADER = "CC";
    /** Upper bound of events a node holds unacknowledged: bounds its memory, keeps the pipe full. */
    public static final int NODE_PREFETCH = 512;
    /** Node queues refuse to grow past this: a stuck node sheds the oldest events, clients catch up. */
    public static final int NODE_QUEUE_MAX_LENGTH = 200_000;

    /** TTL of ephemeral events (typing, presence) in the broker. */
    public static final int EPHEMERAL_TTL_MS = 10_000;
    /** Header naming the one session of the recipient that an event is for (absent: all its sessions). */
    public static final String SESSION_HEADER = "session";
    /** Header with the instant (epoch milliseconds) the server accepted the change: the AMQP timestamp has whole seconds. */
    public static final String ACCEPTED_AT_HEADER = "at-ms";
    /** Header with the request id of the change, for logs on the node. */
    public static final String TRACE_HEADER = "trace";

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private Topology() {
    }

    /** Routing key of one user: every event for that user is published with it. */
    public static String userKey(UUID userId) {
        return "u." + userId;
    }

    /** The user a routing key of {@link #userKey} names, or null for any other key. */
    public static UUID userOfKey(String key) {
        if (key == null || !key.startsWith("u.")) {
            return null;
        }
        try {
            return UUID.fromString(key.substring(2));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The queue owned by one ws-node. */
    public static String nodeQueue(String nodeId) {
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("node id must match " + NODE_ID.pattern());
        }
        return "chat.node." + nodeId;
    }

    /** Declares the exchange; idempotent, called by every publisher and subscriber at start. */
    public static void declareExchange(Channel channel) throws IOException {
        channel.exchangeDeclare(EVENTS_EXCHANGE, BuiltinExchangeType.DIRECT, true, false, Map.of());
    }

    /** Declares this node's exclusive queue; it disappears with the node's connection. */
    public static String declareNodeQueue(Channel channel, String nodeId) throws IOException {
        String queue = nodeQueue(nodeId);
        channel.queueDeclare(queue, false, true, true, Map.of(
                "x-max-length", NODE_QUEUE_MAX_LENGTH,
                "x-overflow", "drop-head"));
        channel.queueBind(queue, EVENTS_EXCHANGE, BROADCAST_KEY);
        return queue;
    }
}
