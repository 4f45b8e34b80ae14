package dev.chat.fanout;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small fixed pool of long-lived confirm-mode channels on one auto-recovering connection: the
 * shape the broker handles best (a few publishing channels, not one per request). A channel is not
 * thread-safe, so each publish borrows one. Thread-safe.
 */
final class ConfirmedChannels implements AutoCloseable {
    private static final long CONFIRM_TIMEOUT_MS = 5_000;

    /** Publishes on a borrowed channel; the pool waits for the broker's confirms afterwards. */
    interface Work {
        void publish(Channel channel) throws IOException;
    }

    /** Declares what the publisher needs, once, on the first channel. */
    interface Declare {
        void declare(Channel channel) throws IOException;
    }

    private final Connection connection;
    private final BlockingQueue<Channel> channels;

    ConfirmedChannels(AmqpSettings settings, String connectionName, int poolSize, Declare declare) {
        try {
            this.connection = settings.connectionFactory().newConnection(connectionName);
            this.channels = new ArrayBlockingQueue<>(poolSize);
            for (int i = 0; i < poolSize; i++) {
                Channel ch = connection.createChannel();
                ch.confirmSelect();
                if (i == 0) {
                    declare.declare(ch);
                }
                channels.add(ch);
            }
        } catch (IOException | TimeoutException e) {
            throw new PublishException("cannot connect to the broker at " + settings, e);
        }
    }

    /**
     * Runs {@code work} and waits until the broker confirmed everything it published. Either all
     * of it was confirmed, or a {@link PublishException} is thrown and the caller retries.
     */
    void publishConfirmed(Work work) {
        Channel ch = borrow();
        boolean healthy = true;
        try {
            work.publish(ch);
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

    boolean isOpen() {
        return connection.isOpen();
    }

    /** Work that may close its channel (a passive declare of a missing queue): on a channel of its own. */
    interface ChannelWork {
        void run(Channel ch) throws IOException;
    }

    void withFreshChannel(ChannelWork work) {
        try (Channel ch = connection.createChannel()) {
            work.run(ch);
        } catch (IOException | TimeoutException e) {
            throw new PublishException("broker request failed", e);
        } catch (com.rabbitmq.client.AlreadyClosedException e) {
            throw new PublishException("channel closed", e);
        }
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
     * A channel that failed may hold unconfirmed publishes; replacing it keeps a later publish from
     * waiting on their confirms. If no new channel can be had (broker away), the recovering one is
     * kept: the client library reopens it with the connection.
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
