package dev.chat.api;

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
 */
final class RateLimiter {
    private static final long MEMCACHED_RETRY_MILLIS = 5_000;

    /** What is limited, as named in keys and messages. */
    enum Kind {
        LOGIN_FAILURES("login-failures", "Too many failed logins for this account; try again later."),
        LOGINS("logins", "Too many login attempts from this address; try again later."),
        SIGNUPS("signups", "Too many accounts created from this address; try again later."),
        SENDS("sends", "You are sending messages too fast; slow down."),
        INVALID_INVITES("invalid-invites", "Too many invalid invite links; try again later."),
        UPLOADS("uploads", "You are uploading files too fast; try again later.");

        final String key;
        final String message;

        Kind(String key, String message) {
            this.key = key;
            this.message = message;
        }
    }

    private final MemcachedClient memcached;
    private final Clock clock;
    private final Map<String, AtomicLong> local = new ConcurrentHashMap<>();
    private volatile long memcachedAwayUntil;

    RateLimiter(MemcachedClient memcached, Clock clock) {
        this.memcached = memcached;
        this.clock = clock;
    }

    /** Counts one attempt; once more than the rate's max were counted in this window, 429. */
    void hit(Kind kind, String who, RateLimits.Rate rate) {
        Window w = window(kind, who, rate);
        if (count(w, 1) > rate.max()) {
            throw limited(kind, w);
        }
    }

    /** 429 if the rate's max is already reached in this window; counts nothing. */
    void check(Kind kind, String who, RateLimits.Rate rate) {
        Window w = window(kind, who, rate);
        if (count(w, 0) >= rate.max()) {
            throw limited(kind, w);
        }
    }

    /** Counts one attempt without judging it (e.g. a wrong password, judged at the next attempt). */
    void count(Kind kind, String who, RateLimits.Rate rate) {
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
