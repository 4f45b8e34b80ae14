package dev.chat.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Work numbered 1..count shared out to a few threads, as several senders would; the first failure fails the call. */
final class Parallel {
    interface Step {
        void run(int i) throws Exception;
    }

    private Parallel() {
    }

    static void run(int threads, int count, Step step) throws Exception {
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = next.incrementAndGet(); i <= count; i = next.incrementAndGet()) {
                        step.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }
}
