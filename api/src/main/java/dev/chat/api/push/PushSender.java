package dev.chat.api.push;

import dev.chat.api.db.Db;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends push messages to push services (RFC 8030): an encrypted payload ({@link Aes128Gcm}) with
 * {@code TTL}, {@code Urgency} and {@code Topic}, authorised by a VAPID token ({@link Vapid}). Each
 * attempt runs on a virtual thread of its own, never on the caller's; 429 and 5xx (and a network
 * failure) are tried again after the service's {@code Retry-After}, else after a backoff that
 * doubles from 1 s, up to {@link #MAX_ATTEMPTS} attempts; 404 and 410 mean the subscription is gone,
 * and its row is deleted. Thread-safe.
 */
public final class PushSender implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PushSender.class.getName());
    static final int MAX_ATTEMPTS = 5;
    /** The longest wait before a retry, whatever a push service asks. */
    static final Duration MAX_DELAY = Duration.ofMinutes(5);

    /** One push to one device: its plaintext payload (JSON), how long the service may keep it, how urgent, what it replaces. */
    public record Delivery(PushStore.Target target, byte[] payload, Duration ttl, String urgency, String topic) {
    }

    private final Db db;
    private final PushStore store;
    private final Vapid vapid;
    private final HttpClient http;
    private final ExecutorService attempts = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("push-retries").daemon().factory());
    private final AtomicLong delivered = new AtomicLong();

    public PushSender(Db db, PushStore store, Vapid vapid) {
        this.db = db;
        this.store = store;
        this.vapid = vapid;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(attempts)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Starts sending {@code d}; returns at once. */
    public void send(Delivery d) {
        attempts.execute(() -> attempt(d, 1));
    }

    /** How many pushes push services accepted (201) since start. */
    public long delivered() {
        return delivered.get();
    }

    private void attempt(Delivery d, int attempt) {
        URI endpoint = URI.create(d.target().endpoint());
        Duration retryAfter = null;
        int status;
        try {
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                    .header("TTL", String.valueOf(d.ttl().toSeconds()))
                    .header("Urgency", d.urgency())
                    .header("Topic", d.topic())
                    .header("Content-Encoding", "aes128gcm")
                    .header("Content-Type", "application/octet-stream")
                    .header("Authorization", vapid.authorization(endpoint, Instant.now()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Aes128Gcm.encrypt(d.payload(), d.target().p256dh(), d.target().auth())))
                    .build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
            retryAfter = response.headers().firstValue("Retry-After").map(PushSender::retryAfter).orElse(null);
        } catch (IOException e) {
            status = -1;
            LOG.log(Level.FINE, "push to {0} failed: {1}", new Object[] {endpoint.getHost(), e.getMessage()});
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "push to " + endpoint.getHost() + " could not be made", e);
            return;
        }
        settle(d, attempt, status, retryAfter);
    }

    private void settle(Delivery d, int attempt, int status, Duration retryAfter) {
        if (status >= 200 && status < 300) {
            delivered.incrementAndGet();
        } else if (status == 404 || status == 410) {
            db.inTransaction(tx -> {
                store.gone(tx, d.target().endpoint());
                return null;
            });
            LOG.fine(() -> "a push subscription is gone (" + status + "), deleted");
        } else if ((status == 429 || status >= 500 || status == -1) && attempt < MAX_ATTEMPTS) {
            Duration wait = retryAfter != null ? min(retryAfter, MAX_DELAY) : backoff(attempt);
            if (wait.compareTo(d.ttl()) < 0) {
                timer.schedule(() -> attempts.execute(() -> attempt(d, attempt + 1)), wait.toMillis(), TimeUnit.MILLISECONDS);
            }
        } else {
            LOG.log(Level.INFO, "push refused with {0} after {1} attempts, dropped", new Object[] {status, attempt});
        }
    }

    /** 1 s, 2 s, 4 s, 8 s, with up to a quarter more at random, so retries of many pushes spread. */
    static Duration backoff(int attempt) {
        long ms = 1000L << Math.min(attempt - 1, 8);
        return min(Duration.ofMillis(ms + ThreadLocalRandom.current().nextLong(ms / 4 + 1)), MAX_DELAY);
    }

    /** {@code Retry-After}: seconds, or an HTTP date; null when neither. */
    static Duration retryAfter(String value) {
        String v = value.strip();
        if (v.matches("[0-9]{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Duration d = Duration.between(Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        attempts.shutdownNow();
        http.shutdownNow();
    }
}
