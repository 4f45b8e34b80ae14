// The connection (js/net/socket.js) over stand-ins for the browser's WebSocket, EventSource and
// fetch, the test playing the server: refused sockets lead to the fallback, posted frames go one at
// a time with their answers settling requests, and a WebSocket tried beside the fallback takes
// over when it welcomes, failing what waited (to be sent again) and closing the stream.
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { WEB } from './helpers.mjs';

const sockets = [];
const streams = [];
const posts = [];
class FakeWebSocket {
  static OPEN = 1;
  constructor(url) { this.url = url; this.readyState = 0; this.sent = []; sockets.push(this); }
  send(text) { this.sent.push(JSON.parse(text)); }
  close(code) { this.end(code); }
  end(code) { if (this.readyState === 3) return; this.readyState = 3; this.onclose({ code }); }
  frame(f) { this.readyState = 1; this.onmessage({ data: JSON.stringify(f) }); }
}
class FakeEventSource {
  constructor(url) { this.url = url; this.closed = false; streams.push(this); }
  addEventListener() {}
  close() { this.closed = true; }
  frame(f) { this.onmessage({ data: JSON.stringify(f) }); }
}
globalThis.WebSocket = FakeWebSocket;
globalThis.EventSource = FakeEventSource;
globalThis.fetch = (url, init) => new Promise((resolve) => {
  posts.push({ url, frame: JSON.parse(init.body), answer: (f) => resolve({ status: 200, text: async () => JSON.stringify(f) }) });
});
globalThis.addEventListener = () => {};
globalThis.document = { addEventListener() {}, visibilityState: 'visible' };
globalThis.location = { protocol: 'https:', host: 'chat.test' };
Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true });

const { ChatSocket } = await import(new URL('js/net/socket.js', WEB));
const settle = () => new Promise((resolve) => setImmediate(resolve));
const welcome = { type: 'welcome', heartbeatSeconds: 25, session: 's' };

let states;
let events;
const open = () => new ChatSocket({ onEvent: (e) => events.push(e), onWelcome: () => {}, onState: (s, t) => states.push(`${s}/${t}`), onSignedOut: () => {} });

beforeEach(() => {
  sockets.length = 0; streams.length = 0; posts.length = 0; states = []; events = [];
  localStorage.removeItem('chat.transport');
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
});
afterEach(() => mock.timers.reset());

/** Three WebSockets refused, one after the other (the backoff waited out): the stream comes next. */
async function toFallback(s) {
  s.connect();
  for (let i = 0; i < 3; i++) {
    sockets[i].end(1006);
    await settle();
    mock.timers.tick(30_000);
  }
}

test('three WebSockets refused before a welcome: the stream, and frames posted one at a time, in order', async () => {
  const s = open();
  await toFallback(s);
  assert.equal(sockets.length, 3);
  assert.equal(streams.length, 1);
  assert.equal(streams[0].url, '/events');
  streams[0].frame(welcome);
  assert.deepEqual(states.at(-1), 'open/http');
  assert.equal(localStorage.getItem('chat.transport'), 'http');

  const sent = s.request({ type: 'send', conversation: 'c', clientMsgId: 'm1', text: 'hi' });
  s.send({ type: 'typing', id: 't1', conversation: 'c', state: 'start' });
  await settle();
  assert.equal(posts.length, 1, 'the second frame waits for the first one\'s answer');
  assert.equal(posts[0].url, '/events/frames');
  posts[0].answer({ type: 'ack', id: posts[0].frame.id, seq: 7, result: { seq: 7 } });
  assert.equal((await sent).result.seq, 7, 'the posted answer settles the request');
  await settle();
  assert.deepEqual(posts.map((p) => p.frame.type), ['send', 'typing']);
  streams[0].frame({ type: 'message.created', seq: 8 });
  assert.deepEqual(events.map((e) => e.seq), [8], 'the stream\'s events reach the app');
});

test('a WebSocket tried beside the fallback takes over when it welcomes; what waited fails, to be sent again', async () => {
  const s = open();
  await toFallback(s);
  streams[0].frame(welcome);
  mock.timers.tick(9_999);
  assert.equal(sockets.length, 3, 'not before 10 s');
  mock.timers.tick(1);
  assert.equal(sockets.length, 4, 'a WebSocket is tried beside the stream');
  sockets[3].end(1006); // still blocked: the next try backs off to 20 s
  await settle();
  mock.timers.tick(19_999);
  assert.equal(sockets.length, 4);
  mock.timers.tick(1);
  assert.equal(sockets.length, 5);
  assert.equal(s.transport, 'http', 'the stream carries the connection meanwhile');
  const waiting = s.request({ type: 'send', conversation: 'c', clientMsgId: 'm2', text: 'switching' });
  await settle();
  assert.equal(posts.length, 1);

  sockets[4].frame(welcome);
  await assert.rejects(waiting, /disconnected/, 'what waited over the fallback fails, and is sent again over the socket');
  assert.equal(streams[0].closed, true);
  assert.equal(s.transport, 'ws');
  assert.equal(states.at(-1), 'open/ws');
  assert.equal(localStorage.getItem('chat.transport'), 'ws');
  streams[0].frame({ type: 'message.created', seq: 9 });
  assert.deepEqual(events, [], 'the old stream is let go');
  posts[0].answer({ type: 'ack', id: posts[0].frame.id, seq: 9, result: { seq: 9 } });
  s.send({ type: 'typing', id: 't2', conversation: 'c', state: 'start' });
  assert.deepEqual(sockets[4].sent.map((f) => f.type), ['typing'], 'frames go over the socket now');
  await settle();
  assert.equal(posts.length, 1, 'and nothing is posted');
});
