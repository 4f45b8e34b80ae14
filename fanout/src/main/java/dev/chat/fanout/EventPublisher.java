package dev.chat.fanout;

import com.rabbitmq.client.AMQP;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Publishes each event ONCE with publisher confirms: routing key = the first recipient's key,
 * {@code CC} header = the other recipients' keys. The broker then delivers one copy to each node
 * queue bound by any of them.
 *
 * <p>{@link #publishAll} returns only after the broker confirmed, so a caller that deletes its
 * outbox row afterwards never loses an event. Ephemeral events (typing, replies) carry a
 * per-message TTL so a backed-up node never delivers them stale. Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {
    private final ConfirmedChannels channels;
    private final EnvelopeCodec codec;

    public EventPublisher(AmqpSettings settings, String connectionName, int poolSize, EnvelopeCodec codec) {
        this.codec = codec;
        this.channels = new ConfirmedChannels(settings, connectionName, poolSize, Topology::declareExchange);
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
        channels.publishConfirmed(ch -> {
            for (Envelope e : envelopes) {
                ch.basicPublish(Topology.EVENTS_EXCHANGE, Topology.userKey(e.to().getFirst()), properties(e), codec.encode(e));
            }
        });
    }

    private static AMQP.BasicProperties properties(Envelope e) {
        List<UUID> to = e.to();
        Map<String, Object> headers = new HashMap<>();
        if (to.size() > 1) {
            List<String> cc = new ArrayList<>(to.size() - 1);
            for (int i = 1; i < to.size(); i++) {
                cc.add(Topology.userKey(to.get(i)));
            }
            headers.put(Topology.CC_HEADER, cc);
        }
        AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .messageId(e.id().toString())
                .type(e.type().wireName())
                .timestamp(Date.from(e.at()))
                .headers(headers)
                .deliveryMode(1);
        if (e.type().ephemeral()) {
            b.expiration(String.valueOf(Topology.EPHEMERAL_TTL_MS));
        }
        return b.build();
    }

    public boolean isOpen() {
        return channels.isOpen();
    }

    @Override
    public void close() {
        channels.close();
    }
}
