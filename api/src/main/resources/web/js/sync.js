// Catching up after every welcome: the inbox is refetched, every chat whose lastSeq is above the
// device's contiguous cursor is fetched from it (holes first, page by page), then the edits,
// deletes and reactions made while away; then my cursors are reported and the outbox and waiting
// reactions go. Live events merge by seq meanwhile, so nothing shows twice.
import { $ } from './ui.js';
import { api } from './net/api.js';
import { state } from './model/state.js';
import { cursors, versions } from './model/cursors.js';
import { putMessage, applyChanged, dropConversation } from './model/messages.js';
import { receipts } from './model/receipts.js';
import { flushOutbox } from './sending.js';
import { flushReactions } from './features/reacting.js';
import { repaint } from './views/paint.js';
import { renderInbox } from './views/inbox.js';
import { renderConversation, markRead, loadNames } from './views/conversation.js';

/** Subscribed (welcome): now sync from our cursors, then live events merge by seq. */
export async function onWelcome(welcome) {
  document.body.dataset.wsNode = welcome.node;
  // the versions applied when the socket was subscribed: live changes from now on may move them
  // on, but what changed while away is fetched from these
  const since = new Map(versions.map);
  try {
    const { conversations } = await api.conversations();
    const seen = new Set(conversations.map((c) => c.id));
    receipts.reset(conversations); // what the server holds of my cursors now: report only what goes beyond
    conversations.forEach((c) => state.conversations.set(c.id, c));
    for (const id of [...state.conversations.keys()]) if (!seen.has(id)) state.conversations.delete(id);
    // a device that holds a message has received it: fetch everything above the contiguous cursor,
    // holes included (this is what turns an offline recipient's messages "delivered" when they
    // come back), paged; then report the cursors
    for (const c of state.conversations.values()) {
      if (c.lastSeq > cursors.update(c.id)) await catchUp(c.id);
      receipts.report(c.id);
    }
    // edits, deletes and reactions made while this device was away
    for (const c of state.conversations.values()) {
      await syncChanges(c, since.get(c.id)).catch((e) => console.warn('changes sync failed', c.id, e));
    }
    await refreshPresence();
    renderInbox();
    if (state.current) { renderConversation(); markRead(); }
    flushOutbox();
    flushReactions();
  } catch (e) {
    console.warn('sync failed', e);
  }
}

/** Fetches everything above the contiguous cursor (any hole first), page by page. */
async function catchUp(id) {
  let after = cursors.update(id);
  for (;;) {
    const page = await api.history(id, { after, limit: 100 });
    page.messages.forEach((m) => putMessage(m));
    if (!page.hasMore || page.messages.length === 0) break;
    after = page.messages[page.messages.length - 1].seq;
  }
}

/**
 * Fetches the messages changed above the version this device had applied, and puts them in place
 * of the copies held (in memory or on the device). A device that holds nothing of a chat starts
 * from the chat's current version: what it fetches later is current anyway.
 */
async function syncChanges(c, seen) {
  if (typeof c.lastVersion !== 'number') return;
  const held = state.messages.get(c.id);
  let since = seen ?? (held && held.size ? 0 : c.lastVersion);
  if (c.lastVersion > since) {
    for (;;) {
      const page = await api.changes(c.id, since, 100);
      applyChanged(c.id, page.messages);
      repaint('inbox', c.id === state.current && 'messages');
      for (const m of page.messages) since = Math.max(since, m.version || 0);
      if (!page.hasMore || page.messages.length === 0) break;
    }
  }
  versions.note(c.id, Math.max(since, c.lastVersion));
}

export async function refreshPresence() {
  const ids = [...new Set([...state.conversations.values()].filter((c) => c.peer).map((c) => c.peer.id))];
  for (let i = 0; i < ids.length; i += 200) {
    const { presence } = await api.presence(ids.slice(i, i + 200));
    presence.forEach((p) => state.presence.set(p.user, p));
  }
}

/** Membership or group changes: the inbox is refetched (the server's view is the truth). */
export async function reloadConversations(ev) {
  if (ev.type === 'group.member.added' || ev.type === 'group.updated') {
    const groupId = ev.data.group || ev.data.id;
    state.namesOf.delete(groupId);
    const open = state.conversations.get(state.current);
    if (open?.group?.id === groupId) loadNames(groupId);
  }
  try {
    const { conversations } = await api.conversations();
    const seen = new Set(conversations.map((c) => c.id));
    for (const id of [...state.conversations.keys()]) if (!seen.has(id)) dropConversation(id);
    conversations.forEach((c) => state.conversations.set(c.id, c));
    if (state.current && !seen.has(state.current)) $('back').click();
    renderInbox();
    if (state.current) renderConversation();
  } catch (e) { console.warn('reload failed', e); }
}
