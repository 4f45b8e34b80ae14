package dev.chat.presence;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceRecordTest {
    private static final long NOW = 1_763_800_000_000L;

    @Test
    void onlineWhileAnyLiveEntryOnAnAliveNode() {
        PresenceRecord r = PresenceRecord.empty().withNode("ws-1", NOW + 60_000, NOW).withNode("ws-2", NOW + 60_000, NOW);
        assertTrue(r.online(NOW, Set.of("ws-1", "ws-2")));
        PresenceRecord oneLeft = r.withoutNode("ws-1", NOW);
        assertTrue(oneLeft.online(NOW, Set.of("ws-1", "ws-2")), "no flapping while another node holds a session");
        assertTrue(oneLeft.liveElsewhere("ws-1", NOW, Set.of("ws-2")));
        PresenceRecord gone = oneLeft.withoutNode("ws-2", NOW + 5);
        assertFalse(gone.online(NOW + 5, Set.of("ws-1", "ws-2")));
        assertEquals(NOW + 5, gone.lastSeenMillis());
    }

    @Test
    void entriesOfDeadNodesOrPastExpiryDoNotCount() {
        PresenceRecord r = PresenceRecord.empty().withNode("ws-1", NOW + 60_000, NOW);
        assertFalse(r.online(NOW, Set.of("ws-2")), "its node's heartbeat is gone");
        assertFalse(r.online(NOW + 60_001, Set.of("ws-1")), "its entry expired");
        PresenceRecord cleaned = r.withNode("ws-2", NOW + 200_000, NOW + 100_000);
        assertEquals(Set.of("ws-2"), cleaned.nodes().keySet(), "expired entries are dropped on the next write");
    }

    @Test
    void jsonRoundTripsAndGarbageReadsAsEmpty() {
        PresenceRecord r = new PresenceRecord(Map.of("ws-1", NOW + 1), NOW - 10);
        assertEquals(r, PresenceRecord.fromJson(r.toJson()));
        assertEquals(PresenceRecord.empty(), PresenceRecord.fromJson("{not json"));
        assertEquals(PresenceRecord.empty(), PresenceRecord.fromJson(null));
    }

    @Test
    void lastSeenNeverMovesBackwards() {
        PresenceRecord r = new PresenceRecord(Map.of(), NOW);
        assertEquals(NOW, r.withoutNode("ws-1", NOW - 1000).lastSeenMillis());
    }
}
