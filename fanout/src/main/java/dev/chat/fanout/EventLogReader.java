package dev.chat.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the event log ({@link Topology#EVENT_LOG}) from a chosen start, over AMQP 0-9-1 as
 * RabbitMQ 3.10 offers streams to it: a consumer with the {@code x-stream-offset} argument, a
 * prefetch and manual acknowledgements (the broker requires both for a stream; an acknowledgement
 * only makes room for the next entries, it removes nothing). Reading never changes the log: any
 * number of readers, each from where it likes (docs/EVENTS.md).
 *
 * <p>One reader is one connection, without recovery: a reader that lost its broker starts again
 * from the last offset it saw. Not thread-safe: one thread calls {@link #next}.
 */
public final class EventLogReader implements AutoCloseable {
    /** Entries the broker sends ahead of the reader: bounds the memory a replay of a large log takes. */
    private static final int PREFETCH = 500;
    /** The header the broker puts on every entry it delivers from a stream: the entry's offset. */
    private static final String OFFSET_HEADER = "x-stream-offset";

    /** Where a reading starts. */
    public sealed interface Start {
        /** The value of the consumer's {@code x-stream-offset} argument. */
        Object argument();

        /** The oldest entry the broker still keeps. */
        record First() implements Start {
            @Override
            public Object argument() {
                return "first";
            }
        }

        /**
         * Only what is appended from now on. RabbitMQ's own {@code last} starts at the last chunk
         * written, which may hold entries written before the reader came: this is its {@code next}.
         */
        record Next() implements Start {
            @Override
            public Object argument() {
                return "next";
            }
        }

        /** The entry at this offset (0 is the first ever appended), or the oldest kept if that one is gone. */
        record Offset(long offset) implements Start {
            public Offset {
                if (offset < 0) {
                    throw new IllegalArgumentException("an offset is 0 or more");
                }
            }

            @Override
            public Object argument() {
                return offset;
            }
        }

        /** Entries appended at or after this instant; the broker counts in whole seconds. */
        record Since(Instant at) implements Start {
            @Override
            public Object argument() {
                return java.util.Date.from(at);
            }
        }

        /** {@code first}, {@code last} (or {@code next}), an offset, or an RFC 3339 instant: {@code ./chat events --from}. */
        static Start parse(String text) {
            String s = text == null ? "" : text.trim();
            if (s.equals("first")) {
                return new First();
            }
            if (s.equals("last") || s.equals("next")) {
                return new Next();
            }
            if (s.matches("[0-9]{1,18}")) {
                return new Offset(Long.parseLong(s));
            }
            try {
                return new Since(Instant.parse(s));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("start at first, last, an offset (0, 1, ...) or an instant "
                        + "(2026-12-04T17:00:00Z), not '" + text + "'", e);
            }
        }
    }

    /**
     * One entry of the log.
     *
     * @param offset its place in the stream: 0, 1, 2, ... over the stream's whole life
     * @param type   the event's type (the AMQP {@code type} property, also in the event)
     * @param trace  the request id of the change it announces (for logs), or null
     * @param event  the event exactly as clients got it: type, v, id, conversation, seq, at, data
     */
    public record Entry(long offset, String type, String trace, JsonNode event) {
        /** The conversation the event happened in, or null for user-level events. */
        public UUID conversation() {
            return event.hasNonNull("conversation") ? UUID.fromString(event.get("conversation").asText()) : null;
        }

        /** The conversation's seq the event is at, or null. */
        public Long seq() {
            return event.hasNonNull("seq") ? event.get("seq").asLong() : null;
        }

        /** The event's id: a consumer drops an id it has seen (the log holds an event twice if it was published twice). */
        public UUID id() {
            return UUID.fromString(event.path("id").asText());
        }

        /** The line {@code ./chat events} prints: {@code {"offset":…,"type":…,"trace":…,"event":{…}}}. */
        public String toJson(ObjectMapper mapper) {
            ObjectNode line = mapper.createObjectNode();
            line.put("offset", offset);
            line.put("type", type);
            if (trace != null) {
                line.put("trace", trace);
            }
            line.set("event", event);
            return line.toString();
        }
    }

    /** A delivery handed from the connection's thread to the reader's. */
    private record Delivery(long tag, AMQP.BasicProperties props, byte[] body) {
    }

    private final Connection connection;
    private final Channel channel;
    private final ObjectMapper mapper;
    private final long from;
    private final BlockingQueue<Delivery> arrived = new ArrayBlockingQueue<>(PREFETCH);
    private volatile String cancelled;

    /** Starts reading at {@code start}; fails when the broker cannot be reached or has no event log. */
    public EventLogReader(AmqpSettings settings, Start start, ObjectMapper mapper) {
        this.mapper = mapper;
        this.from = start instanceof Start.Offset o ? o.offset() : 0;
        ConnectionFactory factory = settings.connectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        try {
            this.connection = settings.connect(factory, "event-log-reader");
            this.channel = connection.createChannel();
            channel.basicQos(PREFETCH);
            channel.basicConsume(Topology.EVENT_LOG, false, Map.of(OFFSET_HEADER, start.argument()), new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope delivery, AMQP.BasicProperties props, byte[] body) {
                    // never waits: the broker sends at most PREFETCH entries the reader has not taken
                    try {
                        arrived.put(new Delivery(delivery.getDeliveryTag(), props, body));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void handleCancel(String consumerTag) {
                    cancelled = "the broker ended the reading (the event log was deleted?)";
                }
            });
        } catch (IOException | TimeoutException e) {
            close();
            throw new PublishException("cannot read the event log " + Topology.EVENT_LOG + " at " + settings
                    + " (api declares it when it starts): " + e.getMessage(), e);
        }
    }

    /**
     * The next entry, waiting up to {@code wait} for one to be appended; null when none came. Entries
     * come in the log's order; with an offset to start at, the ones before it (the broker starts at
     * the beginning of a chunk) are skipped.
     */
    public Entry next(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (cancelled != null) {
                throw new IllegalStateException(cancelled);
            }
            Delivery d = arrived.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (d == null) {
                if (!channel.isOpen()) {
                    throw new IllegalStateException("the connection to the broker was lost: " + channel.getCloseReason());
                }
                return null;
            }
            acknowledge(d.tag());
            Entry e = entry(d);
            if (e.offset() >= from) {
                return e;
            }
        }
    }

    private void acknowledge(long tag) {
        try {
            channel.basicAck(tag, false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot acknowledge to the broker: " + e.getMessage(), e);
        }
    }

    private Entry entry(Delivery d) {
        Map<String, Object> headers = d.props().getHeaders() == null ? Map.of() : d.props().getHeaders();
        if (!(headers.get(OFFSET_HEADER) instanceof Number offset)) {
            throw new IllegalStateException("an entry without its offset: is " + Topology.EVENT_LOG + " a stream?");
        }
        Object trace = headers.get(Topology.TRACE_HEADER);
        JsonNode event;
        try {
            event = mapper.readTree(d.body());
        } catch (IOException e) {
            throw new MalformedEnvelopeException("entry " + offset + " is not JSON", e);
        }
        String type = d.props().getType() != null ? d.props().getType() : event.path("type").asText();
        return new Entry(offset.longValue(), type, trace == null ? null : trace.toString(), event);
    }

    @Override
    public void close() {
        try {
            if (connection != null) {
                connection.close(2_000);
            }
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
