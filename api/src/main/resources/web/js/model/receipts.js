// My own receipts: what this device reports of its cursors, and my unread counts.
// Receipts are cursors, reported per conversation at most once per window: `delivered` is the
// contiguous cursor, `read` the highest seq seen (never above it). A burst of 100 messages costs
// one frame, not 100. `reported` holds what the server has of my cursors (from the welcome's sync,
// my own receipt.updated and what this device sent since), so nothing already there is sent.
// The ticks on my messages (what the others received and read) are model/ticks.js.
import { readUpTo } from '../cursor.js';
import { cursors } from './cursors.js';
import { state } from './state.js';

export const RECEIPT_WINDOW_MS = 300;

/** Unread messages of a conversation: everything above my read cursor. */
export const unread = (c) => Math.max(0, c.lastSeq - c.readSeq);

export const receipts = {
  reported: new Map(), // conversation id -> {delivered, read}: what the server holds of my cursors
  timers: new Map(),   // conversation id -> the window's timer
  /** How a frame goes out ({type: 'read'|'delivered', conversation, seq}); set by app.js. */
  send: (frame) => {},

  /** After the welcome's sync: the server's cursors are what it said, whatever was reported before. */
  reset(conversations) {
    this.reported.clear();
    for (const c of conversations) this.reported.set(c.id, { delivered: c.deliveredSeq || 0, read: c.readSeq || 0 });
  },

  /** The server moved my cursors (my send, or another device of mine): nothing to report up to them. */
  serverHas(id, read, delivered) {
    const reported = this.reported.get(id);
    if (!reported) return;
    reported.read = Math.max(reported.read, read);
    reported.delivered = Math.max(reported.delivered, delivered);
  },

  /** Reports the conversation's cursors at the end of this window (one frame however many calls). */
  report(id) {
    if (this.timers.has(id)) return; // the frame of this window will carry the newest cursors
    this.timers.set(id, setTimeout(() => {
      this.timers.delete(id);
      this.sendNow(id);
    }, RECEIPT_WINDOW_MS));
  },

  sendNow(id) {
    const c = state.conversations.get(id);
    const cursor = cursors.update(id);
    if (!c || cursor == null) return;
    const frame = nextReceipt(this.reported, c, cursor);
    if (frame) this.send(frame);
    if (cursor > this.reported.get(id).delivered) this.report(id); // delivered went past what was read: next window
  },
};

/**
 * The frame that reports a conversation's cursors beyond what the server holds, or null; what it
 * reports counts as held from now on. read implies delivered, so read goes first.
 */
export function nextReceipt(reportedMap, c, cursor) {
  if (!reportedMap.has(c.id)) reportedMap.set(c.id, { delivered: 0, read: 0 });
  const reported = reportedMap.get(c.id);
  const read = readUpTo(c.readSeq, cursor);
  let frame = null;
  if (read > reported.read) frame = { type: 'read', conversation: c.id, seq: read };
  else if (cursor > Math.max(reported.delivered, reported.read)) frame = { type: 'delivered', conversation: c.id, seq: cursor };
  if (!frame) return null;
  if (frame.type === 'read') reported.read = frame.seq;
  reported.delivered = Math.max(reported.delivered, frame.seq);
  return frame;
}

/**
 * The open chat is on screen: everything in it is seen, up to the contiguous cursor (a hole is not
 * read). Returns whether my read cursor moved (then it is to be reported).
 */
export function markSeen(c) {
  const seen = readUpTo(c.lastSeq, cursors.update(c.id) ?? 0);
  if (seen <= c.readSeq) return false;
  c.readSeq = seen;
  c.deliveredSeq = Math.max(c.deliveredSeq, seen);
  c.unreadCount = unread(c);
  c.mentionCount = 0;
  return true;
}

/** My cursors moved on the server (any device of mine): my unread count follows. */
export function applyMyCursors(c, readSeq, deliveredSeq) {
  c.readSeq = Math.max(c.readSeq, readSeq);
  c.deliveredSeq = Math.max(c.deliveredSeq, deliveredSeq);
  c.unreadCount = unread(c); // read on another device clears it here
  receipts.serverHas(c.id, readSeq, deliveredSeq); // the server holds them: this device need not report them
}
