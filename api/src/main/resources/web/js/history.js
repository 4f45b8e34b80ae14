// Pages of a chat's history as the screen asks for them: the newest page (a chat opened at its
// end), older pages (scrolling up), a page around one message (a search result, a far quote) and
// the newer pages above it (scrolling down, until the newest end is reached). The device's copy
// is read first where it holds a whole contiguous page, else the server is asked; offline, what
// the device holds is still shown. How a page joins what is shown is model/pages.js.
import { api, ApiError } from './net/api.js';
import { state, oldestOf } from './model/state.js';
import { windowOf, rangeOf, shownMessages, takeWindow } from './model/windows.js';
import { takeNewest, takeOlder, takeNewer, takeAround, nearHeld } from './model/pages.js';

export const STEP = 50; // messages a page

/** The run of messages going down from {@code below} - 1 with no seq missing (the list: newest first). */
function runDown(newestFirst, below) {
  const out = [];
  for (const m of newestFirst) { if (m.seq !== below - 1 - out.length) break; out.push(m); }
  return out;
}

/** The run of messages going up from {@code above} + 1 with no seq missing (the list: oldest first). */
function runUp(oldestFirst, above) {
  const out = [];
  for (const m of oldestFirst) { if (m.seq !== above + 1 + out.length) break; out.push(m); }
  return out;
}

/** The newest page of a chat, from the server. */
export async function loadNewest(id) {
  takeNewest(id, await api.history(id, { limit: STEP }));
}

/** A page of messages older than what is shown: from the device while it has a whole one, else from the server. */
export async function loadOlder(id) {
  const w = windowOf(id);
  const oldest = w ? rangeOf(w.messages)[0] : oldestOf(state.messages.get(id) || new Map());
  if (!Number.isFinite(oldest)) return;
  const cleared = state.conversations.get(id)?.clearedSeq || 0;
  const cached = state.store ? await state.store.messagesBefore(id, oldest, STEP) : [];
  const usable = runDown(cached.filter((m) => m.seq > cleared), oldest);
  if (usable.length === STEP) { // the device's copy is contiguous: a full page from it needs no round trip
    takeOlder(id, { messages: usable }, false);
    return;
  }
  try {
    takeOlder(id, await api.history(id, { before: oldest, limit: STEP }));
  } catch (e) {
    takeOlder(id, { messages: usable }, false); // offline: what the device has is still worth showing
    console.warn('older messages unavailable', e);
  }
}

/** A page of messages newer than the window shown (none when the chat shows its newest end). */
export async function loadNewer(id) {
  const w = windowOf(id);
  if (!w || !w.hasNewer) return;
  const newest = rangeOf(w.messages)[1];
  try {
    takeNewer(id, await api.history(id, { after: newest, limit: STEP }));
  } catch (e) {
    const cached = state.store ? runUp(await state.store.messagesAfter(id, newest, STEP), newest) : [];
    if (cached.length) takeNewer(id, { messages: cached, hasMore: true });
    console.warn('newer messages unavailable', e);
  }
}

/**
 * Makes a message showable: the messages held are paged down to it when it is a page away, else a
 * page around it opens a window (model/windows.js); offline, the device's copy around it. Resolves
 * whether it is now shown; rejects with the server's refusal (not a member, no such chat).
 */
export async function loadAround(id, seq) {
  const w = windowOf(id);
  if (w && w.messages.has(seq)) return true;
  if (nearHeld(id, seq, STEP)) {
    if (w) takeWindow(id); // the messages held are shown instead
    const held = state.messages.get(id);
    while (!held.has(seq) && held.hasMore && oldestOf(held) > seq && state.current === id) {
      const before = oldestOf(held);
      await loadOlder(id);
      if (oldestOf(held) >= before) break; // nothing more came (offline)
    }
  } else {
    try {
      takeAround(id, await api.history(id, { around: seq, limit: STEP }));
    } catch (e) {
      if (e instanceof ApiError) throw e;
      await aroundFromDevice(id, seq);
    }
  }
  return shownMessages(id).some((m) => m.seq === seq);
}

/** Offline: the contiguous run of the device's copy around a message, as a window. */
async function aroundFromDevice(id, seq) {
  if (!state.store) return;
  const near = await state.store.messagesBetween(id, seq - STEP / 2, seq + STEP / 2);
  const at = near.findIndex((m) => m.seq === seq);
  if (at < 0) return;
  let low = at, high = at;
  while (low > 0 && near[low - 1].seq === near[low].seq - 1) low--;
  while (high < near.length - 1 && near[high + 1].seq === near[high].seq + 1) high++;
  const run = near.slice(low, high + 1);
  const c = state.conversations.get(id);
  takeAround(id, { messages: run, hasMore: run[0].seq > (c?.clearedSeq || 0) + 1, hasNewer: run.at(-1).seq < (c?.lastSeq || 0) });
}
