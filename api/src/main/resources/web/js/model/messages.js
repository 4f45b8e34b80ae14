// The messages held, and how each kind of news changes them: a new message, an edit or a delete,
// a reaction tally, a conversation's new view. Merged by seq (duplicates never show) and by
// version (an older change never replaces a newer one). No DOM: the callers repaint.
import { cursors, versions } from './cursors.js';
import { settle } from './outbox.js';
import { receipts, unread } from './receipts.js';
import { state, newestOf, oldestOf } from './state.js';
import { windowOf, touches, takeWindow, changeInWindow, clearWindow } from './windows.js';

/** Holds a message (persist: also on the device), moves the cursor, and settles its outbox entry. */
export function putMessage(m, persist = true) {
  if (!state.messages.has(m.conversation)) state.messages.set(m.conversation, new Map());
  state.messages.get(m.conversation).set(m.seq, m);
  cursors.update(m.conversation);
  if (persist && state.store) state.store.putSoon('messages', m);
  if (state.me && m.senderId === state.me.id) settle(m);
  if (state.windows.size && state.windows.has(m.conversation)) joinWindow(m.conversation);
}

/**
 * A window of history (model/windows.js) joins the messages held once the two meet: its messages
 * are held (and copied to the device) like any others, and the chat shows one contiguous run.
 * Returns whether it joined.
 */
export function joinWindow(id) {
  if (!touches(id)) return false;
  const w = takeWindow(id);
  if (!state.messages.has(id)) state.messages.set(id, new Map());
  const held = state.messages.get(id);
  const oldest = oldestOf(held);
  for (const m of w.messages.values()) {
    const old = held.get(m.seq);
    if (old && (old.version || 0) > (m.version || 0)) continue;
    held.set(m.seq, m);
    if (state.store) state.store.putSoon('messages', m);
  }
  if (oldestOf(held) < oldest) held.hasMore = w.hasOlder; // the window went further back than what was held
  if (!w.hasNewer) state.loaded.add(id); // it reached the newest message
  cursors.update(id);
  return true;
}

/**
 * A new message (live, or the answer to my send): held, and the conversation's last message,
 * unread count and, for my own, my cursors follow. Returns the conversation, or null when it is
 * not known yet (the caller fetches the inbox).
 */
export function acceptMessage(m) {
  putMessage(m);
  const c = state.conversations.get(m.conversation);
  if (!c) return null;
  if (m.seq >= c.lastSeq) { c.lastSeq = m.seq; c.lastMessage = m; c.updatedAt = m.at; c.archived = false; }
  if (m.senderId === state.me.id) {
    // the server moved my cursors with my send: nothing to report for it (this device's cursor is its own)
    c.readSeq = Math.max(c.readSeq, m.seq); c.deliveredSeq = Math.max(c.deliveredSeq, m.seq);
    receipts.serverHas(m.conversation, m.seq, m.seq);
  } else {
    state.typing.get(m.conversation)?.delete(m.senderId);
  }
  c.unreadCount = unread(c);
  return c;
}

/**
 * An edit or a deletion: replaces the message held, the inbox preview if it showed it, and the
 * quotes of it. Returns false when a newer change is already here (nothing to repaint).
 */
export function applyEdit(m) {
  versions.note(m.conversation, m.version);
  const held = state.messages.get(m.conversation);
  const old = held && held.get(m.seq);
  if (old && (m.version || 0) < (old.version || 0)) return false; // a newer change is already here
  const inWindow = changeInWindow(m.conversation, m.seq, (o) => ((m.version || 0) >= (o.version || 0) ? m : o));
  if (inWindow) refreshQuotes(m);
  if (!old && held && held.size && m.seq <= newestOf(held)) {
    // older than the window held: only the device's copy, if it has it (no gap in the held window)
    applyChanged(m.conversation, [m]);
    return true;
  }
  if (!old && inWindow) return true; // only the window has it: the held messages stay contiguous
  putMessage(m);
  followPreview(state.conversations.get(m.conversation), m);
  refreshQuotes(m);
  return true;
}

/** The inbox preview shows the conversation's last message as it is now. */
function followPreview(c, m) {
  if (c && c.lastMessage && c.lastMessage.seq === m.seq) c.lastMessage = m;
}

/** Changed messages (sync) replace the copies held; those not held are updated on the device only if it has them. */
export function applyChanged(id, messages) {
  const held = state.messages.get(id);
  const c = state.conversations.get(id);
  const elsewhere = [];
  for (const m of messages) {
    if (m.seq <= (c?.clearedSeq || 0)) continue;
    const old = held && held.get(m.seq);
    changeInWindow(id, m.seq, (o) => ((m.version || 0) >= (o.version || 0) ? m : o));
    if (old) {
      if ((m.version || 0) >= (old.version || 0)) putMessage(m);
    } else {
      elsewhere.push([[m.conversation, m.seq], (o) => ((m.version || 0) >= (o.version || 0) ? m : o)]);
    }
    followPreview(c, m);
  }
  if (elsewhere.length && state.store) state.store.updateExisting('messages', elsewhere);
}

/** The replies held that quote an edited or deleted message show it as it is now (as the server would). */
export function refreshQuotes(m) {
  const quoting = (r) => r.replyTo && r.replyTo.seq === m.seq;
  const follow = (r) => ({ ...r, replyTo: { ...r.replyTo, deleted: !!m.deleted, text: m.deleted ? '' : (m.text || '').slice(0, 200),
    attachment: m.deleted ? null : r.replyTo.attachment } });
  const w = windowOf(m.conversation);
  if (w) for (const r of w.messages.values()) if (quoting(r)) w.messages.set(r.seq, follow(r));
  const held = state.messages.get(m.conversation);
  if (!held) return;
  for (const [seq, r] of held) {
    if (!quoting(r)) continue;
    const updated = follow(r);
    held.set(seq, updated);
    if (state.store) state.store.putSoon('messages', updated);
  }
}

/**
 * Someone (maybe me, on any device) reacted: the message's reactions are replaced by the server's
 * (my reactions still waiting for the server are drawn on top: features/reacting.js). Returns
 * whether a message held changed.
 */
export function applyReactions(r) {
  versions.note(r.conversation, r.version);
  const held = state.messages.get(r.conversation);
  const old = held && held.get(r.seq);
  const apply = (m) => ((r.version || 0) >= (m.version || 0) ? { ...m, reactions: r.reactions, version: r.version } : m);
  const inWindow = changeInWindow(r.conversation, r.seq, apply);
  if (!old) {
    if (state.store) state.store.updateExisting('messages', [[[r.conversation, r.seq], apply]]);
    return inWindow;
  }
  const m = apply(old);
  if (m !== old) putMessage(m);
  followPreview(state.conversations.get(r.conversation), m);
  return true;
}

/** A conversation's new view (pinned, cleared, hidden messages…): what was cleared is dropped and counts as held. */
export function applyConversation(view) {
  const old = state.messages.get(view.id);
  if (old) for (const seq of [...old.keys()]) if (seq <= view.clearedSeq) old.delete(seq);
  state.conversations.set(view.id, view);
  clearWindow(view.id, view.clearedSeq || 0);
  cursors.update(view.id);
}

/** The chat is gone for me (deleted, or I left): everything held of it goes. */
export function dropConversation(id) {
  state.conversations.delete(id);
  state.messages.delete(id);
  state.loaded.delete(id);
  state.windows.delete(id);
}
