// The ticks on my messages: direct chats follow the peer's receipt.updated; a group's channel
// follows only receipts.advanced (everyone), never one member's cursors.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { WEB, ME, PEER, reset, conversation, message } from './helpers.mjs';

const { tickOf, applyReceipt, applyAdvanced, applyPeerMessage } = await import(new URL('js/model/ticks.js', WEB));
const { receipts } = await import(new URL('js/model/receipts.js', WEB));

beforeEach(reset);

const mine = (seq) => message('c', seq, { senderId: ME });

test('a message of mine is sent, then delivered, then read as the peer cursors pass it', () => {
  const c = conversation('c', { lastSeq: 3 });
  assert.equal(tickOf(c, mine(2), ME), 'sent');
  assert.equal(applyReceipt(c, { conversation: 'c', user: PEER, deliveredSeq: 2, readSeq: 0 }, ME), true);
  assert.equal(tickOf(c, mine(2), ME), 'delivered');
  assert.equal(tickOf(c, mine(3), ME), 'sent');
  applyReceipt(c, { conversation: 'c', user: PEER, deliveredSeq: 3, readSeq: 2 }, ME);
  assert.equal(tickOf(c, mine(2), ME), 'read');
  assert.equal(tickOf(c, mine(3), ME), 'delivered');
});

test('a reply from the peer of a direct chat reads everything before it (the server sends no receipt for that)', () => {
  const c = conversation('c', { lastSeq: 6 });
  applyPeerMessage(c, message('c', 6, { senderId: PEER }), ME);
  assert.equal(tickOf(c, mine(5), ME), 'read');
  applyPeerMessage(c, message('c', 3, { senderId: PEER }), ME); // a late, older one changes nothing
  assert.equal(tickOf(c, mine(5), ME), 'read');
  const group = conversation('g', { kind: 'channel', peer: null, lastSeq: 6 });
  applyPeerMessage(group, message('g', 6, { senderId: 'someone' }), ME);
  assert.equal(tickOf(group, mine(5), ME), 'sent', 'in a channel only receipts.advanced (everyone) counts');
});

test('ticks never go back (a late, older receipt)', () => {
  const c = conversation('c');
  applyReceipt(c, { user: PEER, deliveredSeq: 5, readSeq: 5 }, ME);
  applyReceipt(c, { user: PEER, deliveredSeq: 2, readSeq: 1 }, ME);
  assert.equal(tickOf(c, mine(5), ME), 'read');
});

test('in a channel, one member reading does not turn my ticks blue; receipts.advanced (everyone) does', () => {
  const c = conversation('c', { kind: 'channel', peer: null, lastSeq: 4 });
  assert.equal(applyReceipt(c, { conversation: 'c', user: 'someone', deliveredSeq: 4, readSeq: 4 }, ME), false);
  assert.equal(tickOf(c, mine(4), ME), 'sent');
  applyAdvanced(c, { conversation: 'c', deliveredSeq: 4, readSeq: 2 });
  assert.equal(tickOf(c, mine(2), ME), 'read');
  assert.equal(tickOf(c, mine(4), ME), 'delivered');
  applyAdvanced(c, { conversation: 'c', deliveredSeq: 1, readSeq: 1 });
  assert.equal(tickOf(c, mine(2), ME), 'read', 'the minimum never goes back');
});

test('others\' messages carry no delivery tick; my unsent ones show the outbox status', () => {
  const c = conversation('c', { peerReadSeq: 9, peerDeliveredSeq: 9 });
  assert.equal(tickOf(c, message('c', 1), ME), 'sent');
  assert.equal(tickOf(c, { senderId: ME, pending: true, status: 'sending' }, ME), 'sending');
  assert.equal(tickOf(c, { senderId: ME, pending: true, status: 'failed' }, ME), 'failed');
});

test('my own receipt (another device) moves my unread count, not my ticks, and need not be reported', () => {
  const c = conversation('c', { lastSeq: 6, unreadCount: 6 });
  receipts.reset([c]);
  applyReceipt(c, { conversation: 'c', user: ME, deliveredSeq: 6, readSeq: 4 }, ME);
  assert.equal(c.readSeq, 4);
  assert.equal(c.unreadCount, 2);
  assert.equal(c.peerReadSeq, 0);
  assert.deepEqual(receipts.reported.get('c'), { delivered: 6, read: 4 });
});
