package dev.chat.fanout;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes each event ONCE with publisher confirms: routing key = the first recipient's key,
 * {@code CC} header = the other recipients' keys. The broker then delivers one copy to each node
 * queue bound by any of them.
 *
 * <p>Uses a small fixed pool of long-lived confirm-mode channels on one auto-recovering
 * connection (a channel is not thread-safe; each publish borrows one). {@link #publish} returns
 * only after the broker confirmed, so a caller that deletes its outbox row afterwards never loses
 * an event. Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {
    private static final long CONFIRM_TIMEOUT_MS = 5_000;

    private final Connection connection;
    private final BlockingQueue<Channel> channels;
    private final EnvelopeCodec codec;

    public EventPublisher(AmqpSettings settings, String connectionName, int poolSize, EnvelopeCodec codec) {
        this.codec = codec;
        try {
            this.connection = settings.connectionFactory().newConnection(connectionName);
            this.channels = new ArrayBlockingQueue<>(poolSize);
            for (int i = 0; i < poolSize; i++) {
                Channel ch = connection.createChannel();
                ch.confirmSelect();
                if (i == 0) {
                    Topology.declareExchange(ch);
                }
                channels.add(ch);
            }
        } catch (IOException | TimeoutException e) {
            throw new PublishException("cannot connect to the broker at " + settings, e);
        }
    }

    /** Publishes and waits for the broker's confirm. */
    public void publish(Envelope envelope) {
        publishAll(List.of(envelope));
    }

    /**
     * Publishes a batch on one channel and waits for all confirms at once (one round trip for the
     * batch). Either every envelope was confirmed, or a {@link PublishException} is thrown and
     * the caller retries all of them (consumers drop duplicates by event id and seq).
     */
    public void publishAll(List<Envelope> envelopes) {
        if (envelopes.isEmpty()) {
            return;
        }
        Channel ch = borrow();
        boolean healthy = true;
        try {
            for (Envelope e : envelopes) {
                List<UUID> to = e.to();
                String routingKey = Topology.userKey(to.getFirst());
                Map<String, Object> headers = new HashMap<>();
                if (to.size() > 1) {
                    List<String> cc = new ArrayList<>(to.size() - 1);
                    for (int i = 1; i < to.size(); i++) {
                        cc.add(Topology.userKey(to.get(i)));
                    }
                    headers.put(Topology.CC_HEADER, cc);
                }
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                        .contentType("application/json")
                        .messageId(e.id().toString())
                        .type(e.type().wireName())
                        .timestamp(java.util.Date.from(e.at()))
                        .headers(headers)
                        .deliveryMode(1)
                        .build();
                ch.basicPublish(Topology.EVENTS_EXCHANGE, routingKey, props, codec.encode(e));
            }
            ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
        } catch (IOException | TimeoutException | RuntimeException e) {
            healthy = false;
            throw new PublishException("publish not confirmed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            healthy = false;
            throw new PublishException("interrupted while waiting for confirms", e);
        } finally {
            giveBack(ch, healthy);
        }
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    private Channel borrow() {
        try {
            Channel ch = channels.poll(CONFIRM_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (ch == null) {
                throw new PublishException("no publishing channel free", null);
            }
            return ch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted", e);
        }
    }

    /**
     * A channel that failed may hold unconfirmed publishes from the failed batch; replacing it
     * keeps a later batch from waiting on their confirms. If no new channel can be had (broker
     * away) the recovering one is kept: the client library reopens it with the connection.
     */
    private void giveBack(Channel ch, boolean healthy) {
        if (!healthy) {
            try {
                Channel fresh = connection.createChannel();
                fresh.confirmSelect();
                try {
                    ch.abort();
                } catch (IOException ignored) {
                    // already gone
                }
                ch = fresh;
            } catch (IOException | RuntimeException ignored) {
                // broker still away: keep the recovering channel
            }
        }
        channels.add(ch);
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
