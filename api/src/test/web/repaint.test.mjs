// Repainting: a lone event paints at once (a microtask), a burst once per frame, a hidden tab on a timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEB } from './helpers.mjs';

const { createRepaint, QUIET_MS } = await import(new URL('js/repaint.js', WEB));

function fakeBrowser() {
  const b = { time: 0, frames: [], timers: [], micro: [], paints: [] };
  b.env = {
    now: () => b.time,
    frame: (fn) => b.frames.push(fn),
    cancelFrame: (id) => { if (id) b.frames[id - 1] = null; },
    later: (fn, ms) => b.timers.push({ fn, at: b.time + ms }),
    cancelLater: (id) => { if (id) b.timers[id - 1] = null; },
    soon: (fn) => b.micro.push(fn),
  };
  b.runMicrotasks = () => { const run = b.micro.splice(0); run.forEach((fn) => fn()); };
  b.nextFrame = () => { const run = b.frames.splice(0); b.timers = []; run.forEach((fn) => fn && fn()); };
  b.repaint = createRepaint((parts) => b.paints.push([...parts].sort()), b.env);
  return b;
}

test('a lone event paints in a microtask, without waiting for a frame', () => {
  const b = fakeBrowser();
  b.repaint('inbox', false);
  assert.deepEqual(b.paints, []);
  b.runMicrotasks();
  assert.deepEqual(b.paints, [['inbox']]);
  assert.equal(b.frames.length, 0);
});

test('a burst right after a paint waits for the next frame and paints once, every part named', () => {
  const b = fakeBrowser();
  b.repaint('inbox');
  b.runMicrotasks();
  for (let i = 0; i < 400; i++) b.repaint('inbox', i % 2 ? 'messages' : 'typing');
  b.runMicrotasks();
  assert.equal(b.paints.length, 1, 'not yet');
  b.nextFrame();
  assert.deepEqual(b.paints, [['inbox'], ['inbox', 'messages', 'typing']]);
});

test('after a quiet spell the next event paints at once again', () => {
  const b = fakeBrowser();
  b.repaint('inbox');
  b.runMicrotasks();
  b.time += QUIET_MS + 1;
  b.repaint('messages');
  b.runMicrotasks();
  assert.deepEqual(b.paints, [['inbox'], ['messages']]);
});

test('a hidden tab (no frames) still paints, by the timer', () => {
  const b = fakeBrowser();
  b.repaint('inbox');
  b.runMicrotasks();
  b.repaint('messages');
  assert.equal(b.timers.length, 1);
  b.timers[0].fn();
  assert.deepEqual(b.paints, [['inbox'], ['messages']]);
});
