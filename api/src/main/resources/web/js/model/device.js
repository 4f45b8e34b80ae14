// The device's copy at start and as the inbox changes: the state is filled from IndexedDB
// (model/store.js) before any network, and the inbox is written back, throttled.
import { Store } from './store.js';
import { cursors, versions } from './cursors.js';
import { putMessage } from './messages.js';
import { restore } from './outbox.js';
import { state, oldestOf } from './state.js';

export const CACHED_WINDOW = 40; // messages per chat read from the device at start

const draftPrefix = () => `chat.draft.${state.me?.id}.`;
/** Drafts per conversation, kept on the device so a reload or a closed tab loses no word. */
export const drafts = {
  get: (id) => localStorage.getItem(draftPrefix() + id) || '',
  set: (id, text) => { if (text) localStorage.setItem(draftPrefix() + id, text); else localStorage.removeItem(draftPrefix() + id); },
  delete: (id) => localStorage.removeItem(draftPrefix() + id),
};

/** Fills the state from IndexedDB: the inbox, messages and typed-but-unsent messages, before any network. */
export async function openDeviceCopy() {
  versions.load();
  cursors.load();
  try {
    state.store = await Store.open(state.me.id);
    const [conversations, outbox, reactions] = await Promise.all([
      state.store.all('conversations'), state.store.outbox(), state.store.all('reactions')]);
    conversations.forEach((c) => { if (!state.conversations.has(c.id)) state.conversations.set(c.id, c); });
    // only the recent window of each chat: older messages are read from the device when scrolled to
    const messages = await state.store.newestMessages(conversations.map((c) => c.id), CACHED_WINDOW);
    for (const m of messages) {
      if (m.seq > (state.conversations.get(m.conversation)?.clearedSeq || 0)) putMessage(m, false);
    }
    for (const [id, held] of state.messages) {
      held.hasMore = oldestOf(held) > (state.conversations.get(id)?.clearedSeq || 0) + 1;
      cursors.clampToHeld(id, held);
    }
    restore(outbox);
    for (const r of reactions) if (!state.reactions.has(r.key)) state.reactions.set(r.key, r);
  } catch (e) {
    console.warn('no device copy', e);
  }
}

let saveTimer = null;
/** Writes the inbox to the device copy: at most one write pending (a throttle, not a debounce). */
export function saveConversations() {
  if (!state.store || saveTimer) return;
  saveTimer = setTimeout(writeConversations, 250);
}

function writeConversations() {
  clearTimeout(saveTimer);
  saveTimer = null;
  const store = state.store;
  if (!store) return;
  try {
    const tx = store.db.transaction('conversations', 'readwrite');
    const os = tx.objectStore('conversations');
    os.clear();
    state.conversations.forEach((c) => os.put(c));
    tx.onabort = () => console.warn('inbox cache write aborted', tx.error);
    // commit now rather than when this task ends: on pagehide the page may be gone by then
    tx.commit?.();
  } catch (e) {
    console.warn('inbox cache write failed', e);
  }
}

/** The page is going: everything still waiting to be written goes now. */
export function writeEverything() {
  writeConversations();
  state.store?.flush();
  versions.save();
  cursors.save();
}

/** Signing out: a shared computer keeps nothing of the chats (the database, drafts, cursors). */
export async function forgetDevice() {
  if (state.store) { state.store.close(); state.store = null; }
  if (!state.me) return;
  await Store.remove(state.me.id);
  Object.keys(localStorage).filter((k) => k.startsWith(draftPrefix())).forEach((k) => localStorage.removeItem(k));
  versions.forget();
  cursors.forget();
}
