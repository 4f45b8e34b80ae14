// Repainting, once a frame. Live events only say what changed (repaint('inbox', 'messages')). The
// first event after a quiet spell is painted at once, in a microtask (a message that arrives alone
// shows without waiting for a frame); while events keep coming, the page is repainted at the next
// frame however many came (a burst of 400 messages costs a few paints, not 400). A hidden tab gets
// no frames, so a timer stands in. What the user does repaints at once, without this.

export const QUIET_MS = 100;

/**
 * A repaint scheduler. paint(parts) draws the parts named since the last paint.
 * env: the browser's clocks by default; tests give their own.
 */
export function createRepaint(paint, env = {}) {
  const now = env.now || (() => performance.now());
  const frame = env.frame || ((fn) => requestAnimationFrame(fn));
  const cancelFrame = env.cancelFrame || ((id) => cancelAnimationFrame(id));
  const later = env.later || ((fn, ms) => setTimeout(fn, ms));
  const cancelLater = env.cancelLater || ((id) => clearTimeout(id));
  const soon = env.soon || ((fn) => queueMicrotask(fn));
  const dirty = new Set();
  let paintFrame = 0;
  let paintTimer = 0;
  let paintSoon = false;
  let lastPaint = -Infinity;

  function paintNow() {
    cancelFrame(paintFrame);
    cancelLater(paintTimer);
    paintFrame = 0;
    paintTimer = 0;
    paintSoon = false;
    lastPaint = now();
    const parts = new Set(dirty);
    dirty.clear();
    paint(parts);
  }

  return function repaint(...parts) {
    parts.forEach((part) => part && dirty.add(part));
    if (paintFrame || paintTimer || paintSoon) return;
    if (now() - lastPaint > QUIET_MS) {
      paintSoon = true;
      soon(paintNow); // after this event's handler, before the next task
      return;
    }
    paintFrame = frame(paintNow);
    paintTimer = later(paintNow, 100);
  };
}
