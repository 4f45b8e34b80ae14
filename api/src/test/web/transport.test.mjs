// Which transport the next connection uses (js/net/transport.js): the WebSocket first, the HTTP
// fallback after three failures in a row before a welcome, the WebSocket again after as many of
// the fallback's, and the WebSocket tried beside the fallback at intervals that back off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEB } from './helpers.mjs';

const { TransportPolicy, SWITCH_AFTER, WS_RETRY_FIRST_MS, WS_RETRY_MAX_MS } = await import(new URL('js/net/transport.js', WEB));

test('the WebSocket first; three failures in a row before a welcome switch to the fallback', () => {
  const p = new TransportPolicy();
  assert.equal(p.kind, 'ws');
  assert.equal(SWITCH_AFTER, 3);
  assert.equal(p.failed('ws'), false);
  assert.equal(p.failed('ws'), false);
  assert.equal(p.kind, 'ws');
  assert.equal(p.failed('ws'), true, 'the third failure switches');
  assert.equal(p.kind, 'http');
});

test('a welcome in between starts the count again: a socket that works now and then is kept', () => {
  const p = new TransportPolicy();
  p.failed('ws');
  p.failed('ws');
  p.welcomed('ws');
  assert.equal(p.failed('ws'), false);
  assert.equal(p.failed('ws'), false);
  assert.equal(p.kind, 'ws');
});

test('failures while offline say nothing of the network and do not count', () => {
  const p = new TransportPolicy();
  for (let i = 0; i < 5; i++) assert.equal(p.failed('ws', false), false);
  assert.equal(p.kind, 'ws');
  assert.equal(p.failures, 0);
});

test('when the fallback fails as often, the WebSocket is tried again', () => {
  const p = new TransportPolicy();
  for (let i = 0; i < SWITCH_AFTER; i++) p.failed('ws');
  assert.equal(p.kind, 'http');
  p.failed('http');
  p.failed('http');
  assert.equal(p.kind, 'http');
  assert.equal(p.failed('http'), true);
  assert.equal(p.kind, 'ws');
});

test('a failure of the transport not in use (a WebSocket tried beside the fallback) does not move it', () => {
  const p = new TransportPolicy();
  for (let i = 0; i < SWITCH_AFTER; i++) p.failed('ws');
  p.welcomed('http');
  for (let i = 0; i < 5; i++) assert.equal(p.failed('ws'), false);
  assert.equal(p.kind, 'http');
});

test('beside the fallback the WebSocket is tried after 10 s, then at doubling intervals up to 30 s', () => {
  const p = new TransportPolicy();
  for (let i = 0; i < SWITCH_AFTER; i++) p.failed('ws');
  p.welcomed('http');
  assert.deepEqual([p.retryDelay(), p.retryDelay(), p.retryDelay(), p.retryDelay()],
    [WS_RETRY_FIRST_MS, 2 * WS_RETRY_FIRST_MS, WS_RETRY_MAX_MS, WS_RETRY_MAX_MS]);
  assert.equal(WS_RETRY_FIRST_MS, 10_000);
  assert.equal(WS_RETRY_MAX_MS, 30_000);
  p.welcomed('ws'); // it took over
  p.welcomed('http'); // and later the fallback again: the intervals start over
  assert.equal(p.retryDelay(), WS_RETRY_FIRST_MS);
});

test('the transport that last welcomed on the device is tried first; anything else starts from the WebSocket', () => {
  assert.equal(new TransportPolicy('http').kind, 'http');
  assert.equal(new TransportPolicy('ws').kind, 'ws');
  assert.equal(new TransportPolicy(null).kind, 'ws');
  assert.equal(new TransportPolicy('carrier pigeon').kind, 'ws');
  const p = new TransportPolicy('http');
  for (let i = 0; i < SWITCH_AFTER; i++) p.failed('http');
  assert.equal(p.kind, 'ws', 'a remembered fallback that fails gives the WebSocket its turn');
});
