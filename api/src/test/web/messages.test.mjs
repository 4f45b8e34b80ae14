// Messages merge by seq and by version; the unread count follows my read cursor.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { WEB, ME, reset, conversation, message } from './helpers.mjs';

const m = await import(new URL('js/model/messages.js', WEB));
const { cursors } = await import(new URL('js/model/cursors.js', WEB));
const { state } = await import(new URL('js/model/state.js', WEB));

beforeEach(reset);

test('a new message from someone else counts as unread, and the same seq twice shows once', () => {
  const c = conversation('c');
  state.conversations.set('c', c);
  m.acceptMessage(message('c', 1));
  m.acceptMessage(message('c', 2));
  m.acceptMessage(message('c', 2));
  assert.equal(c.unreadCount, 2);
  assert.equal(c.lastSeq, 2);
  assert.equal(c.lastMessage.seq, 2);
  assert.equal(state.messages.get('c').size, 2);
});

test('my own message is read and received by me, and unarchives the chat', () => {
  const c = conversation('c', { lastSeq: 3, readSeq: 1, unreadCount: 2, archived: true });
  state.conversations.set('c', c);
  m.acceptMessage(message('c', 4, { senderId: ME }));
  assert.equal(c.readSeq, 4);
  assert.equal(c.unreadCount, 0);
  assert.equal(c.archived, false);
});

test('a message from someone ends their typing; an unknown chat answers null (the caller fetches the inbox)', () => {
  const c = conversation('c');
  state.conversations.set('c', c);
  state.typing.set('c', new Map([[message('c', 1).senderId, Date.now() + 5000]]));
  m.acceptMessage(message('c', 1));
  assert.equal(state.typing.get('c').size, 0);
  assert.equal(m.acceptMessage(message('unknown', 1)), null);
});

test('an older version never replaces a newer one', () => {
  state.conversations.set('c', conversation('c'));
  m.putMessage(message('c', 1, { text: 'edited', version: 5 }));
  assert.equal(m.applyEdit(message('c', 1, { text: 'old', version: 3 })), false);
  assert.equal(state.messages.get('c').get(1).text, 'edited');
  assert.equal(m.applyEdit(message('c', 1, { text: 'newer', version: 6 })), true);
  assert.equal(state.messages.get('c').get(1).text, 'newer');
});

test('an edit of a quoted message shows in the replies that quote it, and in the inbox preview', () => {
  const c = conversation('c');
  state.conversations.set('c', c);
  m.acceptMessage(message('c', 1));
  m.acceptMessage(message('c', 2, { replyTo: { seq: 1, text: 'm1' } }));
  m.applyEdit(message('c', 1, { deleted: true, text: '', version: 1 }));
  assert.equal(state.messages.get('c').get(2).replyTo.deleted, true);
  m.applyEdit(message('c', 2, { text: 'm2, edited', version: 2 }));
  assert.equal(c.lastMessage.text, 'm2, edited');
});

test('an edit older than the window held is not added to it (no gap in the window)', () => {
  state.conversations.set('c', conversation('c'));
  m.putMessage(message('c', 10));
  m.putMessage(message('c', 11));
  assert.equal(m.applyEdit(message('c', 3, { text: 'far back', version: 1 })), true);
  assert.equal(state.messages.get('c').has(3), false);
});

test('a reaction tally replaces the message\'s, unless the message is newer', () => {
  state.conversations.set('c', conversation('c'));
  m.putMessage(message('c', 1, { version: 2 }));
  assert.equal(m.applyReactions({ conversation: 'c', seq: 1, version: 3, reactions: [{ emoji: '👍', count: 1, users: ['x'] }] }), true);
  assert.equal(state.messages.get('c').get(1).reactions.length, 1);
  m.applyReactions({ conversation: 'c', seq: 1, version: 1, reactions: [] });
  assert.equal(state.messages.get('c').get(1).reactions.length, 1);
  assert.equal(m.applyReactions({ conversation: 'c', seq: 99, version: 4, reactions: [] }), false, 'not held: nothing to repaint');
});

test('clearing a chat drops what was cleared, which then counts as held for the cursor', () => {
  state.conversations.set('c', conversation('c', { lastSeq: 5 }));
  for (const seq of [1, 2, 4, 5]) m.putMessage(message('c', seq));
  assert.equal(cursors.update('c'), 2);
  m.applyConversation(conversation('c', { lastSeq: 5, clearedSeq: 3 }));
  assert.deepEqual([...state.messages.get('c').keys()].sort(), [4, 5]);
  assert.equal(cursors.update('c'), 5);
});
