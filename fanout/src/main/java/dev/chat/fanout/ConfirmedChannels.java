package dev.chat.fanout;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small fixed pool of long-lived confirm-mode channels on one auto-recovering connection: the
 * shape the broker handles best (a few publishing channels, not one per request).
 *
 * <p>Confirms are asynchronous: a publish takes its channel only for the time it writes, notes the
 * sequence numbers it used, and then waits for their confirms with the channel free for the next
 * caller. Many publishes are thus in flight on one channel and the broker confirms them in
 * batches (for persistent messages, one disk sync for many). A channel that publishes and then
 * waits for its own confirms allows one publish per round trip; measured with the load generator
 * (docs/BENCHMARKS.md), that capped the WebSocket send path at a few dozen messages a second.
 * Thread-safe.
 */
final class ConfirmedChannels implements AutoCloseable {
    private static final long CONFIRM_TIMEOUT_MS = 5_000;

    /** Publishes through {@code out}; the pool waits for the broker's confirms afterwards. */
    interface Work {
        void publish(Out out) throws IOException;
    }

    /** {@link Channel#basicPublish}, noting the publish's sequence number before it is sent. */
    interface Out {
        void basicPublish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) throws IOException;
    }

    /** Declares what the publisher needs, once, on the first channel. */
    interface Declare {
        void declare(Channel channel) throws IOException;
    }

    /** One channel and the confirms it still owes, by publish sequence number. */
    private static final class Confirming {
        final Channel channel;
        final ConcurrentSkipListMap<Long, CompletableFuture<Void>> owed = new ConcurrentSkipListMap<>();

        Confirming(Channel channel) {
            this.channel = channel;
            channel.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long tag, boolean multiple) {
                    settle(tag, multiple, null);
                }

                @Override
                public void handleNack(long tag, boolean multiple) {
                    settle(tag, multiple, new IOException("the broker refused the message (nack)"));
                }
            });
            // lost with the connection: whatever was owed will never be confirmed (the recovered
            // channel numbers its publishes afresh), so those publishers retry
            channel.addShutdownListener(cause -> failAll(new IOException("channel closed: " + cause.getMessage())));
        }

        private void settle(long tag, boolean multiple, IOException failure) {
            ConcurrentNavigableMap<Long, CompletableFuture<Void>> done = multiple ? owed.headMap(tag, true) : owed.subMap(tag, true, tag, true);
            List<CompletableFuture<Void>> futures = new ArrayList<>(done.values());
            done.clear();
            for (CompletableFuture<Void> f : futures) {
                if (failure == null) {
                    f.complete(null);
                } else {
                    f.completeExceptionally(failure);
                }
            }
        }

        void failAll(IOException failure) {
            List<CompletableFuture<Void>> futures = new ArrayList<>(owed.values());
            owed.clear();
            futures.forEach(f -> f.completeExceptionally(failure));
        }
    }

    private final Connection connection;
    /** Replaced when the broker closed one on its own (see {@link #usable}). */
    private final java.util.concurrent.atomic.AtomicReferenceArray<Confirming> channels;
    private final AtomicInteger next = new AtomicInteger();

    ConfirmedChannels(AmqpSettings settings, String connectionName, int poolSize, Declare declare) {
        try {
            this.connection = settings.connect(settings.connectionFactory(), connectionName);
            this.channels = new java.util.concurrent.atomic.AtomicReferenceArray<>(poolSize);
            for (int i = 0; i < poolSize; i++) {
                Channel ch = connection.createChannel();
                ch.confirmSelect();
                if (i == 0) {
                    declare.declare(ch);
                }
                channels.set(i, new Confirming(ch));
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
        try {
            publish(work, CONFIRM_TIMEOUT_MS).get();
        } catch (ExecutionException e) {
            throw unconfirmed(e.getCause(), CONFIRM_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for confirms", e);
        }
    }

    /**
     * Runs {@code work}; the answer completes when the broker confirmed everything it published,
     * or fails (a {@link PublishException}) when it refused any, the channel closed, or no confirm
     * came within {@code confirmWithinMs}.
     */
    CompletableFuture<Void> publish(Work work, long confirmWithinMs) {
        Confirming c = usable(Math.floorMod(next.getAndIncrement(), channels.length()));
        List<CompletableFuture<Void>> mine = new ArrayList<>(1);
        try {
            synchronized (c.channel) {
                // each future is owed before its publish goes out: the confirm may come back at once
                work.publish((exchange, key, props, body) -> {
                    CompletableFuture<Void> f = new CompletableFuture<>();
                    c.owed.put(c.channel.getNextPublishSeqNo(), f);
                    mine.add(f);
                    c.channel.basicPublish(exchange, key, props, body);
                });
            }
        } catch (IOException | RuntimeException e) {
            forget(c, mine);
            return CompletableFuture.failedFuture(new PublishException("publish failed", e));
        }
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        CompletableFuture.allOf(mine.toArray(CompletableFuture[]::new))
                .orTimeout(confirmWithinMs, TimeUnit.MILLISECONDS)
                .whenComplete((done, failure) -> {
                    if (failure == null) {
                        confirmed.complete(null);
                    } else {
                        forget(c, mine);
                        confirmed.completeExceptionally(unconfirmed(failure, confirmWithinMs));
                    }
                });
        return confirmed;
    }

    private static PublishException unconfirmed(Throwable failure, long withinMs) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return switch (cause) {
            case PublishException p -> p;
            case TimeoutException t -> new PublishException("publish not confirmed within " + withinMs + " ms", t);
            default -> new PublishException("publish not confirmed", cause);
        };
    }

    /**
     * The pool's channel at {@code i}, replaced by a fresh one if the broker closed it while the
     * connection stayed up: a channel-level error (say, a publish to an exchange that a recovery
     * has not declared again yet) closes a channel for good, and the client library recovers
     * channels only with their connection. While the connection itself is down, the channel is
     * kept: the library reopens it with the connection.
     */
    private Confirming usable(int i) {
        Confirming c = channels.get(i);
        if (c.channel.isOpen() || !connection.isOpen()) {
            return c;
        }
        synchronized (c) {
            if (channels.get(i) != c) {
                return channels.get(i);
            }
            try {
                Channel fresh = connection.createChannel();
                fresh.confirmSelect();
                Confirming replacement = new Confirming(fresh);
                channels.set(i, replacement);
                return replacement;
            } catch (IOException | RuntimeException e) {
                return c; // the broker is going away after all: the publish fails and is retried
            }
        }
    }

    /** Stops waiting for these confirms (a late one then finds nothing to complete). */
    private static void forget(Confirming c, List<CompletableFuture<Void>> futures) {
        c.owed.values().removeAll(futures);
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

    @Override
    public void close() {
        try {
            connection.close(2_000);
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
    }
}
