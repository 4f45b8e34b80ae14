package dev.chat.fanout;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;
import dev.chat.protocol.EventType;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A ws-node's end of the topology: its own queue, the per-user bindings, and the consumer.
 *
 * <p>{@link #bind}/{@link #unbind} are RPCs to the broker on a dedicated channel (serialised
 * here); the caller serialises them per user so that a user's key is bound exactly while the user
 * has a session on this node. Events are acknowledged after the handler returned; the handler must
 * not block on slow clients (it only enqueues). A malformed delivery is logged and dropped, never
 * redelivered forever. Thread-safe.
 */
public final class NodeSubscriber implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NodeSubscriber.class.getName());

    private final Connection connection;
    private final Channel bindChannel;
    private final Channel consumeChannel;
    private final String queue;
    /**
     * False from the loss of the broker connection until its recovery has declared this node's
     * queue and bindings again. A bind in between would name a queue that does not exist yet: the
     * broker would close the binding channel for good, and with it the node's recovery.
     */
    private volatile boolean topologyReady = true;
    /** How many times the broker connection was lost or recovered: see {@link #interruptions()}. */
    private final java.util.concurrent.atomic.AtomicLong interruptions = new java.util.concurrent.atomic.AtomicLong();

    public NodeSubscriber(AmqpSettings settings, String nodeId, Consumer<EncodedEvent> handler) {
        try {
            this.connection = settings.connect(settings.connectionFactory(), "ws-node-" + nodeId);
            this.bindChannel = connection.createChannel();
            Topology.declareExchange(bindChannel);
            this.queue = Topology.declareNodeQueue(bindChannel, nodeId);
            connection.addShutdownListener(cause -> topologyReady = false);
            if (connection instanceof com.rabbitmq.client.Recoverable recoverable) {
                recoverable.addRecoveryListener(new com.rabbitmq.client.RecoveryListener() {
                    @Override
                    public void handleRecovery(com.rabbitmq.client.Recoverable r) {
                        topologyReady = true;
                    }

                    @Override
                    public void handleRecoveryStarted(com.rabbitmq.client.Recoverable r) {
                        topologyReady = false;
                    }
                });
            }
            this.consumeChannel = connection.createChannel();
            consumeChannel.basicQos(Topology.NODE_PREFETCH);
            consumeChannel.basicConsume(queue, false, "node-" + nodeId, new DefaultConsumer(consumeChannel) {
                @Override
                public void handleDelivery(String tag, Envelope delivery, AMQP.BasicProperties props, byte[] body)
                        throws IOException {
                    try {
                        handler.accept(event(delivery, props, body));
                    } catch (MalformedEnvelopeException e) {
                        LOG.log(Level.WARNING, "dropping malformed event: {0}", e.getMessage());
                    } catch (RuntimeException e) {
                        LOG.log(Level.SEVERE, "event handler failed", e);
                    }
                    getChannel().basicAck(delivery.getDeliveryTag(), false);
                }
            });
        } catch (IOException | TimeoutException e) {
            throw new PublishException("cannot subscribe at the broker at " + settings, e);
        }
    }

    /**
     * The event of one delivery, read from its properties and headers only: the body is the
     * clients' frame and is passed on as it is.
     */
    static EncodedEvent event(Envelope delivery, AMQP.BasicProperties props, byte[] body) {
        EventType type = EventType.fromWire(props.getType() == null ? "" : props.getType())
                .orElseThrow(() -> new MalformedEnvelopeException("unknown event type " + props.getType()));
        java.util.Map<String, Object> headers = props.getHeaders() == null ? java.util.Map.of() : props.getHeaders();
        java.util.List<UUID> to = new java.util.ArrayList<>();
        if (!type.broadcast()) {
            addUser(to, delivery.getRoutingKey());
            if (headers.get(Topology.CC_HEADER) instanceof java.util.List<?> cc) {
                cc.forEach(key -> addUser(to, String.valueOf(key)));
            }
        }
        Object session = headers.get(Topology.SESSION_HEADER);
        Object at = headers.get(Topology.ACCEPTED_AT_HEADER);
        Object trace = headers.get(Topology.TRACE_HEADER);
        try {
            return new EncodedEvent(type, to, session == null ? null : UUID.fromString(session.toString()),
                    at instanceof Number n ? n.longValue() : System.currentTimeMillis(),
                    trace == null ? null : dev.chat.telemetry.RequestId.accept(trace.toString()), body);
        } catch (IllegalArgumentException e) {
            throw new MalformedEnvelopeException("invalid routing data: " + e.getMessage(), e);
        }
    }

    private static void addUser(java.util.List<UUID> to, String key) {
        UUID user = Topology.userOfKey(key);
        if (user != null) {
            to.add(user);
        }
    }

    public String queue() {
        return queue;
    }

    /**
     * Routes this user's events to this node's queue. Idempotent at the broker. Refused while the
     * broker connection is lost or being recovered.
     */
    public void bind(UUID userId) throws IOException {
        if (!topologyReady) {
            throw new IOException("the broker connection is being recovered");
        }
        synchronized (bindChannel) {
            bindChannel.queueBind(queue, Topology.EVENTS_EXCHANGE, Topology.userKey(userId));
        }
    }

    /** Stops routing this user's events here. Idempotent at the broker. */
    public void unbind(UUID userId) throws IOException {
        synchronized (bindChannel) {
            bindChannel.queueUnbind(queue, Topology.EVENTS_EXCHANGE, Topology.userKey(userId));
        }
    }

    /**
     * Events waiting in this node's queue, not yet handed to the consumer; -1 when the broker cannot
     * say. Only this node can ask: the queue is exclusive to its connection. A fresh channel each time,
     * so a failed inspection never closes the channel that binds users.
     */
    public long depth() {
        try (Channel inspect = connection.createChannel()) {
            return inspect.messageCount(queue);
        } catch (IOException | TimeoutException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Runs {@code action} when the connection to the broker is lost and again when it is recovered.
     * Events published meanwhile, and until the recovery has declared this node's queue and its
     * bindings again, may have been routed nowhere, so the node's sessions must not trust their
     * live stream across either moment.
     */
    public void onBrokerInterruption(Runnable action) {
        connection.addShutdownListener(cause -> {
            if (!cause.isInitiatedByApplication()) {
                interruptions.incrementAndGet();
                action.run();
            }
        });
        if (connection instanceof com.rabbitmq.client.Recoverable recoverable) {
            recoverable.addRecoveryListener(new com.rabbitmq.client.RecoveryListener() {
                @Override
                public void handleRecovery(com.rabbitmq.client.Recoverable r) {
                    interruptions.incrementAndGet();
                    action.run();
                }

                @Override
                public void handleRecoveryStarted(com.rabbitmq.client.Recoverable r) {
                    // nothing yet: the queue and bindings are not back
                }
            });
        }
    }

    /**
     * Counts the losses and recoveries of the broker connection seen so far (with {@link
     * #onBrokerInterruption} registered). A caller that binds a user and finds the count changed
     * meanwhile cannot know whether the binding is in the broker's current topology.
     */
    public long interruptions() {
        return interruptions.get();
    }

    /** Whether the connection, the node's channels and its topology are all in place. */
    public boolean isOpen() {
        return connection.isOpen() && topologyReady && bindChannel.isOpen() && consumeChannel.isOpen();
    }

    @Override
    public void close() {
        try {
            connection.close(2_000);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
