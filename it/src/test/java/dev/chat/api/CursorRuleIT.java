package dev.chat.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The web client's contiguous-cursor rule (web/js/cursor.js under node, as the integration tests'
 * devices use it): a hole holds the cursor below it whatever came after, and it is filled, never
 * skipped. Integration tier because it needs node, which ./chat test provides.
 */
class CursorRuleIT {
    @Test
    void theCursorStopsBelowTheFirstHole() {
        assertEquals(0, CursorRule.contiguous(0, Set.of()));
        assertEquals(3, CursorRule.contiguous(0, List.of(1L, 2L, 3L)));
        assertEquals(3, CursorRule.contiguous(0, List.of(5L, 1L, 3L, 2L)), "5 came live before 4: the cursor stays at 3");
        assertEquals(0, CursorRule.contiguous(0, List.of(2L, 3L)), "1 is missing: nothing is contiguous");
        assertEquals(5, CursorRule.contiguous(0, List.of(5L, 1L, 3L, 2L, 4L)), "once 4 is filled in, the cursor reaches 5");
    }

    @Test
    void itStartsFromWhatIsAlreadyCoveredAndNeverGoesBack() {
        // everything up to 4 cleared (or held before): from 4 up through what is held
        assertEquals(6, CursorRule.contiguous(4, List.of(5L, 6L, 8L)));
        assertEquals(9, CursorRule.contiguous(9, List.of(1L, 2L)));
        assertEquals(0, CursorRule.contiguous(-3, List.of()), "never below 0");
    }
}
