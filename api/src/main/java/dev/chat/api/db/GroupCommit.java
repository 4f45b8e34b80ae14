package dev.chat.api.db;

import dev.chat.api.http.ChatException;
import dev.chat.protocol.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Group commit: work that arrives together is written together. Callers {@link #submit} an item
 * (which carries its own future) and wait on it; a few writer threads each take whatever has
 * queued up (at most {@code maxBatch}) and hand it to the batch work as one list, which runs one
 * transaction of set-based statements and completes every item's future. Under light load a batch
 * is one item and nothing waits; under heavy load one commit serves many callers. Thread-safe.
 *
 * @param <T> a queued item; the batch work must complete (or fail) every item it is given
 */
public final class GroupCommit<T> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GroupCommit.class.getName());

    private final LinkedBlockingQueue<T> queue;
    private final List<Thread> writers = new ArrayList<>();
    private final int maxBatch;
    private final Consumer<List<T>> work;
    private volatile boolean closed;

    /**
     * @param writers   batches written at once (each holds one database connection while it writes)
     * @param maxBatch  items in one batch at most
     * @param capacity  items that may wait; beyond it {@link #submit} refuses with 503
     */
    public GroupCommit(String name, int writers, int maxBatch, int capacity, Consumer<List<T>> work) {
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.maxBatch = maxBatch;
        this.work = work;
        for (int i = 0; i < writers; i++) {
            this.writers.add(Thread.ofVirtual().name(name + "-writer-" + i).start(this::run));
        }
    }

    /** Queues an item for the next batch; its future tells the outcome. */
    public void submit(T item) {
        if (closed || !queue.offer(item)) {
            throw new ChatException(ErrorCode.SERVICE_UNAVAILABLE, "The service is busy; retry.");
        }
    }

    /** Waits for an item's outcome: its result, or the exception its batch ended it with. */
    public static <R> R await(java.util.concurrent.CompletableFuture<R> outcome) {
        try {
            return outcome.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    private void run() {
        List<T> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
                T first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                work.accept(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "a batch failed outside its own handling", e);
            } finally {
                batch.clear();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        writers.forEach(Thread::interrupt);
    }
}
