package dev.chat.fanout;

import com.rabbitmq.client.AMQP;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Publishes each event ONCE with publisher confirms: routing key = the first recipient's key,
 * {@code CC} header = the other recipients' keys. The broker then delivers one copy to each node
 * queue bound by any of them.
 *
 * <p>Each event is encoded once ({@link EncodedEvent}): the body is the clients' frame, the routing
 * data travels in properties and headers. {@link #publishEncoded} returns only after the broker
 * confirmed, so a caller that deletes its outbox row afterwards never loses an event. Ephemeral
 * events (typing, presence) carry a per-message TTL so a backed-up node never delivers them stale;
 * the others are appended to the event log by the broker as it routes them ({@link
 * Topology#EVENT_LOG}). Thread-safe.
 */
public final class EventPublisher implements AutoCloseable {
    /** The {@code BCC} of a durable event: the broker appends it to the event log too. */
    private static final List<String> LOG_KEYS = List.of(Topology.EVENT_LOG_KEY);
    private final java.util.concurrent.atomic.LongAdder published = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();
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

    /** Encodes each envelope once and publishes them (see {@link #publishEncoded}). */
    public void publishAll(List<Envelope> envelopes) {
        publishEncoded(envelopes.stream().map(codec::encode).toList());
    }

    /**
     * Publishes a batch on one channel and waits for all confirms at once (one round trip for the
     * batch, pipelined with other callers' batches). Either every event was confirmed, or a {@link
     * PublishException} is thrown and the caller retries all of them (consumers drop duplicates by
     * event id and seq).
     */
    public void publishEncoded(List<EncodedEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            channels.publishConfirmed(out -> write(out, events));
        } catch (PublishException e) {
            failed.add(events.size());
            throw e;
        }
        published.add(events.size());
    }

    /**
     * Publishes a batch on one channel without waiting: the answer completes once the broker
     * confirmed every event, or fails with a {@link PublishException} (refused, channel lost, or
     * not confirmed within {@code confirmWithinMs}). A caller can thus wait a short while and still
     * learn of a confirm that comes late, instead of publishing again what the broker has.
     */
    public java.util.concurrent.CompletableFuture<Void> publishEncodedAsync(List<EncodedEvent> events, long confirmWithinMs) {
        if (events.isEmpty()) {
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        return channels.publish(out -> write(out, events), confirmWithinMs).whenComplete((done, failure) -> {
            if (failure == null) {
                published.add(events.size());
            } else {
                failed.add(events.size());
            }
        });
    }

    private static void write(ConfirmedChannels.Out out, List<EncodedEvent> events) throws java.io.IOException {
        for (EncodedEvent e : events) {
            String key = e.type().broadcast() ? Topology.BROADCAST_KEY : Topology.userKey(e.to().getFirst());
            out.basicPublish(Topology.EVENTS_EXCHANGE, key, properties(e), e.frame());
        }
    }

    /** Events published and confirmed by the broker since start. */
    public double published() {
        return published.sum();
    }

    /** Events whose publish was not confirmed since start. */
    public double failed() {
        return failed.sum();
    }

    /**
     * Routing data in properties and headers, so a node never parses the body to route it. A
     * durable event also names the event log's key in {@code BCC}: the broker appends a copy to the
     * stream and strips the header from every copy.
     */
    static AMQP.BasicProperties properties(EncodedEvent e) {
        List<UUID> to = e.to();
        Map<String, Object> headers = new HashMap<>(8);
        if (Topology.logged(e.type())) {
            headers.put(Topology.BCC_HEADER, LOG_KEYS);
        }
        if (to.size() > 1) {
            List<String> cc = new ArrayList<>(to.size() - 1);
            for (int i = 1; i < to.size(); i++) {
                cc.add(Topology.userKey(to.get(i)));
            }
            headers.put(Topology.CC_HEADER, cc);
        }
        if (e.session() != null) {
            headers.put(Topology.SESSION_HEADER, e.session().toString());
        }
        headers.put(Topology.ACCEPTED_AT_HEADER, e.atMillis());
        if (e.trace() != null) {
            headers.put(Topology.TRACE_HEADER, e.trace());
        }
        AMQP.BasicProperties.Builder b = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .type(e.type().wireName())
                .headers(headers)
                .deliveryMode(1);
        if (e.type().ephemeral()) {
            b.expiration(String.valueOf(Topology.EPHEMERAL_TTL_MS));
        }
        return b.build();
    }

    /**
     * Messages waiting in each named queue (for operators); a queue that does not exist is left
     * out. Each is asked on a short-lived channel, since a failed passive declare closes it.
     */
    public Map<String, Long> queueDepths(List<String> queues) {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String q : queues) {
            try {
                channels.withFreshChannel(ch -> out.put(q, (long) ch.queueDeclarePassive(q).getMessageCount()));
            } catch (RuntimeException e) {
                // gone (a node that stopped) or the broker is away: not reported
            }
        }
        return out;
    }

    public boolean isOpen() {
        return channels.isOpen();
    }

    @Override
    public void close() {
        channels.close();
    }
}
