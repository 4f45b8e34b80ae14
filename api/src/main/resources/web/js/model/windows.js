// A window of a conversation's history that does not reach its newest message: a search result
// or a far quote opens the chat there (GET …/messages?around=SEQ) rather than loading every page
// in between. The messages held (state.messages) stay what they always were, the newest end
// followed live and copied to the device; a window stands apart from them, grows by pages in both
// directions, and joins them as soon as the two meet (or it reaches the newest message), after
// which the chat is one contiguous run again. Nothing in a window is written to the device or
// counted by the cursors until it joins: the device's copy never gets a gap, and delivered and
// read never claim what lies between the window and the newest end. No DOM.
import { state, sortedMessages } from './state.js';

/** The conversation's window, or null when it shows its newest end. */
export const windowOf = (id) => state.windows.get(id) || null;

/**
 * Opens a window over these messages (ascending or not). hasOlder: older messages exist below it;
 * hasNewer: newer ones exist above it (false: it reaches the newest message, and joins at once).
 */
export function openWindow(id, messages, { hasOlder, hasNewer }) {
  const w = { messages: new Map(), hasOlder: !!hasOlder, hasNewer: !!hasNewer };
  state.windows.set(id, w);
  addToWindow(id, messages, {});
  return w;
}

/** A page joins the window: an older one says whether more are below, a newer one whether more are above. */
export function addToWindow(id, messages, { hasOlder, hasNewer }) {
  const w = windowOf(id);
  if (!w) return;
  const cleared = state.conversations.get(id)?.clearedSeq || 0;
  for (const m of messages) {
    if (m.seq <= cleared) continue;
    const old = w.messages.get(m.seq);
    if (!old || (m.version || 0) >= (old.version || 0)) w.messages.set(m.seq, m);
  }
  if (hasOlder !== undefined) w.hasOlder = !!hasOlder;
  if (hasNewer !== undefined) w.hasNewer = !!hasNewer;
}

/** The lowest and highest seq of a map of messages ([Infinity, 0] when empty). */
export function rangeOf(map) {
  let low = Infinity, high = 0;
  for (const seq of map.keys()) { if (seq < low) low = seq; if (seq > high) high = seq; }
  return [low, high];
}

/**
 * Whether the window can join the messages held: it reaches the newest message, or its newest
 * message touches (or overlaps) the oldest held, so together they leave no gap.
 */
export function touches(id) {
  const w = windowOf(id);
  if (!w) return false;
  if (!w.hasNewer) return true;
  const held = state.messages.get(id);
  if (!held || !held.size) return false;
  return rangeOf(w.messages)[1] + 1 >= rangeOf(held)[0];
}

/** Takes the window away (it joined, or the chat goes back to its newest end) and returns it. */
export function takeWindow(id) {
  const w = windowOf(id);
  state.windows.delete(id);
  return w;
}

/**
 * A changed message (an edit, a delete, a reaction, a quote that follows its original) replaces
 * the window's copy: change(old) gives the new one. Returns whether the window held it.
 */
export function changeInWindow(id, seq, change) {
  const w = windowOf(id);
  const old = w && w.messages.get(seq);
  if (!old) return false;
  w.messages.set(seq, change(old));
  return true;
}

/** The chat was cleared up to {@code seq}: the window loses what was cleared, and goes when nothing is left. */
export function clearWindow(id, seq) {
  const w = windowOf(id);
  if (!w) return;
  for (const s of [...w.messages.keys()]) if (s <= seq) w.messages.delete(s);
  if (!w.messages.size) state.windows.delete(id);
  else if (rangeOf(w.messages)[0] === seq + 1) w.hasOlder = false;
}

/** What the open chat shows, in seq order: its window, or the messages held. */
export function shownMessages(id) {
  const w = windowOf(id);
  return w ? [...w.messages.values()].sort((a, b) => a.seq - b.seq) : sortedMessages(id);
}

/** Whether older messages exist below what is shown (held.hasMore: the server said so). */
export function hasOlder(id) {
  const w = windowOf(id);
  return w ? w.hasOlder : !!state.messages.get(id)?.hasMore;
}
