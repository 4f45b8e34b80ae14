package dev.chat.api.http;

import dev.chat.api.RateLimits;
import dev.chat.protocol.ErrorCode;
import net.spy.memcached.MemcachedClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fixed-window counters shared by every api instance through Memcached: one atomic increment per
 * attempt, the entry expiring with its window, so a limit holds however requests are spread over
 * instances. While Memcached is away each instance counts alone (the limit then holds per
 * instance) and retries Memcached after a few seconds; a limiter never fails a request.
 *
 * <p>Sends are counted differently ({@link #hitOften}): one Memcached round trip per message was a
 * tenth of api's CPU under load. Each instance counts a user's sends locally and adds them to the
 * shared counter at most every {@link #FLUSH_MILLIS} ms, without waiting; a send is judged by the
 * shared count last seen plus what this instance counted since. A user spreading sends over N
 * instances can thus get at most N flush periods' worth of sends past the limit.
 */
public final class RateLimiter {
    private static final long MEMCACHED_RETRY_MILLIS = 5_000;

    /** What is limited, as named in keys and messages. */
    public enum Kind {
        LOGIN_FAILURES("login-failures", "Too many failed logins for this account; try again later."),
        LOGINS("logins", "Too many login attempts from this address; try again later."),
        SIGNUPS("signups", "Too many accounts created from this address; try again later."),
        SENDS("sends", "You are sending messages too fast; slow down."),
        INVALID_INVITES("invalid-invites", "Too many invalid invite links; try again later."),
        UPLOADS("uploads", "You are uploading files too fast; try again later."),
        CALL_INVITES("call-invites", "You are starting calls too fast; try again later.");

        final String key;
        final String message;

        Kind(String key, String message) {
            this.key = key;
            this.message = message;
        }
    }

    static final long FLUSH_MILLIS = 100;

    /** One window's count of one user on this instance, for {@link #hitOften}. */
    private static final class Tally {
        final String key;
        final int seconds;
        final long endsAtMillis;
        /** Counted here and not yet added to the shared counter. */
        final AtomicLong pending = new AtomicLong();
        /** Being added to the shared counter right now (not yet in {@link #shared}). */
        final AtomicLong inFlight = new AtomicLong();
        /** The shared counter as last seen (what every instance had added). */
        volatile long shared;
        volatile long flushedAtMillis;
        final java.util.concurrent.atomic.AtomicBoolean flushing = new java.util.concurrent.atomic.AtomicBoolean();

        Tally(Window w) {
            this.key = w.key();
            this.seconds = w.seconds();
            this.endsAtMillis = w.endsAtMillis();
        }
    }

    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();
    private final MemcachedClient memcached;
    private final Clock clock;
    private final Map<String, AtomicLong> local = new ConcurrentHashMap<>();
    private volatile long memcachedAwayUntil;

    public RateLimiter(MemcachedClient memcached, Clock clock) {
        this.memcached = memcached;
        this.clock = clock;
    }

    /** Counts one attempt; once more than the rate's max were counted in this window, 429. */
    public void hit(Kind kind, String who, RateLimits.Rate rate) {
        Window w = window(kind, who, rate);
        if (count(w, 1) > rate.max()) {
            throw limited(kind, w);
        }
    }

    /**
     * Like {@link #hit}, for what is counted often (every message sent): counted here at once,
     * added to the shared counter in the background at most every {@link #FLUSH_MILLIS} ms.
     */
    public void hitOften(Kind kind, String who, RateLimits.Rate rate) {
        long now = clock.millis();
        long length = rate.window().toMillis();
        long index = now / length;
        Tally t = tallies.computeIfAbsent(kind.key + ":" + who + ":" + length + ":" + index,
                k -> new Tally(window(kind, who, rate)));
        long mine = t.pending.incrementAndGet();
        if (now - t.flushedAtMillis >= FLUSH_MILLIS) {
            flush(t, now);
        }
        if (t.shared + t.inFlight.get() + mine > rate.max()) {
            throw limited(kind, new Window(t.key, t.seconds, t.endsAtMillis));
        }
        if (tallies.size() > 10_000) {
            tallies.values().removeIf(old -> old.endsAtMillis < now);
        }
    }

    /** Adds what this instance counted to the shared counter, without waiting for the answer. */
    private void flush(Tally t, long now) {
        if (now < memcachedAwayUntil || !t.flushing.compareAndSet(false, true)) {
            return;
        }
        long n = t.pending.getAndSet(0);
        t.inFlight.addAndGet(n);
        t.flushedAtMillis = now;
        try {
            var future = memcached.asyncIncr(t.key, n, n, t.seconds + 1);
            future.addListener(f -> {
                try {
                    Long total = (Long) f.get();
                    if (total != null && total >= 0) {
                        t.shared = Math.max(t.shared, total);
                    } else {
                        t.pending.addAndGet(n); // not counted there: count it again next time
                    }
                } catch (Exception e) {
                    t.pending.addAndGet(n);
                    memcachedAwayUntil = clock.millis() + MEMCACHED_RETRY_MILLIS;
                } finally {
                    t.inFlight.addAndGet(-n);
                    t.flushing.set(false);
                }
            });
        } catch (RuntimeException e) {
            t.pending.addAndGet(n);
            t.inFlight.addAndGet(-n);
            memcachedAwayUntil = now + MEMCACHED_RETRY_MILLIS;
            t.flushing.set(false);
        }
    }

    /** 429 if the rate's max is already reached in this window; counts nothing. */
    public void check(Kind kind, String who, RateLimits.Rate rate) {
        Window w = window(kind, who, rate);
        if (count(w, 0) >= rate.max()) {
            throw limited(kind, w);
        }
    }

    /** Counts one attempt without judging it (e.g. a wrong password, judged at the next attempt). */
    public void count(Kind kind, String who, RateLimits.Rate rate) {
        count(window(kind, who, rate), 1);
    }

    private record Window(String key, int seconds, long endsAtMillis) {
    }

    private Window window(Kind kind, String who, RateLimits.Rate rate) {
        long now = clock.millis();
        long length = rate.window().toMillis();
        long index = now / length;
        // keys stay short and free of spaces whatever a username or address holds
        String key = "rl:" + kind.key + ":" + digest(who) + ":" + rate.window().toSeconds() + ":" + index;
        return new Window(key, (int) rate.window().toSeconds(), (index + 1) * length);
    }

    private long count(Window w, int by) {
        long now = clock.millis();
        if (now >= memcachedAwayUntil) {
            try {
                long n = by > 0 ? memcached.incr(w.key, by, by, w.seconds + 1) : parse(memcached.get(w.key));
                if (n >= 0) {
                    return n;
                }
            } catch (RuntimeException e) {
                memcachedAwayUntil = now + MEMCACHED_RETRY_MILLIS;
            }
        }
        if (local.size() > 100_000) {
            local.keySet().removeIf(k -> Long.parseLong(k.substring(k.lastIndexOf(':') + 1)) < now);
        }
        return local.computeIfAbsent(w.key + ":" + w.endsAtMillis, k -> new AtomicLong()).addAndGet(by);
    }

    private static long parse(Object stored) {
        if (stored == null) {
            return 0;
        }
        try {
            return Long.parseLong(stored.toString().strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private ChatException limited(Kind kind, Window w) {
        int retryAfter = (int) Math.max(1, (w.endsAtMillis - clock.millis() + 999) / 1000);
        return new ChatException(ErrorCode.RATE_LIMITED, kind.message, retryAfter, null);
    }

    private static String digest(String who) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(who.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
