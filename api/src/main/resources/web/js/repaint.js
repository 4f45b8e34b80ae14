// Repainting, once a frame. Live events only say what changed (repaint('inbox', 'messages')); the
// page is repainted at the next frame however many came (a burst of 400 messages costs a few
// paints, not 400). A hidden tab gets no frames, so a timer stands in. What the user does
// repaints at once, without this. (Painting a lone event at once, in a microtask, was tried for
// issue 15 and taken back: OfflineIT's reloads showed stale pages under load in CI.)

/**
 * A repaint scheduler. paint(parts) draws the parts named since the last paint.
 * env: the browser's clocks by default; tests give their own.
 */
export function createRepaint(paint, env = {}) {
  const frame = env.frame || ((fn) => requestAnimationFrame(fn));
  const cancelFrame = env.cancelFrame || ((id) => cancelAnimationFrame(id));
  const later = env.later || ((fn, ms) => setTimeout(fn, ms));
  const cancelLater = env.cancelLater || ((id) => clearTimeout(id));
  const dirty = new Set();
  let paintFrame = 0;
  let paintTimer = 0;

  function paintNow() {
    cancelFrame(paintFrame);
    cancelLater(paintTimer);
    paintFrame = 0;
    paintTimer = 0;
    const parts = new Set(dirty);
    dirty.clear();
    paint(parts);
  }

  return function repaint(...parts) {
    parts.forEach((part) => part && dirty.add(part));
    if (paintFrame || paintTimer) return;
    paintFrame = frame(paintNow);
    paintTimer = later(paintNow, 100);
  };
}
