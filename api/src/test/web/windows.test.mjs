// A chat opened around an old message (a search result) holds a window that does not reach the
// newest message: pages above and below it, live messages and edits merge without a gap or a
// duplicate, it joins the messages held when the two meet, and the cursors (delivered, read)
// never count what lies between.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { WEB, reset, conversation, message } from './helpers.mjs';

const pages = await import(new URL('js/model/pages.js', WEB));
const windows = await import(new URL('js/model/windows.js', WEB));
const m = await import(new URL('js/model/messages.js', WEB));
const { cursors } = await import(new URL('js/model/cursors.js', WEB));
const { markSeen } = await import(new URL('js/model/receipts.js', WEB));
const { state } = await import(new URL('js/model/state.js', WEB));

beforeEach(reset);

const run = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => message('c', from + i));
const seqs = () => windows.shownMessages('c').map((x) => x.seq);
const contiguous = (list) => list.every((s, i) => i === 0 || s === list[i - 1] + 1);

/** A chat of 300 messages whose newest 50 are held (opened at its end). */
function chatWithNewestHeld() {
  const c = conversation('c', { lastSeq: 300 });
  state.conversations.set('c', c);
  pages.takeNewest('c', { messages: run(251, 300), hasMore: true });
  return c;
}

test('a page around an old message opens a window: it is what the chat shows, and the held messages stay as they were', () => {
  chatWithNewestHeld();
  const shown = pages.takeAround('c', { messages: run(40, 80), hasMore: true, hasNewer: true });
  assert.equal(shown, true);
  assert.deepEqual(seqs(), run(40, 80).map((x) => x.seq));
  assert.equal(windows.hasOlder('c'), true);
  assert.deepEqual([...state.messages.get('c').keys()].sort((a, b) => a - b)[0], 251, 'nothing of the window is held yet');
});

test('older and newer pages grow the window without duplicates; it joins the held messages when they meet', () => {
  chatWithNewestHeld();
  pages.takeAround('c', { messages: run(100, 150), hasMore: true, hasNewer: true });
  pages.takeOlder('c', { messages: run(50, 99), hasMore: true });
  pages.takeOlder('c', { messages: run(50, 99), hasMore: true }); // the same page twice (a double scroll)
  assert.deepEqual(seqs(), run(50, 150).map((x) => x.seq));
  pages.takeNewer('c', { messages: run(151, 200), hasMore: true });
  assert.ok(windows.windowOf('c'), 'still apart: 201..250 are neither held nor in the window');
  pages.takeNewer('c', { messages: run(201, 250), hasMore: true });
  assert.equal(windows.windowOf('c'), null, 'joined: 250 touches 251');
  const all = seqs();
  assert.equal(all[0], 50);
  assert.equal(all.at(-1), 300);
  assert.ok(contiguous(all), 'no gap');
  assert.equal(new Set(all).size, all.length, 'no duplicate');
  assert.equal(state.messages.get('c').hasMore, true, 'older than 50 still exist');
});

test('a newer page that overlaps the held messages joins them the same way', () => {
  chatWithNewestHeld();
  pages.takeAround('c', { messages: run(200, 240), hasMore: true, hasNewer: true });
  pages.takeNewer('c', { messages: run(241, 290), hasMore: true });
  assert.equal(windows.windowOf('c'), null);
  assert.deepEqual(seqs(), run(200, 300).map((x) => x.seq));
});

test('a window of a chat with nothing held joins once it reaches the newest message; live messages then append', () => {
  state.conversations.set('c', conversation('c', { lastSeq: 120 }));
  pages.takeAround('c', { messages: run(20, 70), hasMore: true, hasNewer: true });
  pages.takeNewer('c', { messages: run(71, 120), hasMore: false });
  assert.equal(windows.windowOf('c'), null);
  assert.ok(state.loaded.has('c'), 'the newest end is loaded: opening the chat needs no newest page');
  m.acceptMessage(message('c', 121));
  assert.deepEqual(seqs(), run(20, 121).map((x) => x.seq));
});

test('a live message while the window is apart is held at the newest end, never shown in the window', () => {
  chatWithNewestHeld();
  pages.takeAround('c', { messages: run(40, 80), hasMore: true, hasNewer: true });
  m.acceptMessage(message('c', 301));
  assert.deepEqual(seqs(), run(40, 80).map((x) => x.seq));
  assert.ok(state.messages.get('c').has(301));
});

test('a live message right above a window whose chat holds nothing joins it', () => {
  state.conversations.set('c', conversation('c', { lastSeq: 80 }));
  pages.takeAround('c', { messages: run(40, 80), hasMore: true, hasNewer: true }); // the server said: newer exist
  m.acceptMessage(message('c', 81));
  assert.equal(windows.windowOf('c'), null);
  assert.deepEqual(seqs(), run(40, 81).map((x) => x.seq));
});

test('a page around a message next to the held ones is no window: the held run just grows', () => {
  chatWithNewestHeld();
  assert.equal(pages.takeAround('c', { messages: run(220, 260), hasMore: true, hasNewer: true }), false);
  assert.deepEqual(seqs(), run(220, 300).map((x) => x.seq));
});

test('the cursor and the read position never count the gap between a window and the newest end', () => {
  const c = conversation('c', { lastSeq: 300, deliveredSeq: 0, readSeq: 0 });
  state.conversations.set('c', c);
  pages.takeAround('c', { messages: run(1, 40), hasMore: false, hasNewer: true });
  assert.equal(cursors.update('c'), 0, 'nothing of the window counts as received while apart');
  assert.equal(markSeen(c), false, 'nor as read');
  assert.equal(c.readSeq, 0);
  pages.takeNewer('c', { messages: run(41, 300), hasMore: false });
  assert.equal(cursors.update('c'), 300, 'joined: all of it is held, from 1 up');
});

test('edits, deletes and reactions reach the window\'s copy, and a quote in it follows its original', () => {
  chatWithNewestHeld();
  pages.takeAround('c', { messages: [...run(40, 79), message('c', 80, { replyTo: { seq: 60, text: 'm60' } })], hasMore: true, hasNewer: true });
  assert.equal(m.applyEdit(message('c', 60, { text: 'changed', version: 3 })), true);
  assert.equal(windows.shownMessages('c').find((x) => x.seq === 60).text, 'changed');
  assert.equal(windows.shownMessages('c').find((x) => x.seq === 80).replyTo.text, 'changed');
  assert.equal(state.messages.get('c').has(60), false, 'the held run gets no lone message');
  assert.equal(m.applyEdit(message('c', 60, { text: 'older change', version: 2 })), true);
  assert.equal(windows.shownMessages('c').find((x) => x.seq === 60).text, 'changed', 'an older version never replaces a newer one');
  assert.equal(m.applyReactions({ conversation: 'c', seq: 61, version: 4, reactions: [{ emoji: '👍', count: 1, users: ['x'] }] }), true);
  assert.equal(windows.shownMessages('c').find((x) => x.seq === 61).reactions.length, 1);
});

test('an edit in a window of a chat that holds nothing stays in the window (no lone message held)', () => {
  state.conversations.set('c', conversation('c', { lastSeq: 300 }));
  pages.takeAround('c', { messages: run(40, 80), hasMore: true, hasNewer: true });
  assert.equal(m.applyEdit(message('c', 60, { text: 'changed', version: 1 })), true);
  assert.ok(windows.windowOf('c'), 'still apart');
  assert.equal(state.messages.get('c')?.size || 0, 0);
  assert.equal(windows.shownMessages('c').find((x) => x.seq === 60).text, 'changed');
});

test('a page with an older copy of a message (the device\'s) never replaces the window\'s newer one', () => {
  chatWithNewestHeld();
  pages.takeAround('c', { messages: [...run(40, 59), message('c', 60, { text: 'edited', version: 5 }), ...run(61, 80)], hasMore: true, hasNewer: true });
  pages.takeOlder('c', { messages: [message('c', 39), message('c', 60, { text: 'as first sent', version: 0 })] }, false);
  assert.equal(windows.shownMessages('c').find((x) => x.seq === 60).text, 'edited');
});

test('when a window joins, a held copy with a newer version wins over the window\'s', () => {
  chatWithNewestHeld();
  m.applyEdit(message('c', 255, { text: 'edited', version: 4 }));
  pages.takeAround('c', { messages: run(200, 240), hasMore: true, hasNewer: true });
  pages.takeNewer('c', { messages: run(241, 260), hasMore: true }); // fetched before the edit
  assert.equal(windows.windowOf('c'), null);
  assert.equal(windows.shownMessages('c').find((x) => x.seq === 255).text, 'edited');
});

test('clearing the chat empties the window of what was cleared; a window cleared entirely goes', () => {
  chatWithNewestHeld();
  pages.takeAround('c', { messages: run(40, 80), hasMore: true, hasNewer: true });
  m.applyConversation(conversation('c', { lastSeq: 300, clearedSeq: 60 }));
  assert.deepEqual(seqs(), run(61, 80).map((x) => x.seq));
  assert.equal(windows.hasOlder('c'), false, 'nothing older is left to show');
  m.applyConversation(conversation('c', { lastSeq: 300, clearedSeq: 290 }));
  assert.equal(windows.windowOf('c'), null);
  assert.deepEqual(seqs(), run(291, 300).map((x) => x.seq));
});

test('a page of the device\'s copy (no hasMore) leaves the window\'s flag as it was', () => {
  chatWithNewestHeld();
  pages.takeAround('c', { messages: run(40, 80), hasMore: true, hasNewer: true });
  pages.takeOlder('c', { messages: run(30, 39) }, false);
  assert.equal(windows.hasOlder('c'), true);
  assert.deepEqual(seqs()[0], 30);
});

test('nearHeld: held, or at most a page below the oldest held', () => {
  chatWithNewestHeld();
  assert.equal(pages.nearHeld('c', 260, 50), true);
  assert.equal(pages.nearHeld('c', 210, 50), true);
  assert.equal(pages.nearHeld('c', 150, 50), false);
  assert.equal(pages.nearHeld('other', 1, 50), false);
});
