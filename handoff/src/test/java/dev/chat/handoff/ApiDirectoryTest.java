package dev.chat.handoff;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ApiDirectoryTest {
    private static final URI A = URI.create("http://127.0.0.1:8090");
    private static final URI B = URI.create("http://127.0.0.1:8092");
    private static final URI C = URI.create("http://127.0.0.1:8093");
    private static final Duration EXPIRY = Duration.ofSeconds(6);

    private final AtomicLong clock = new AtomicLong(1_000);
    private final List<List<URI>> changes = new ArrayList<>();

    private ApiDirectory directory(URI... seed) {
        ApiDirectory d = new ApiDirectory(List.of(seed), EXPIRY, clock::get);
        d.onChange(changes::add);
        return d;
    }

    private void advance(Duration by) {
        clock.addAndGet(by.toNanos());
    }

    @Test
    void theSeedIsUsedUntilAnnouncementsSayMore() {
        ApiDirectory d = directory(A);
        assertEquals(List.of(A), d.live());
        d.heard(B, true);
        assertEquals(List.of(A, B), d.live(), "an instance announced later is used");
        d.heard(B, true);
        assertEquals(List.of(List.of(A), List.of(A, B)), changes, "the list at once, then each change; hearing the same again is none");
    }

    @Test
    void anInstanceLeavingIsNoLongerUsed() {
        ApiDirectory d = directory(A);
        d.heard(B, true);
        d.heard(A, false);
        assertEquals(List.of(B), d.live());
        d.heard(A, true);
        assertEquals(List.of(B, A), d.live(), "back again: used again");
    }

    @Test
    void anAddressNotHeardFromWithinTheExpiryIsDropped() {
        ApiDirectory d = directory(A, C);
        advance(Duration.ofSeconds(4));
        d.heard(B, true);
        d.heard(A, true);
        advance(Duration.ofSeconds(4)); // C (the seed, never announced) is 8 s old, A and B 4 s
        d.expire();
        assertEquals(List.of(A, B), d.live(), "the seed's address nobody announces goes");
        advance(Duration.ofSeconds(1));
        d.heard(A, true);
        advance(Duration.ofMillis(1_500)); // B last heard 6.5 s ago, A 1.5 s ago
        d.expire();
        assertEquals(List.of(A), d.live());
    }

    @Test
    void theDirectoryNeverEmpties() {
        ApiDirectory d = directory(A);
        d.heard(B, true);
        advance(Duration.ofSeconds(30)); // the broker was away: nobody was heard
        d.expire();
        assertEquals(List.of(A, B), d.live(), "nothing fresher: what was known last is kept");
        d.heard(B, false);
        d.heard(A, false);
        assertEquals(List.of(A), d.live(), "the last one leaving (a restart) is still tried");
        d.heard(C, true);
        assertEquals(List.of(C), d.live(), "the next one heard replaces what was kept");
    }

    @Test
    void anEmptySeedIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ApiDirectory(List.of(), EXPIRY));
    }
}
