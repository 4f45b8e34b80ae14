// How a page of history joins what is shown: the newest page of a chat, an older page (scrolling
// up), a page around a message (a search result: model/windows.js) and the newer pages above it
// (scrolling down, until it meets the newest end). Pages come from the server
// ({messages, hasMore, hasNewer}) or from the device's copy; merged by seq, so a message is never
// shown twice. No DOM, no network: ../history.js fetches, this decides.
import { state, oldestOf } from './state.js';
import { putMessage, joinWindow } from './messages.js';
import { windowOf, openWindow, addToWindow } from './windows.js';

/** The newest page of a chat (opened at its end). */
export function takeNewest(id, page) {
  page.messages.forEach((m) => putMessage(m));
  state.loaded.add(id);
  if (page.hasMore && state.messages.has(id)) state.messages.get(id).hasMore = true;
}

/**
 * A page just below what is shown: into the window when the chat shows one, else held.
 * persist: false for a page read from the device (it is there already). hasMore: undefined when
 * the page does not say (the device's copy), which leaves the flag as it was.
 */
export function takeOlder(id, { messages, hasMore }, persist = true) {
  if (windowOf(id)) {
    addToWindow(id, messages, { hasOlder: hasMore });
    return;
  }
  messages.forEach((m) => putMessage(m, persist));
  const held = state.messages.get(id);
  if (held && hasMore !== undefined) held.hasMore = hasMore;
}

/** A page just above the window (scrolling down): it may reach the messages held, and join them. */
export function takeNewer(id, { messages, hasMore }) {
  if (!windowOf(id)) {
    messages.forEach((m) => putMessage(m));
    return;
  }
  addToWindow(id, messages, { hasNewer: hasMore });
  joinWindow(id);
}

/**
 * A page around a message (GET …/messages?around=SEQ, or the device's copy near it): a window of
 * its own, unless it meets the messages held (then it joins them, and the chat is one run).
 * Returns whether the chat now shows a window.
 */
export function takeAround(id, { messages, hasMore, hasNewer }) {
  openWindow(id, messages, { hasOlder: hasMore, hasNewer });
  return !joinWindow(id);
}

/** Whether a seq is shown-able without a new window: held, or just below the oldest held (one page away). */
export function nearHeld(id, seq, pageSize) {
  const held = state.messages.get(id);
  if (!held || !held.size) return false;
  if (held.has(seq)) return true;
  return seq < oldestOf(held) && oldestOf(held) - seq <= pageSize && !!held.hasMore;
}
