package dev.chat.handoff;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The api instances a ws-node hands frames to, kept live: each api instance announces its internal
 * address every few seconds ("up") and once as it starts draining ("leaving"); an address not heard
 * from within {@code expiry} is dropped. The configured list is only the seed, trusted at start
 * like an announcement heard then.
 *
 * <p>The directory never empties: when the last address would go (it left, or nothing was heard
 * for a while because the broker is away), the addresses known last are kept, since trying them is
 * better than having none to try; the next announcement replaces them. Changes are serialised here
 * (announcements and expiry are rare); readers take {@link #live()}, an immutable snapshot, without a
 * lock. Thread-safe.
 */
public final class ApiDirectory {
    private final Duration expiry;
    private final LongSupplier nanos;
    /** Address -> when it was last heard from ({@link #nanos} time); changed only under this lock. */
    private final Map<URI, Long> heard = new LinkedHashMap<>();
    private final List<Consumer<List<URI>>> listeners = new ArrayList<>();
    private volatile List<URI> live;

    /** A directory on the system's clock. */
    public ApiDirectory(List<URI> seed, Duration expiry) {
        this(seed, expiry, System::nanoTime);
    }

    /** A directory on {@code nanos} (a monotonic clock in nanoseconds, as {@link System#nanoTime}). */
    public ApiDirectory(List<URI> seed, Duration expiry, LongSupplier nanos) {
        if (seed.isEmpty()) {
            throw new IllegalArgumentException("at least one api address is needed to start from");
        }
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("expiry must be positive");
        }
        this.expiry = expiry;
        this.nanos = nanos;
        long now = nanos.getAsLong();
        seed.forEach(uri -> heard.put(Objects.requireNonNull(uri), now));
        this.live = List.copyOf(heard.keySet());
    }

    /** The addresses to hand frames to now, in the order they were first heard; never empty. */
    public List<URI> live() {
        return live;
    }

    /**
     * Calls {@code listener} with the {@link #live()} list now, and with the new one after each change
     * (no change can fall between the two).
     */
    public synchronized void onChange(Consumer<List<URI>> listener) {
        listeners.add(listener);
        listener.accept(live);
    }

    /** An api instance said it is up at {@code address} (true) or is leaving (false). */
    public synchronized void heard(URI address, boolean up) {
        Objects.requireNonNull(address);
        if (up) {
            heard.put(address, nanos.getAsLong());
        } else {
            heard.remove(address);
            if (heard.isEmpty()) {
                // only what was known last is left: drop this one from it, unless it is the last
                List<URI> rest = live.stream().filter(uri -> !uri.equals(address)).toList();
                if (!rest.isEmpty()) {
                    change(rest);
                }
                return;
            }
        }
        publish();
    }

    /** Drops the addresses not heard from within the expiry; run it every few seconds. */
    public synchronized void expire() {
        long now = nanos.getAsLong();
        if (heard.values().removeIf(at -> now - at > expiry.toNanos())) {
            publish();
        }
    }

    private void publish() {
        if (heard.isEmpty()) {
            return; // keep what was known last: see the class comment
        }
        change(List.copyOf(heard.keySet()));
    }

    private void change(List<URI> next) {
        if (!next.equals(live)) {
            live = next;
            listeners.forEach(l -> l.accept(next));
        }
    }
}
