// The message list of the open chat, a window over it: at most WINDOW messages are in the DOM,
// either the newest (following the conversation as it grows) or, once scrolled up, the ones from
// view.from on. Scrolling near an end moves the window (reading older or newer pages: ../history.js);
// the message in view keeps its place on screen, so nothing jumps. A chat opened at a search
// result or a far quote shows a window of history away from its newest end (model/windows.js):
// scrolling down pages newer messages in until it meets the newest end, and only then is the chat
// read. A repaint gives the keyboard focus back to the control that had it (a tick arriving no
// longer drops it on the page). Each message is drawn by bubble.js.
import { $, el, clear, dayLabel } from '../ui.js';
import * as attachments from '../features/attachments.js';
import { state } from '../model/state.js';
import { windowOf, takeWindow, shownMessages, hasOlder } from '../model/windows.js';
import { STEP, loadOlder, loadNewer, loadNewest, loadAround } from '../history.js';
import { bubble, picker } from './bubble.js';
import { notice } from './common.js';

const WINDOW = 120; // messages in the DOM at most: only what is near the screen is rendered

/** What the list shows: the chat (id), from which seq (null: its newest end, followed), whether a page is on its way. */
export const view = { id: null, from: null, paging: false, toEnd: false };

/** The list came back to the newest end: an event on it, on which conversation.js marks the chat read. */
const reachedNewest = () => $('messages').dispatchEvent(new Event('reached-newest'));

export function renderMessages() {
  const box = $('messages');
  const c = state.conversations.get(state.current);
  if (!c) return;
  const opening = view.id !== c.id;
  if (opening) { view.id = c.id; view.from = null; }
  const list = shownMessages(c.id);
  const apart = !!windowOf(c.id); // a window away from the newest end: never followed
  if (apart && view.from == null && list.length) view.from = list[0].seq;
  const following = view.from == null;
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const anchor = following ? null : anchorOf(box);
  let from = following ? Math.max(0, list.length - WINDOW) : list.findIndex((m) => m.seq >= view.from);
  if (from < 0) from = Math.max(0, list.length - WINDOW);
  const to = Math.min(list.length, from + WINDOW);
  const atEnd = to === list.length && !apart;
  const focused = focusOf(box);
  clear(box);
  if (from > 0 || hasOlder(c.id)) {
    box.append(el('button', { class: 'link day', type: 'button', 'data-testid': 'earlier', onclick: () => pageUp(c.id) }, 'Earlier messages'));
  }
  const pending = atEnd ? (state.pending.get(c.id) || []).map((p) => ({ ...p, senderId: state.me.id, pending: true })) : [];
  appendMessages(box, c, [...list.slice(from, to), ...pending], from > 0 ? list[from - 1] : null);
  if (!atEnd) {
    box.append(el('button', { class: 'link day', type: 'button', onclick: () => jumpToLatest() }, 'Newer messages ↓'));
  }
  attachments.prune();
  if (focused) refocus(box, focused);
  if (anchor) restoreAnchor(box, anchor);
  else if (nearBottom || opening || view.toEnd) box.scrollTop = box.scrollHeight;
  view.toEnd = false;
}

/** The bubbles, with a line for each new day and, in a channel, the sender's name over each run of theirs. */
function appendMessages(box, c, messages, before) {
  let lastDay = before ? dayLabel(before.at) : null;
  let lastSender = before ? before.senderId : null;
  const hidden = new Set(c.hiddenSeqs || []); // deleted for me (on any of my devices)
  for (const m of messages) {
    if (m.seq != null && !m.pending && hidden.has(m.seq)) continue;
    const day = dayLabel(m.at);
    if (day !== lastDay) { box.append(el('div', { class: 'day', role: 'separator' }, day)); lastDay = day; lastSender = null; }
    if (c.kind === 'channel' && m.senderId !== state.me.id && m.senderId !== lastSender) {
      box.append(el('div', { class: 'sender' }, state.names.get(m.senderId) || 'Former member'));
    }
    box.append(bubble(c, m, m.senderId === lastSender));
    lastSender = m.senderId;
  }
}

/**
 * What has the keyboard focus in the list (a message's action, a chip), so that a repaint (a tick,
 * a reaction, a new message) gives it back rather than dropping it on the page: {message, label}.
 */
function focusOf(box) {
  const node = document.activeElement;
  if (!node || node === box || !box.contains(node)) return null;
  const m = node.closest('.message');
  const message = m ? `[data-seq="${m.dataset.seq}"]${m.dataset.clientMsgId ? `[data-client-msg-id="${m.dataset.clientMsgId}"]` : ''}` : null;
  return { message, self: node === m, label: node.getAttribute('aria-label'), text: node.textContent };
}

function refocus(box, { message, self, label, text }) {
  const scope = message ? box.querySelector(`.message${message}`) : box;
  if (!scope) return;
  const node = self ? scope : [...scope.querySelectorAll('button, a, [tabindex]')]
    .find((n) => n.getAttribute('aria-label') === label && n.textContent === text);
  if (node && node !== document.activeElement) node.focus({ preventScroll: true });
}

/** A picture that just loaded grew the list: stay at the newest end if we were following it. */
export function followBottom() {
  const box = $('messages');
  if (view.from == null && box.scrollHeight - box.scrollTop - box.clientHeight < 400) box.scrollTop = box.scrollHeight;
}

/** The first message on screen and how far it is from the top of the list's view. */
function anchorOf(box) {
  const top = box.getBoundingClientRect().top;
  for (const node of box.querySelectorAll('[data-seq]')) {
    const r = node.getBoundingClientRect();
    if (r.bottom > top && node.dataset.seq) return { seq: node.dataset.seq, offset: r.top - top };
  }
  return null;
}

function restoreAnchor(box, anchor) {
  const node = box.querySelector(`[data-seq="${anchor.seq}"]`);
  if (node) box.scrollTop += node.getBoundingClientRect().top - box.getBoundingClientRect().top - anchor.offset;
}

/** Moves the window up: older messages held in memory first, then from the device, then the server. */
async function pageUp(id) {
  if (view.paging) return;
  view.paging = true;
  try {
    let list = shownMessages(id);
    let from = view.from == null ? Math.max(0, list.length - WINDOW) : list.findIndex((m) => m.seq >= view.from);
    const first = list[from]?.seq;
    if (from < STEP && hasOlder(id)) {
      await loadOlder(id);
      list = shownMessages(id);
      from = list.findIndex((m) => m.seq >= first);
    }
    if (state.current !== id || from <= 0) return;
    view.from = list[Math.max(0, from - STEP)].seq;
    renderMessages();
  } finally {
    view.paging = false;
  }
}

/**
 * Moves the window down: in a window away from the newest end, newer pages are loaded first;
 * at the newest end the list follows the conversation again (and the chat is read).
 */
async function pageDown(id) {
  if (view.from == null || view.paging) return;
  view.paging = true;
  try {
    let list = shownMessages(id);
    let from = list.findIndex((m) => m.seq >= view.from);
    if (windowOf(id) && from + STEP + WINDOW >= list.length) {
      await loadNewer(id);
      if (state.current !== id || view.from == null) return;
      list = shownMessages(id);
      from = list.findIndex((m) => m.seq >= view.from);
    }
    const last = Math.max(0, list.length - WINDOW);
    const toNewest = !windowOf(id) && (from < 0 || from + STEP >= last);
    const box = $('messages');
    const anchor = anchorOf(box); // what is on screen stays in place as the window moves
    view.from = toNewest ? null : list[Math.min(Math.max(from, 0) + STEP, last)].seq;
    renderMessages();
    if (anchor) restoreAnchor(box, anchor);
    if (toNewest) reachedNewest();
  } finally {
    view.paging = false;
  }
}

/** Back to the newest end of the open chat: a window away from it is let go (its newest page loaded if need be). */
export function jumpToLatest() {
  const id = state.current;
  if (id && windowOf(id)) {
    takeWindow(id);
    if (!state.loaded.has(id)) {
      loadNewest(id).then(() => { if (state.current === id && view.from == null) toBottom(); }).catch((e) => console.warn('history failed', e));
    }
  }
  view.from = null;
  toBottom();
  reachedNewest();
}

function toBottom() {
  renderMessages();
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

let scrollFrame = 0;
$('messages').addEventListener('scroll', () => {
  if (scrollFrame) return;
  scrollFrame = requestAnimationFrame(() => {
    scrollFrame = 0;
    const box = $('messages');
    const id = state.current;
    if (!id) return;
    if (box.scrollTop < 400) pageUp(id);
    else if (box.scrollHeight - box.scrollTop - box.clientHeight < 400) pageDown(id);
  });
}, { passive: true });

// the picker floats where it was opened: scrolling the list away from that message closes it
['wheel', 'touchmove'].forEach((type) => $('messages').addEventListener(type, () => picker.close(false), { passive: true }));

// a tap on a bubble shows its actions (touch screens have no hover)
$('messages').addEventListener('click', (e) => {
  const node = e.target.closest('.message');
  if (!node || e.target.closest('button, a, audio, video, input, .voice') || !node.dataset.seq) return;
  const seq = Number(node.dataset.seq);
  const same = state.selected && state.selected.conversation === state.current && state.selected.seq === seq;
  $('messages').querySelectorAll('.message.selected').forEach((n) => n.classList.remove('selected'));
  state.selected = same ? null : { conversation: state.current, seq };
  if (!same) node.classList.add('selected');
});

/**
 * Shows a message of the open chat: it is loaded if need be (paged to, or a window around it), the
 * list moves to it, and it is scrolled to, focused and highlighted for a moment. Resolves whether
 * it could be shown; when not, {@code missing} is said under the chat.
 */
export async function jumpTo(id, seq, missing = 'The original message is not available.') {
  let there = false;
  try {
    there = await loadAround(id, seq);
  } catch (e) {
    console.warn('message unavailable', e);
  }
  if (state.current !== id) return false;
  if (!there) { notice(missing); return false; }
  if (view.id !== id) { view.id = id; view.from = null; }
  const list = shownMessages(id);
  const at = list.findIndex((m) => m.seq === seq);
  const newestWindow = !windowOf(id) && view.from == null && at >= list.length - WINDOW;
  if (!newestWindow) view.from = list[Math.max(0, at - 10)].seq;
  state.highlight = { conversation: id, seq };
  renderMessages();
  const node = $('messages').querySelector(`[data-seq="${seq}"]`);
  if (node) {
    node.scrollIntoView({ block: 'center' });
    node.focus({ preventScroll: true });
  }
  clearTimeout(jumpTo.timer);
  jumpTo.timer = setTimeout(() => {
    state.highlight = null;
    $('messages').querySelector('.message.highlight')?.classList.remove('highlight');
  }, 3000);
  return true;
}
