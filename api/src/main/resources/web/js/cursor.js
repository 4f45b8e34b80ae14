// The contiguous cursor of a conversation on this device: the highest seq such that every seq from
// where the device's copy starts (what it cleared, or what it already held with nothing missing)
// up to it is held. Live events may arrive out of seq order, so a device may hold 5 but not 4:
// its cursor is then 3. It syncs from the cursor (GET …/messages?after=cursor), which fills the
// hole rather than skipping it, and it reports the cursor as `delivered`; `read` never goes above it.
// Pure: no DOM, no storage, no clock. The integration tests run this very file under node
// (api/src/test/java/dev/chat/api/CursorRule.java), so the servers are tested against this rule.

/**
 * The cursor after {@code from}: walks up from {@code from} while the next seq is held.
 * @param {number} from a seq up to which everything is held or cleared (0: nothing yet)
 * @param {{has: function(number): boolean}} held the seqs held (a Set, or a Map by seq)
 * @returns {number}
 */
export function contiguous(from, held) {
  let cursor = Math.max(0, from || 0);
  while (held.has(cursor + 1)) cursor++;
  return cursor;
}

/**
 * A conversation's cursor once what it is known to start from moved: never below what it was,
 * never below {@code floor} (the seq up to which the device needs nothing: the chat was cleared
 * up to it), then up through every seq held.
 * @param {number|undefined} cursor the cursor so far (undefined: none yet)
 * @param {number} floor
 * @param {{has: function(number): boolean}} held
 */
export function advance(cursor, floor, held) {
  return contiguous(Math.max(cursor || 0, floor || 0), held);
}

/**
 * The read position to report: the highest seq viewed, never above the contiguous cursor (a
 * message beyond a hole may be on screen, but the hole is not read).
 */
export function readUpTo(viewed, cursor) {
  return Math.max(0, Math.min(viewed, cursor));
}
