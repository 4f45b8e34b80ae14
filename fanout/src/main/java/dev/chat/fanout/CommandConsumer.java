package dev.chat.fanout;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * api's side of the commands queue: every api instance consumes it (competing consumers), so
 * commands are spread over instances and survive any one of them dying (unacknowledged commands
 * are redelivered to another; the handlers are idempotent). Each command is handled on its own
 * virtual thread and acknowledged when its handler returned. Thread-safe.
 */
public final class CommandConsumer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CommandConsumer.class.getName());
    /** Commands in flight per api instance: bounds concurrency and memory. */
    public static final int PREFETCH = 256;

    private final Connection connection;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    /**
     * Commands handled at once: no more than the handler's resources (database connections) can
     * serve, so a burst waits here, in order, instead of timing out in a connection pool.
     */
    private final Semaphore running;

    public CommandConsumer(AmqpSettings settings, String connectionName, CommandCodec codec, Consumer<Command> handler,
                           int concurrency) {
        this.running = new Semaphore(Math.max(1, concurrency), true);
        try {
            this.connection = settings.connectionFactory().newConnection(connectionName);
            Channel ch = connection.createChannel();
            Topology.declareCommandsQueue(ch);
            ch.basicQos(PREFETCH);
            ch.basicConsume(Topology.COMMANDS_QUEUE, false, connectionName, new DefaultConsumer(ch) {
                @Override
                public void handleDelivery(String tag, com.rabbitmq.client.Envelope delivery, AMQP.BasicProperties props,
                                           byte[] body) {
                    long deliveryTag = delivery.getDeliveryTag();
                    workers.submit(() -> {
                        try {
                            running.acquire();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return; // closing: not acknowledged, so the broker gives it to another instance
                        }
                        try {
                            handler.accept(codec.decode(body));
                        } catch (MalformedEnvelopeException e) {
                            LOG.log(Level.WARNING, "dropping malformed command: {0}", e.getMessage());
                        } catch (RuntimeException e) {
                            LOG.log(Level.SEVERE, "command handler failed", e);
                        } finally {
                            running.release();
                        }
                        try {
                            synchronized (ch) {
                                ch.basicAck(deliveryTag, false);
                            }
                        } catch (IOException | RuntimeException e) {
                            LOG.log(Level.FINE, "ack failed; the command will be redelivered", e);
                        }
                    });
                }
            });
        } catch (IOException | TimeoutException e) {
            throw new PublishException("cannot consume commands at the broker at " + settings, e);
        }
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        try {
            connection.close(2_000);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        workers.shutdown();
    }
}
