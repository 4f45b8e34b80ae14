// The contiguous sync cursor: the highest seq held with nothing missing below it.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { WEB, reset, conversation, message } from './helpers.mjs';

const { contiguous, advance, readUpTo } = await import(new URL('js/cursor.js', WEB));
const { cursors } = await import(new URL('js/model/cursors.js', WEB));
const { putMessage } = await import(new URL('js/model/messages.js', WEB));
const { state } = await import(new URL('js/model/state.js', WEB));

beforeEach(reset);

test('the cursor stops below a hole: holding 1, 2, 3 and 5 is 3', () => {
  assert.equal(contiguous(0, new Set([1, 2, 3, 5])), 3);
  assert.equal(contiguous(0, new Set([2, 3])), 0);
  assert.equal(contiguous(3, new Set([4, 5, 7])), 5);
});

test('the cursor never goes back, nor below what was cleared', () => {
  assert.equal(advance(5, 0, new Set()), 5);
  assert.equal(advance(2, 10, new Set([11, 12])), 12);
  assert.equal(advance(undefined, 0, new Set([1])), 1);
});

test('read is never reported above the cursor', () => {
  assert.equal(readUpTo(9, 3), 3);
  assert.equal(readUpTo(2, 3), 2);
  assert.equal(readUpTo(-1, 3), 0);
});

test('a conversation cursor moves as messages arrive out of order, and the hole is filled, not skipped', () => {
  state.conversations.set('c', conversation('c', { lastSeq: 5 }));
  putMessage(message('c', 1));
  putMessage(message('c', 2));
  putMessage(message('c', 5));
  assert.equal(cursors.update('c'), 2, 'holding 1, 2 and 5: the cursor is 2');
  putMessage(message('c', 4));
  assert.equal(cursors.update('c'), 2, 'still a hole at 3');
  putMessage(message('c', 3));
  assert.equal(cursors.update('c'), 5, 'the hole filled: up to 5');
});

test('a new device starts from what my account already received, and from what was cleared', () => {
  state.conversations.set('a', conversation('a', { deliveredSeq: 40, lastSeq: 42 }));
  assert.equal(cursors.update('a'), 40);
  state.conversations.set('b', conversation('b', { clearedSeq: 7, lastSeq: 9 }));
  assert.equal(cursors.update('b'), 7);
});

test('the cursor never claims more than the device copy holds', () => {
  state.conversations.set('c', conversation('c', { lastSeq: 9 }));
  cursors.map.set('c', 9); // kept before a tab closed with writes lost
  const held = new Map([[4, {}], [5, {}], [7, {}]]);
  cursors.clampToHeld('c', held);
  assert.equal(cursors.map.get('c'), 5);
});

test('cursors are kept on the device per user, and forgotten on sign-out', async () => {
  state.conversations.set('c', conversation('c', { lastSeq: 1 }));
  putMessage(message('c', 1));
  cursors.save();
  cursors.map = new Map();
  cursors.load();
  assert.equal(cursors.map.get('c'), 1);
  cursors.forget();
  cursors.load();
  assert.equal(cursors.map.has('c'), false);
});
