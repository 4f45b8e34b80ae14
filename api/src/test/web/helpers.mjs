// Shared by the web client's unit tests: the real modules, a fresh state for each test, and a
// stand-in for the browser's localStorage (the model keeps its cursors there).
export const WEB = new URL('../../main/resources/web/', import.meta.url);

const stored = new Map();
globalThis.localStorage = {
  getItem: (k) => (stored.has(k) ? stored.get(k) : null),
  setItem: (k, v) => stored.set(k, String(v)),
  removeItem: (k) => stored.delete(k),
};

const { state, forgetChats } = await import(new URL('js/model/state.js', WEB));
const { cursors, versions } = await import(new URL('js/model/cursors.js', WEB));
const { receipts } = await import(new URL('js/model/receipts.js', WEB));

export const ME = 'me-1';
export const PEER = 'peer-2';

/** A fresh state signed in as ME, with no chats, cursors or reports. */
export function reset() {
  forgetChats();
  state.me = { id: ME, username: 'me' };
  state.typing.clear();
  state.sendChains.clear();
  state.store = null;
  state.socket = null;
  cursors.forget();
  versions.forget();
  receipts.reported.clear();
  for (const t of receipts.timers.values()) clearTimeout(t);
  receipts.timers.clear();
  stored.clear();
  return state;
}

/** A conversation as the server describes it. */
export function conversation(id, fields = {}) {
  return { id, kind: 'direct', pinned: false, muted: false, archived: false, lastSeq: 0, readSeq: 0, deliveredSeq: 0, clearedSeq: 0, unreadCount: 0,
    peerReadSeq: 0, peerDeliveredSeq: 0, updatedAt: '2026-01-01T00:00:00Z', peer: { id: PEER, username: 'peer' }, ...fields };
}

/** A message as the server sends it. */
export function message(conversationId, seq, fields = {}) {
  return { conversation: conversationId, seq, senderId: PEER, text: `m${seq}`, at: '2026-01-01T00:00:00Z', version: 0, ...fields };
}
