package dev.chat.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.chat.fanout.Topology;
import dev.chat.protocol.EventType;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The broker's own ceiling for the service's fan-out shapes, on the stack's RabbitMQ (in its own
 * vhost). The topology is the service's, declared by the same code ({@link Topology}): the direct
 * exchange, two node queues (exclusive, the same length limit) each bound by the keys of the
 * users "on" it (members alternate between the two), one publish per message with routing key =
 * the first recipient and the CC header = the others, the event publisher's properties
 * (transient), consumers acknowledging each delivery with the node's prefetch.
 *
 * <p>Publishers pipeline their confirms: each has its own connection and channel and at most
 * {@value #IN_FLIGHT} messages unconfirmed; a confirm listener releases the permits as the
 * broker confirms, so a publisher never stops to wait for a batch (which would measure the round
 * trip, not the broker). The body is as long as the service's envelope for that many recipients
 * (about 420 bytes plus 39 per recipient: the envelope lists them) and starts with the publish
 * instant, so the consumers measure latency from publish to delivery at a node.
 *
 * <p>One more line sends the one-to-one shape as one publish per recipient without the CC header:
 * the same deliveries, to show what the header costs the broker.
 *
 * <p>Each shape runs as fast as it goes, then the one-to-one shape at a fixed rate
 * ({@code -Dbench.broker.rate}, 5,000 msg/s by default). Each run warms up for
 * {@code -Dbench.broker.warmup.seconds} (3) and measures for {@code -Dbench.broker.seconds} (15);
 * the broker's CPU (with its descendants, from /proc) is taken over the measured window.
 */
final class BrokerCeiling {
    private static final int IN_FLIGHT = 100;
    private static final int PUBLISHERS = Integer.getInteger("bench.broker.publishers", 4);
    private static final double FIXED_RATE = Double.parseDouble(System.getProperty("bench.broker.rate", "5000"));
    private static final double WARMUP_SECONDS = Double.parseDouble(System.getProperty("bench.broker.warmup.seconds", "3"));
    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.broker.seconds", "15"));
    private static final int NODES = 2;

    /**
     * Users, conversations of {@code size} members, all members of a conversation are its
     * recipients; with {@code cc}, one publish per message (the service's way), else one publish
     * per recipient without the CC header (to show what the header costs).
     */
    private record Shape(String name, int users, int size, boolean cc) {
    }

    /** What one run measured. */
    private record Result(double published, double deliveredToQueues, Histogram latencyMicros, double brokerCores,
                          double loadCores, long nacks) {
    }

    private final Target target;
    private final Report report;

    BrokerCeiling(Target target, Report report) {
        this.target = target;
        this.report = report;
    }

    void run() throws Exception {
        report.line("%d publishers, each with its own connection and at most %d unconfirmed messages (confirms pipelined); "
                + "%.0f s warm-up, %.0f s measured per line", PUBLISHERS, IN_FLIGHT, WARMUP_SECONDS, SECONDS);
        report.line("");
        report.line("| shape (as in) | rate | recipients per message | body bytes | published msg/s | delivered to node queues /s "
                + "| messages fully delivered /s | p50 ms | p99 ms | max ms | broker CPU (of one core) | load generator CPU | nacks |");
        report.line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        Shape pairs = new Shape("1:1 pairs (W3)", 1_000, 2, true);
        for (Shape shape : List.of(pairs, new Shape("20 channels x 50 (W2)", 1_000, 50, true),
                new Shape("1 channel x 500 (W4)", 500, 500, true),
                new Shape("1:1 pairs, a publish per recipient, no CC", 1_000, 2, false))) {
            measure(shape, 0);
        }
        if (FIXED_RATE > 0) {
            measure(pairs, FIXED_RATE);
        }
    }

    /** What one run counts: deliveries to the node queues inside the measured window, their latency, publishes, nacks. */
    private record Counters(Recorder latency, LongAdder deliveredToQueues, LongAdder published, LongAdder nacks) {
        Counters() {
            this(new Recorder(3), new LongAdder(), new LongAdder(), new LongAdder());
        }
    }

    /**
     * Each conversation's publish: the properties of its event, as EventPublisher makes them (less
     * the message id), and its routing keys: the first member's (the others in CC), or each member's.
     */
    private record Routes(AMQP.BasicProperties[] props, String[][] routingKeys) {
        int conversations() {
            return props.length;
        }
    }

    /** A run's clock: warm-up from {@code started}, measured from {@code measureFrom} until {@code end}. */
    private record Window(long started, long measureFrom, long end) {
        static Window startingNow() {
            long started = System.nanoTime();
            long measureFrom = started + (long) (WARMUP_SECONDS * 1e9);
            return new Window(started, measureFrom, measureFrom + (long) (SECONDS * 1e9));
        }
    }

    /** The broker's and the load generator's CPU over the measured window, in cores. */
    private record Cores(double broker, double self) {
    }

    /** One shape at {@code rate} messages a second in total, or as fast as it goes when 0. */
    private void measure(Shape shape, double rate) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(target.amqpPort());
        factory.setVirtualHost(target.amqpVhost());
        factory.setAutomaticRecoveryEnabled(false);
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < shape.users(); i++) {
            users.add(UUID.randomUUID());
        }
        int bodyBytes = 420 + 39 * shape.size();
        Counters counters = new Counters();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int node = 0; node < NODES; node++) { // two "ws-nodes", each its own connection and queue
                Connection c = factory.newConnection("bench-node-" + node);
                connections.add(c);
                consumeAsNode(c, node, shape, users, counters);
            }
            Routes routes = routes(shape, users);
            Window window = Window.startingNow();
            List<Publisher> publishers = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                Connection c = factory.newConnection("bench-publisher-" + p);
                connections.add(c);
                publishers.add(new Publisher(c.createChannel(), counters.nacks()));
            }
            Cores cores = publishAndSample(publishers, routes, window, rate, bodyBytes, counters.published());
            for (Publisher publisher : publishers) {
                publisher.drain();
            }
            Thread.sleep(1_000); // the last deliveries of the window
            reportLine(shape, rate, bodyBytes, new Result(counters.published().sum() / SECONDS,
                    counters.deliveredToQueues().sum() / SECONDS, counters.latency().getIntervalHistogram(),
                    cores.broker(), cores.self(), counters.nacks().sum()));
        } finally {
            for (Connection c : connections) {
                try {
                    c.close(5_000);
                } catch (IOException | RuntimeException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /**
     * One "ws-node" on {@code connection}: its queue, bound by the keys of every {@value #NODES}th
     * user from {@code node} on, and a consumer that counts and acknowledges each delivery.
     */
    private static void consumeAsNode(Connection connection, int node, Shape shape, List<UUID> users, Counters counters)
            throws IOException {
        Channel ch = connection.createChannel();
        Topology.declareExchange(ch);
        String queue = Topology.declareNodeQueue(ch, "bench-" + node + "-" + shape.size());
        for (int u = node; u < users.size(); u += NODES) {
            ch.queueBind(queue, Topology.EVENTS_EXCHANGE, Topology.userKey(users.get(u)));
        }
        Channel consume = connection.createChannel();
        consume.basicQos(Topology.NODE_PREFETCH);
        consume.basicConsume(queue, false, new DefaultConsumer(consume) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] b) throws IOException {
                long now = System.nanoTime();
                if (b[8] == 1) { // published inside the measured window
                    counters.deliveredToQueues().increment();
                    counters.latency().recordValue(Math.max(0, (now - ByteBuffer.wrap(b).getLong(0)) / 1_000));
                }
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
        });
    }

    /** The conversations of {@code shape}, each of {@code shape.size()} consecutive users, and how each is published. */
    private static Routes routes(Shape shape, List<UUID> users) {
        int conversations = shape.users() / shape.size();
        AMQP.BasicProperties[] props = new AMQP.BasicProperties[conversations];
        String[][] routingKeys = new String[conversations][];
        for (int conversation = 0; conversation < conversations; conversation++) {
            int first = conversation * shape.size();
            List<String> members = new ArrayList<>(shape.size());
            for (int m = 0; m < shape.size(); m++) {
                members.add(Topology.userKey(users.get(first + m)));
            }
            var builder = new AMQP.BasicProperties.Builder().contentType("application/json").type(EventType.MESSAGE_CREATED.wireName())
                    .deliveryMode(1);
            if (shape.cc()) {
                routingKeys[conversation] = new String[] {members.getFirst()};
                builder.headers(Map.of(Topology.CC_HEADER, members.subList(1, members.size())));
            } else {
                routingKeys[conversation] = members.toArray(String[]::new);
            }
            props[conversation] = builder.build();
        }
        return new Routes(props, routingKeys);
    }

    /**
     * Runs every publisher on a virtual thread until the window ends, and samples the broker's and
     * this process's CPU over the measured window exactly (the publishers may still finish their
     * last publishes after it).
     */
    private Cores publishAndSample(List<Publisher> publishers, Routes routes, Window window, double rate, int bodyBytes,
                                   LongAdder published) {
        Processes broker = new Processes(target.run(), List.of("rabbitmq"));
        Processes self = new Processes(Map.of("bench", ProcessHandle.current().pid()));
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            long intervalNanos = rate > 0 ? (long) (PUBLISHERS * 1e9 / rate) : 0;
            for (Publisher publisher : publishers) {
                threads.submit(() -> publishUntilTheEnd(publisher, routes, window, intervalNanos, bodyBytes, published));
            }
            LockSupport.parkNanos(window.measureFrom() - System.nanoTime());
            List<Processes.Usage> brokerBefore = broker.sample();
            List<Processes.Usage> selfBefore = self.sample();
            long cpuFrom = System.nanoTime();
            LockSupport.parkNanos(window.end() - System.nanoTime());
            List<Processes.Usage> brokerAfter = broker.sample();
            List<Processes.Usage> selfAfter = self.sample();
            double measuredSeconds = (System.nanoTime() - cpuFrom) / 1e9;
            return new Cores(brokerBefore.isEmpty() ? Double.NaN
                    : (brokerAfter.getFirst().cpuSeconds() - brokerBefore.getFirst().cpuSeconds()) / measuredSeconds,
                    (selfAfter.getFirst().cpuSeconds() - selfBefore.getFirst().cpuSeconds()) / measuredSeconds);
        }
    }

    /**
     * One publisher's loop: a message to a random conversation, as fast as confirms allow, or one
     * every {@code intervalNanos} (open loop: a late publish goes out at once); the body starts
     * with the publish instant and says whether it falls in the measured window.
     */
    private static Void publishUntilTheEnd(Publisher publisher, Routes routes, Window window, long intervalNanos,
                                           int bodyBytes, LongAdder published) throws IOException, InterruptedException {
        long next = window.started() + (intervalNanos > 0 ? ThreadLocalRandom.current().nextLong(intervalNanos) : 0);
        byte[] template = new byte[bodyBytes];
        Arrays.fill(template, (byte) 'x');
        while (true) {
            if (intervalNanos > 0) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += intervalNanos;
            }
            long now = System.nanoTime();
            if (now >= window.end()) {
                return null;
            }
            boolean measured = now >= window.measureFrom();
            byte[] body = template.clone();
            ByteBuffer.wrap(body).putLong(0, now);
            body[8] = (byte) (measured ? 1 : 0);
            int conversation = ThreadLocalRandom.current().nextInt(routes.conversations());
            for (String key : routes.routingKeys()[conversation]) {
                publisher.publish(key, routes.props()[conversation], body);
            }
            if (measured) {
                published.increment();
            }
        }
    }

    private void reportLine(Shape shape, double rate, int bodyBytes, Result r) {
        Histogram h = r.latencyMicros();
        report.line("| %s | %s | %d | %,d | %,.0f | %,.0f | **%,.0f** | %.2f | %.2f | %.1f | %.0f%% | %.0f%% | %d |", shape.name(),
                rate > 0 ? String.format("%,.0f/s", rate) : "max", shape.size(), bodyBytes, r.published(),
                r.deliveredToQueues(), r.deliveredToQueues() / NODES, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0, 100 * r.brokerCores(), 100 * r.loadCores(),
                r.nacks());
    }

    /**
     * One publishing channel with confirms pipelined: a publish takes one of {@value #IN_FLIGHT}
     * permits (waiting only when that many are unconfirmed) and the confirm listener gives them back.
     */
    private static final class Publisher {
        private final Channel channel;
        private final Semaphore permits = new Semaphore(IN_FLIGHT);
        private final NavigableSet<Long> unconfirmed = new ConcurrentSkipListSet<>();

        Publisher(Channel channel, LongAdder nacks) throws IOException {
            this.channel = channel;
            channel.confirmSelect();
            channel.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long tag, boolean multiple) {
                    confirmed(tag, multiple);
                }

                @Override
                public void handleNack(long tag, boolean multiple) {
                    nacks.increment();
                    confirmed(tag, multiple);
                }
            });
        }

        void publish(String routingKey, AMQP.BasicProperties props, byte[] body) throws IOException, InterruptedException {
            permits.acquire();
            unconfirmed.add(channel.getNextPublishSeqNo());
            channel.basicPublish(Topology.EVENTS_EXCHANGE, routingKey, props, body);
        }

        /** A confirm of one sequence number, or of every one up to it. */
        private void confirmed(long tag, boolean multiple) {
            if (!multiple) {
                if (unconfirmed.remove(tag)) {
                    permits.release();
                }
                return;
            }
            // the publisher only adds later sequence numbers, so this view holds still while we count it
            NavigableSet<Long> done = unconfirmed.headSet(tag, true);
            int released = done.size();
            done.clear();
            permits.release(released);
        }

        /** Waits (at most 10 s) until everything published is confirmed. */
        void drain() throws InterruptedException {
            if (permits.tryAcquire(IN_FLIGHT, 10, TimeUnit.SECONDS)) {
                permits.release(IN_FLIGHT);
            }
        }
    }
}
