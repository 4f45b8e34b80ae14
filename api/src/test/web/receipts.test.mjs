// My receipts are cursors: delivered is the contiguous cursor, read never above it, at most one
// frame per conversation per 300 ms window, and nothing the server already holds.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { WEB, ME, reset, conversation, message } from './helpers.mjs';

const { receipts, nextReceipt, markSeen, RECEIPT_WINDOW_MS } = await import(new URL('js/model/receipts.js', WEB));
const { acceptMessage, putMessage } = await import(new URL('js/model/messages.js', WEB));
const { state } = await import(new URL('js/model/state.js', WEB));

let frames;
beforeEach(() => {
  reset();
  frames = [];
  receipts.send = (frame) => frames.push(frame);
  mock.timers.enable({ apis: ['setTimeout'] });
});
afterEach(() => mock.timers.reset());

function chat(id, fields) {
  const c = conversation(id, fields);
  state.conversations.set(id, c);
  receipts.reset([...state.conversations.values()]);
  return c;
}

test('a burst of messages costs one delivered frame per window, carrying the newest cursor', () => {
  chat('c');
  for (let seq = 1; seq <= 100; seq++) {
    acceptMessage(message('c', seq));
    receipts.report('c');
  }
  assert.deepEqual(frames, [], 'nothing before the window ends');
  mock.timers.tick(RECEIPT_WINDOW_MS - 1);
  assert.deepEqual(frames, []);
  mock.timers.tick(1);
  assert.deepEqual(frames, [{ type: 'delivered', conversation: 'c', seq: 100 }]);
  mock.timers.tick(RECEIPT_WINDOW_MS * 3);
  assert.equal(frames.length, 1, 'nothing more: the server has it');
});

test('each conversation has its own window', () => {
  chat('a'); chat('b');
  acceptMessage(message('a', 1)); receipts.report('a');
  acceptMessage(message('b', 1)); receipts.report('b');
  mock.timers.tick(RECEIPT_WINDOW_MS);
  assert.deepEqual(frames.map((f) => f.conversation).sort(), ['a', 'b']);
});

test('delivered stops below a hole: a message beyond it is not reported received', () => {
  chat('c', { lastSeq: 3 });
  acceptMessage(message('c', 1));
  acceptMessage(message('c', 3));
  receipts.report('c');
  mock.timers.tick(RECEIPT_WINDOW_MS);
  assert.deepEqual(frames, [{ type: 'delivered', conversation: 'c', seq: 1 }]);
});

test('read goes first (it implies delivered), never above the cursor; delivered beyond read follows in the next window', () => {
  const c = chat('c');
  for (const seq of [1, 2, 3, 4, 6]) putMessage(message('c', seq));
  c.lastSeq = 6;
  c.readSeq = 2;
  receipts.report('c');
  mock.timers.tick(RECEIPT_WINDOW_MS);
  assert.deepEqual(frames, [{ type: 'read', conversation: 'c', seq: 2 }]);
  mock.timers.tick(RECEIPT_WINDOW_MS);
  assert.deepEqual(frames[1], { type: 'delivered', conversation: 'c', seq: 4 });
  assert.equal(frames.length, 2);
});

test('marking the open chat seen stops at the hole, clears the unread count and mentions', () => {
  const c = chat('c', { lastSeq: 5, unreadCount: 5, mentionCount: 1 });
  for (const seq of [1, 2, 3, 5]) putMessage(message('c', seq));
  assert.equal(markSeen(c), true);
  assert.equal(c.readSeq, 3);
  assert.equal(c.unreadCount, 2, 'what is beyond the hole is still unread');
  assert.equal(c.mentionCount, 0);
  assert.equal(markSeen(c), false, 'nothing new: nothing to report');
});

test('what the server already holds is not reported again (my own send, another device)', () => {
  const c = chat('c');
  acceptMessage(message('c', 1, { senderId: ME }));
  assert.equal(c.readSeq, 1);
  assert.equal(c.unreadCount, 0);
  receipts.report('c');
  mock.timers.tick(RECEIPT_WINDOW_MS);
  assert.deepEqual(frames, [], 'my own message moved my cursors on the server already');
  receipts.serverHas('c', 4, 4);
  for (const seq of [2, 3, 4]) putMessage(message('c', seq));
  c.readSeq = 4;
  receipts.report('c');
  mock.timers.tick(RECEIPT_WINDOW_MS);
  assert.deepEqual(frames, []);
});

test('nextReceipt reports each cursor once', () => {
  const reported = new Map();
  const c = conversation('c', { readSeq: 0 });
  assert.deepEqual(nextReceipt(reported, c, 3), { type: 'delivered', conversation: 'c', seq: 3 });
  assert.equal(nextReceipt(reported, c, 3), null);
  c.readSeq = 3;
  assert.deepEqual(nextReceipt(reported, c, 3), { type: 'read', conversation: 'c', seq: 3 });
  assert.equal(nextReceipt(reported, c, 3), null);
});
