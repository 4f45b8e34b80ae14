// Repainting: once per frame however many events came, a hidden tab on a timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEB } from './helpers.mjs';

const { createRepaint } = await import(new URL('js/repaint.js', WEB));

function fakeBrowser() {
  const b = { frames: [], timers: [], paints: [] };
  b.env = {
    frame: (fn) => b.frames.push(fn),
    cancelFrame: (id) => { if (id) b.frames[id - 1] = null; },
    later: (fn, ms) => b.timers.push({ fn, ms }),
    cancelLater: (id) => { if (id) b.timers[id - 1] = null; },
  };
  b.nextFrame = () => { const run = b.frames.splice(0); b.timers = []; run.forEach((fn) => fn && fn()); };
  b.repaint = createRepaint((parts) => b.paints.push([...parts].sort()), b.env);
  return b;
}

test('a burst of events paints once, at the next frame, every part named', () => {
  const b = fakeBrowser();
  for (let i = 0; i < 400; i++) b.repaint('inbox', i % 2 ? 'messages' : 'typing', false);
  assert.deepEqual(b.paints, [], 'not before the frame');
  assert.equal(b.frames.length, 1, 'one frame asked for');
  b.nextFrame();
  assert.deepEqual(b.paints, [['inbox', 'messages', 'typing']]);
});

test('after a paint the next event asks for a frame again', () => {
  const b = fakeBrowser();
  b.repaint('inbox');
  b.nextFrame();
  b.repaint('messages');
  b.nextFrame();
  assert.deepEqual(b.paints, [['inbox'], ['messages']]);
});

test('a hidden tab (no frames) still paints, by the timer, once', () => {
  const b = fakeBrowser();
  b.repaint('inbox');
  b.repaint('messages');
  assert.equal(b.timers.length, 1);
  b.timers[0].fn();
  assert.deepEqual(b.paints, [['inbox', 'messages']]);
});
