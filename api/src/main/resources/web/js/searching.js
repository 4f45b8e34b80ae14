// Searching: messages, and people, groups and channels, on the server; when it is out of reach,
// on the device (what it holds: IndexedDB and memory), with every answer marked local. The query
// is parsed once (model/query.js); on the device it is matched by model/matching.js.
import { api, ApiError } from './net/api.js';
import { state } from './model/state.js';
import { searchParams, resolveChat, chatsNamed, peopleQuery } from './model/query.js';
import { matcher, searchLocal } from './model/matching.js';

export const PAGE = 20;
const LOCAL_LIMIT = 100;

/** Which chat the query's in: names (null: none asked; undefined: none called so). */
export function chatOf(parsed) {
  if (!parsed.filters.in) return null;
  return resolveChat(parsed.filters.in, state.conversations.values(), state.current)?.id;
}

/** The names a sender goes by on this device: mine, a peer's (and my alias for them), a group member's. */
function senderNames(m, c) {
  if (state.me && m.senderId === state.me.id) return [state.me.username, state.me.displayName];
  const names = [state.names.get(m.senderId)];
  for (const o of [c, ...state.conversations.values()]) {
    if (o?.peer?.id === m.senderId) { names.push(o.peer.username, o.peer.displayName, o.peer.alias); break; }
  }
  return names.filter(Boolean);
}

/** Whether a failure means the server is out of reach (as opposed to an answer of its own). */
const unreachable = (e) => !(e instanceof ApiError) || e.status === 502 || e.status === 503 || e.status === 504;

/**
 * Messages matching a parsed query: {results, next, local}. The server's, a page at a time
 * (cursor: its `next`); when it cannot be reached, the device's (one page, local: true). A
 * refusal of the server's (a query it cannot take) is thrown as it is.
 */
export async function findMessages(parsed, conversation, cursor = null) {
  if (navigator.onLine !== false) {
    try {
      const page = await api.searchMessages(searchParams(parsed, { conversation, cursor, limit: PAGE }));
      return { results: page.results || [], next: page.next || null, local: false };
    } catch (e) {
      if (!unreachable(e)) throw e;
    }
  }
  if (cursor) return { results: [], next: null, local: true };
  return { results: await onDevice(parsed, conversation), next: null, local: true };
}

/** What the device holds that matches: read in one pass of IndexedDB, with what is in memory (and each chat's last message). */
async function onDevice(parsed, conversation) {
  const context = { conversations: state.conversations, conversation, sender: senderNames };
  const match = matcher(parsed, context);
  const stored = state.store ? await state.store.everyMessage((m) => match(m) !== null) : [];
  const inMemory = [];
  for (const held of state.messages.values()) inMemory.push(...held.values());
  for (const w of state.windows.values()) inMemory.push(...w.messages.values());
  for (const c of state.conversations.values()) if (c.lastMessage) inMemory.push(c.lastMessage); // the inbox shows it
  return searchLocal([...stored, ...inMemory], parsed, context, LOCAL_LIMIT);
}

/**
 * People, groups and channels for the plain words of a query: {chats, people, local}. My chats
 * whose name contains the words, and people (not already one of those chats) by any part of
 * their name; on the device, my chats only.
 */
export async function findChats(parsed) {
  const q = peopleQuery(parsed);
  if (!q) return { chats: [], people: [], local: false };
  if (navigator.onLine !== false) {
    try {
      const [chats, people] = await Promise.all([
        api.searchConversations(q).then((r) => r.conversations || []),
        api.searchPeople(q).then((r) => r.people || []),
      ]);
      const direct = new Set(chats.filter((c) => c.peer).map((c) => c.peer.id));
      return { chats, people: people.filter((p) => !direct.has(p.id)), local: false };
    } catch (e) {
      if (!unreachable(e)) throw e;
    }
  }
  return { chats: chatsNamed(q, state.conversations.values()), people: [], local: true };
}
