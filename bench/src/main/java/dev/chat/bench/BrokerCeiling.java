package dev.chat.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.chat.fanout.Topology;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's own ceiling for the service's fan-out shapes, on the stack's RabbitMQ (in its own
 * vhost). The topology is the service's, declared by the same code ({@link Topology}): the direct
 * exchange, two node queues (exclusive, the same length limit) each bound by the keys of the
 * users "on" it (members alternate between the two), one publish per message with routing key =
 * the first recipient and the CC header = the others, publisher confirms in batches of 100 as
 * the service's publisher does, consumers acknowledging each delivery with the node's prefetch.
 * The body is as long as the service's envelope for that many recipients (about 420 bytes plus 39
 * per recipient: the envelope lists them). As fast as it goes, for 15 s per shape.
 */
final class BrokerCeiling {
    private static final int PUBLISHERS = 4;
    private static final int BATCH = 100;
    private static final long SECONDS = 15;

    /** Users, conversations of {@code size} members, all members of a conversation are its recipients. */
    private record Shape(String name, int users, int size) {
    }

    private final Target target;
    private final Report report;

    BrokerCeiling(Target target, Report report) {
        this.target = target;
        this.report = report;
    }

    void run() throws Exception {
        report.line("| shape (as in) | recipients per message | body bytes | published msg/s | delivered to node queues /s | messages fully delivered /s |");
        report.line("| --- | --- | --- | --- | --- | --- |");
        for (Shape shape : List.of(new Shape("1:1 pairs (W3)", 1_000, 2), new Shape("20 channels x 50 (W2)", 1_000, 50),
                new Shape("1 channel x 500 (W4)", 500, 500))) {
            measure(shape);
        }
    }

    private void measure(Shape shape) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(target.amqpPort());
        factory.setVirtualHost(target.amqpVhost());
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < shape.users(); i++) {
            users.add(UUID.randomUUID());
        }
        int bodyBytes = 420 + 39 * shape.size();
        byte[] body = new byte[bodyBytes];
        java.util.Arrays.fill(body, (byte) 'x');
        LongAdder delivered = new LongAdder();
        LongAdder published = new LongAdder();
        List<Connection> connections = new ArrayList<>();
        try {
            for (int node = 0; node < 2; node++) { // two "ws-nodes", each its own connection and queue
                Connection c = factory.newConnection("bench-node-" + node);
                connections.add(c);
                Channel ch = c.createChannel();
                Topology.declareExchange(ch);
                String queue = Topology.declareNodeQueue(ch, "bench-" + node + "-" + shape.size());
                for (int u = node; u < users.size(); u += 2) {
                    ch.queueBind(queue, Topology.EVENTS_EXCHANGE, Topology.userKey(users.get(u)));
                }
                Channel consume = c.createChannel();
                consume.basicQos(Topology.NODE_PREFETCH);
                consume.basicConsume(queue, false, new DefaultConsumer(consume) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties p, byte[] b) throws IOException {
                        delivered.increment();
                        getChannel().basicAck(envelope.getDeliveryTag(), false);
                    }
                });
            }
            Connection publishing = factory.newConnection("bench-publisher");
            connections.add(publishing);
            long started = System.nanoTime();
            long end = started + SECONDS * 1_000_000_000L;
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int p = 0; p < PUBLISHERS; p++) {
                    threads.submit(() -> {
                        Channel ch = publishing.createChannel();
                        ch.confirmSelect();
                        int conversations = shape.users() / shape.size();
                        while (System.nanoTime() < end) {
                            for (int i = 0; i < BATCH; i++) {
                                int conversation = ThreadLocalRandom.current().nextInt(conversations);
                                int first = conversation * shape.size();
                                List<String> cc = new ArrayList<>(shape.size() - 1);
                                for (int m = 1; m < shape.size(); m++) {
                                    cc.add(Topology.userKey(users.get(first + m)));
                                }
                                var props = new AMQP.BasicProperties.Builder().contentType("application/json")
                                        .headers(Map.of(Topology.CC_HEADER, cc)).build();
                                ch.basicPublish(Topology.EVENTS_EXCHANGE, Topology.userKey(users.get(first)), props, body);
                            }
                            ch.waitForConfirmsOrDie(10_000);
                            published.add(BATCH);
                        }
                        return null;
                    });
                }
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            long deliveredInWindow = delivered.sum();
            double queuesPerMessage = 2; // members alternate between the two node queues: every shape reaches both
            report.line("| %s | %d | %,d | %,.0f | %,.0f | **%,.0f** |", shape.name(), shape.size(), bodyBytes,
                    published.sum() / elapsed, deliveredInWindow / elapsed, deliveredInWindow / queuesPerMessage / elapsed);
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
}
