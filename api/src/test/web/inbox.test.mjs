// The inbox's order and counts, and who is typing.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { WEB, reset, conversation } from './helpers.mjs';

const { inboxOrder, unreadChats, typists, noteTyping } = await import(new URL('js/model/inbox.js', WEB));

beforeEach(reset);

test('pinned chats first, then the latest activity first; a group\'s channels stay together under its latest', () => {
  const g = { id: 'g', name: 'G' };
  const list = [
    conversation('old', { updatedAt: '2026-01-01T00:00:00Z' }),
    conversation('pinned', { pinned: true, updatedAt: '2025-01-01T00:00:00Z' }),
    conversation('quiet-channel', { kind: 'channel', group: g, name: 'b', updatedAt: '2025-06-01T00:00:00Z' }),
    conversation('new', { updatedAt: '2026-03-01T00:00:00Z' }),
    conversation('busy-channel', { kind: 'channel', group: g, name: 'a', updatedAt: '2026-05-01T00:00:00Z' }),
  ];
  assert.deepEqual(inboxOrder(list).map((c) => c.id), ['pinned', 'busy-channel', 'quiet-channel', 'new', 'old']);
});

test('the title counts chats with unread messages, not muted or archived ones', () => {
  const list = [
    conversation('a', { unreadCount: 3 }),
    conversation('b', { unreadCount: 1, muted: true }),
    conversation('c', { unreadCount: 2, archived: true }),
    conversation('d', { unreadCount: 0 }),
    conversation('e', { unreadCount: 1 }),
  ];
  assert.equal(unreadChats(list), 2);
});

test('typing expires by itself, and stops when said', () => {
  noteTyping('c', 'ana', true, 6000, 1000);
  noteTyping('c', 'bob', true, 2000, 1000);
  assert.deepEqual(typists('c', 2000), ['ana', 'bob']);
  assert.deepEqual(typists('c', 3500), ['ana']);
  noteTyping('c', 'ana', false);
  assert.deepEqual(typists('c', 3500), []);
  assert.deepEqual(typists('nobody'), []);
});
