// The outbox: one clientMsgId per message for life, sent in the order typed (one chain per chat),
// settled by the server's answer or its echo, never queued twice.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { WEB, ME, reset, conversation, message } from './helpers.mjs';

const outbox = await import(new URL('js/model/outbox.js', WEB));
const { acceptMessage } = await import(new URL('js/model/messages.js', WEB));
const { state } = await import(new URL('js/model/state.js', WEB));

beforeEach(reset);

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('each queued message gets its own clientMsgId and an order that follows typing, even within one millisecond', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const a = outbox.addPending('c', 'one', null, null, now);
  const b = outbox.addPending('c', 'two', null, null, now);
  const d = outbox.addPending('d', 'three', null, null, now);
  assert.notEqual(a.clientMsgId, b.clientMsgId);
  assert.ok(a.order < b.order && b.order < d.order);
  assert.equal(a.status, 'sending');
  assert.deepEqual(state.pending.get('c').map((p) => p.text), ['one', 'two']);
});

test('what the device keeps is the message and its upload, not its progress or status', () => {
  const p = outbox.addPending('c', 'hi', { blob: 'B', name: 'n.txt', size: 2, contentType: 'text/plain', voice: null, id: 'u1', view: null },
    { seq: 3, text: 'quoted' });
  p.progress = 0.5;
  const entry = outbox.outboxEntry(p);
  assert.deepEqual(Object.keys(entry).sort(), ['at', 'clientMsgId', 'conversation', 'order', 'replyTo', 'text', 'upload']);
  assert.equal(entry.clientMsgId, p.clientMsgId);
  assert.equal(entry.upload.id, 'u1');
  assert.equal(entry.replyTo.seq, 3);
});

test('entries read back from the device join the outbox once, as sending', () => {
  const kept = { clientMsgId: 'x1', conversation: 'c', text: 'hi', order: 1 };
  outbox.restore([kept, { ...kept }]);
  outbox.restore([kept]);
  assert.equal(state.pending.get('c').length, 1);
  assert.equal(state.pending.get('c')[0].status, 'sending');
});

test('after a reconnect every queued send goes in the order typed across chats; refused ones wait for Retry', () => {
  const a = outbox.addPending('a', '1');
  const b = outbox.addPending('b', '2');
  const c = outbox.addPending('a', '3');
  b.error = 'not a member';
  const d = outbox.addPending('b', '4');
  assert.deepEqual(outbox.queuedInOrder().map(([, p]) => p.text), [a.text, c.text, d.text]);
});

test('sends of a chat go one after another, in order; a message already on its way is not queued twice', async () => {
  const log = [];
  const gates = [];
  const deliver = (id, p) => new Promise((resolve) => { log.push(p.text); gates.push(resolve); });
  const one = outbox.addPending('c', 'one');
  const two = outbox.addPending('c', 'two');
  outbox.enqueue('c', one, deliver);
  outbox.enqueue('c', two, deliver);
  outbox.enqueue('c', one, deliver); // a reconnect while it is in flight
  await tick();
  assert.deepEqual(log, ['one'], 'two waits for one');
  gates.shift()();
  await tick();
  assert.deepEqual(log, ['one', 'two']);
  gates.shift()();
  await tick();
  assert.equal(gates.length, 0, 'one was sent once');
  assert.equal(one.inFlight, false);
});

test('a send whose socket went away goes again before the next: what was typed later never overtakes it', async () => {
  const log = [];
  const pauses = [];
  let first = true;
  const deliver = async (id, p) => {
    log.push(p.text);
    if (p.text === 'one' && first) { first = false; return outbox.AGAIN; }
    return undefined;
  };
  const pause = (ms) => new Promise((resume) => pauses.push([ms, resume]));
  const one = outbox.addPending('c', 'one');
  const two = outbox.addPending('c', 'two');
  outbox.enqueue('c', one, deliver, pause);
  outbox.enqueue('c', two, deliver, pause);
  await tick();
  assert.deepEqual(log, ['one'], 'two waits while one waits to go again');
  assert.deepEqual(pauses.map(([ms]) => ms), [outbox.RETRY_MS]);
  assert.equal(one.inFlight, true, 'a reconnect meanwhile does not queue it twice');
  pauses.shift()[1]();
  await tick();
  await tick();
  assert.deepEqual(log, ['one', 'one', 'two']);
  assert.equal(one.inFlight, false);
});

test('with nothing ahead of it a send goes at once, before enqueue returns (the bubble is drawn after the frame left)', async () => {
  const log = [];
  const deliver = async (id, p) => { log.push(p.text); };
  const p = outbox.addPending('c', 'now');
  outbox.enqueue('c', p, deliver);
  assert.deepEqual(log, ['now']);
  await tick();
  assert.equal(state.sendChains.has('c'), false, 'a settled chain is forgotten');
  const q = outbox.addPending('c', 'next');
  outbox.enqueue('c', q, deliver);
  assert.deepEqual(log, ['now', 'next']);
});

test('a retry sends the same message with the same clientMsgId', async () => {
  const sent = [];
  const p = outbox.addPending('c', 'again');
  const id = p.clientMsgId;
  let fail = true;
  const deliver = async (_, q) => { sent.push(q.clientMsgId); if (fail) { fail = false; q.status = 'failed'; } };
  outbox.enqueue('c', p, deliver);
  await tick();
  outbox.enqueue('c', outbox.findPending('c', id), deliver);
  await tick();
  assert.deepEqual(sent, [id, id]);
});

test('the server\'s answer (or the echo of my message) settles it; a discarded one stops', () => {
  state.conversations.set('c', conversation('c'));
  const p = outbox.addPending('c', 'hi');
  const q = outbox.addPending('c', 'bye');
  acceptMessage(message('c', 1, { senderId: ME, clientMsgId: p.clientMsgId }));
  assert.deepEqual(state.pending.get('c').map((x) => x.text), ['bye']);
  acceptMessage(message('c', 2, { clientMsgId: q.clientMsgId })); // someone else's message with the same id settles nothing
  assert.equal(state.pending.get('c').length, 1);
  const removed = outbox.removePending('c', q.clientMsgId);
  assert.equal(removed.cancelled, true);
  assert.equal(state.pending.get('c').length, 0);
  assert.equal(outbox.removePending('c', q.clientMsgId), null);
});
