// The ticks on my messages: sending (clock) and failed come from the outbox; sent, delivered and
// read from the others' cursors. In a direct chat they follow the peer's `receipt.updated`; in a
// group's channel they follow only `receipts.advanced`, the server's minimum over all members, so
// one member reading does not turn them blue for everyone. This file decides both.
import { applyMyCursors } from './receipts.js';

/** The status a message shows: 'sending' | 'failed' (not sent yet), 'sent', 'delivered', 'read'. */
export function tickOf(c, m, me) {
  if (m.pending) return m.status;
  const mine = m.senderId === me;
  if (mine && m.seq <= c.peerReadSeq) return 'read';
  if (mine && m.seq <= c.peerDeliveredSeq) return 'delivered';
  return 'sent';
}

/**
 * A member's cursors moved (receipt.updated). Mine (any device): my unread count follows, and the
 * server holds them, so this device need not report them. The peer's in a direct chat: my ticks.
 * In a group another member's cursors never move my ticks (the server sends them only in direct
 * chats anyway): ticks there say "everyone", and come from receipts.advanced.
 * Returns whether anything shown changed.
 */
export function applyReceipt(c, r, me) {
  if (r.user === me) {
    applyMyCursors(c, r.readSeq, r.deliveredSeq);
    return true;
  }
  if (c.kind !== 'direct') return false;
  c.peerReadSeq = Math.max(c.peerReadSeq, r.readSeq);
  c.peerDeliveredSeq = Math.max(c.peerDeliveredSeq, r.deliveredSeq);
  return true;
}

/** receipts.advanced: in a group's channel, everyone has now received / read this far: my ticks. */
export function applyAdvanced(c, a) {
  c.peerDeliveredSeq = Math.max(c.peerDeliveredSeq || 0, a.deliveredSeq || 0);
  c.peerReadSeq = Math.max(c.peerReadSeq || 0, a.readSeq || 0);
}

/**
 * A message from the peer of a direct chat: sending moved their cursors to it (they have seen
 * everything before it), and the server tells me so by this message alone, not by a receipt.
 */
export function applyPeerMessage(c, m, me) {
  if (c.kind !== 'direct' || m.senderId === me || !m.seq) return;
  c.peerDeliveredSeq = Math.max(c.peerDeliveredSeq || 0, m.seq);
  c.peerReadSeq = Math.max(c.peerReadSeq || 0, m.seq);
}
