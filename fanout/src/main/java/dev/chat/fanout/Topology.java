package dev.chat.fanout;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.chat.protocol.EventType;

import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The whole RabbitMQ topology, in one place.
 *
 * <pre>
 * api ──publish once (routing key = 1st recipient, CC = the rest)──▶ exchange chat.events (direct, durable)
 *        binding "u.&lt;userId&gt;" for every user with a session on node N ──▶ queue chat.node.N ──▶ node N
 *        binding "all" (every node queue) ◀── broadcast events: announcements, session revocations
 *        binding "log" ──▶ stream chat.events.log (every durable event: publishers add "log" in BCC)
 *
 * api ──every 2 s: "up at http://…" (and "leaving" once)──▶ exchange chat.apis (fanout)
 *        ──▶ queue chat.apis.N (exclusive, one per ws-node) ──▶ node N's directory of api instances
 * </pre>
 *
 * <p>Each ws-node owns one exclusive, auto-deleted queue named after the node. It binds the routing
 * key of a user when that user's first session arrives and unbinds it when the last one leaves.
 * The broker routes one copy of an event to each node that hosts any recipient, however many of
 * the recipients are there. A node that dies loses its queue; its clients catch up from
 * PostgreSQL when they reconnect (DESIGN.md guarantee 4), so nothing here is durable but the
 * exchange, and the event log.
 *
 * <p>The event log is a stream (an append-only, replayable queue) that the broker fills as it routes:
 * each durable event is published once, as ever, with {@link #EVENT_LOG_KEY} added in its
 * {@code BCC} header, so the broker appends a copy to the stream bound by that key and removes the
 * header before anyone sees it. Ephemeral events (typing, presence) are not logged: they are
 * worthless late, and typing is most of the traffic. docs/EVENTS.md has the entry format.
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

    /** The stream every durable event is appended to, for analytics and audit to replay (docs/EVENTS.md). */
    public static final String EVENT_LOG = "chat.events.log";
    /** The routing key binding the event log to {@link #EVENTS_EXCHANGE}; no user key or {@link #BROADCAST_KEY} looks like it. */
    public static final String EVENT_LOG_KEY = "log";
    /** Header of routing keys the broker routes by too and then removes from every copy (sender-selected distribution). */
    public static final String BCC_HEADER = "BCC";

    /** The fanout exchange api instances announce their internal address on ({@link ApiAnnouncement}). */
    public static final String APIS_EXCHANGE = "chat.apis";
    /** How long an announcement waits in a node's queue: one older than this is worth nothing. */
    static final int ANNOUNCEMENT_TTL_MS = 10_000;

    private static final Logger LOG = Logger.getLogger(Topology.class.getName());
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

    /** Declares the exchange api instances announce themselves on; idempotent. */
    public static void declareApisExchange(Channel channel) throws IOException {
        channel.exchangeDeclare(APIS_EXCHANGE, BuiltinExchangeType.FANOUT, true, false, Map.of());
    }

    /**
     * Declares this node's queue of api announcements, bound to {@link #APIS_EXCHANGE}: exclusive
     * (it disappears with the node's connection), announcements in it expire unread.
     */
    public static String declareApisQueue(Channel channel, String nodeId) throws IOException {
        String queue = "chat.apis." + nodeQueue(nodeId).substring("chat.node.".length());
        declareApisExchange(channel);
        channel.queueDeclare(queue, false, true, true, Map.of("x-message-ttl", ANNOUNCEMENT_TTL_MS));
        channel.queueBind(queue, APIS_EXCHANGE, "");
        return queue;
    }

    /**
     * Whether events of this type go to the event log: the durable ones, not the ephemeral (typing,
     * presence, announcements), and not a call's signalling: session descriptions and ICE candidates
     * carry the callers' network addresses and are worthless once the call is set up. A call's
     * outcome is logged as the message it leaves in the chat (docs/EVENTS.md).
     */
    public static boolean logged(EventType type) {
        return !type.ephemeral() && !type.wireName().startsWith("call.") && !type.wireName().startsWith("huddle.");
    }

    /** The event log's arguments: a stream, with its retention. */
    public static Map<String, Object> eventLogArguments(EventLogRetention retention) {
        return Map.of("x-queue-type", "stream",
                "x-max-length-bytes", retention.maxBytes(),
                "x-max-age", retention.maxAge(),
                "x-stream-max-segment-size-bytes", retention.segmentBytes());
    }

    /**
     * Declares the event log and binds it (idempotent; api calls it at start). It uses a connection
     * of its own without recovery: the stream and its binding are durable and outlive broker
     * restarts, so nothing needs declaring again. A stream that already exists with another
     * retention is kept as it is, with a warning (change it with a policy, or delete the stream);
     * any other failure is a warning too: the log misses events, the live path does not.
     *
     * @return whether the stream exists with this retention and is bound
     */
    public static boolean declareEventLog(AmqpSettings settings, EventLogRetention retention) {
        ConnectionFactory factory = settings.connectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        try (Connection connection = settings.connect(factory, "event-log-declare")) {
            boolean same = declareStream(connection, retention);
            Channel ch = connection.createChannel();
            ch.queueBind(EVENT_LOG, EVENTS_EXCHANGE, EVENT_LOG_KEY);
            ch.close();
            return same;
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.log(Level.WARNING, "the event log {0} could not be declared; events are not logged: {1}",
                    new Object[] {EVENT_LOG, e.toString()});
            return false;
        }
    }

    /** Declares the stream; false when it exists with other arguments (the broker's 406, which closed the channel). */
    private static boolean declareStream(Connection connection, EventLogRetention retention) throws IOException {
        Channel ch = connection.createChannel();
        try {
            ch.queueDeclare(EVENT_LOG, true, false, false, eventLogArguments(retention));
            ch.close();
            return true;
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s && !s.isHardError()
                    && s.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close close && close.getReplyCode() == 406) {
                LOG.log(Level.WARNING, "the event log {0} exists with another retention than {1}; kept as it is: {2}",
                        new Object[] {EVENT_LOG, retention, close.getReplyText()});
                return false;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }
}
