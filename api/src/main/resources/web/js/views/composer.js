// The composer under the open chat: the message field (drafts kept on the device, typing
// indicators), sending (into the outbox: ../sending.js), replying, editing, and a file picked,
// pasted or dropped, staged above the field until sent. Voice recording is recorder.js.
import { $, el, clear, svg, formatSize } from '../ui.js';
import { api } from '../net/api.js';
import * as attachments from '../features/attachments.js';
import { state } from '../model/state.js';
import { drafts } from '../model/device.js';
import { onMessageChanged } from '../events.js';
import { queueMessage } from '../sending.js';
import { userName, previewOf, alertError, notice } from './common.js';
import { closeMenu } from './menu.js';

const ATTACH_LIMIT = 25 * 1024 * 1024; // the server's default limit; it has the last word

export const input = $('message-input');

// ------------------------------------------------------------------ typing and drafts
let lastTypingSent = 0;
let typingStopTimer = null;

input.addEventListener('input', () => {
  drafts.set(state.current, input.value);
  input.style.height = 'auto';
  input.style.height = Math.min(input.scrollHeight, 144) + 'px';
  if (!state.current || !state.socket || state.editing) return;
  const now = Date.now();
  if (now - lastTypingSent > 3000) {
    lastTypingSent = now;
    state.socket.send({ type: 'typing', id: 't' + now, conversation: state.current, state: 'start' });
  }
  clearTimeout(typingStopTimer);
  typingStopTimer = setTimeout(stopTyping, 4000);
});
function stopTyping() {
  if (lastTypingSent && state.current && state.socket) {
    state.socket.send({ type: 'typing', id: 's' + Date.now(), conversation: state.current, state: 'stop' });
  }
  lastTypingSent = 0;
}
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('composer').requestSubmit(); }
  if (e.key === 'Escape') { cancelEdit(); cancelReply(); closeMenu(); }
});

// ------------------------------------------------------------------ sending
$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  const file = state.staged;
  if ((!text && !file) || !state.current) return;
  askForNotifications();
  const id = state.current;
  input.value = '';
  input.style.height = 'auto';
  drafts.delete(id);
  clearTimeout(typingStopTimer);
  if (state.editing != null) {
    stopTyping();
    const seq = state.editing;
    cancelEdit();
    api.edit(id, seq, text).then(onMessageChanged).catch(alertError);
    return;
  }
  clearStaged();
  lastTypingSent = 0; // the message itself ends "typing" for the others: no stop frame ahead of it
  queueMessage(id, text, file ? {
    blob: file, name: file.name || 'file', size: file.size, contentType: file.type || 'application/octet-stream',
    voice: null, id: null, view: null,
  } : null);
});

/** Asked once, on a gesture of the user's (sending), never on page load. */
function askForNotifications() {
  if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {});
}

// ------------------------------------------------------------------ replies
export function startReply(c, m) {
  cancelEdit();
  state.replyTo = { conversation: c.id, quote: {
    seq: m.seq, senderId: m.senderId, text: (m.text || '').slice(0, 200), deleted: false,
    attachment: m.attachment ? { kind: m.attachment.kind, name: m.attachment.name, durationMs: m.attachment.durationMs } : null,
  } };
  $('replying-name').textContent = userName(c, m.senderId) === 'You' ? 'yourself' : userName(c, m.senderId);
  $('replying-text').textContent = previewOf(m);
  $('replying').hidden = false;
  input.focus();
}
export function cancelReply() {
  state.replyTo = null;
  $('replying').hidden = true;
}
$('cancel-reply').addEventListener('click', () => { cancelReply(); input.focus(); });

/** The quote of the message being replied to in this chat (then the reply is no longer pending), or null. */
export function takeReply(id) {
  const reply = state.replyTo && state.replyTo.conversation === id ? state.replyTo.quote : null;
  cancelReply();
  return reply;
}

// ------------------------------------------------------------------ editing
export function startEdit(m) {
  cancelReply();
  clearStaged();
  state.editing = m.seq;
  $('editing').hidden = false;
  input.value = m.text;
  input.focus();
}
export function cancelEdit() {
  if (state.editing == null) return;
  state.editing = null;
  $('editing').hidden = true;
  input.value = '';
}
$('cancel-edit').addEventListener('click', cancelEdit);

// ------------------------------------------------------------------ a file staged for the next message
/** A file picked, pasted or dropped: shown above the message field until sent or removed. */
function stage(file) {
  if (!file || !state.current) return;
  if (file.size === 0) { notice(`${file.name || 'The file'} is empty: nothing to send.`); return; }
  cancelEdit();
  clearStaged();
  state.staged = file;
  const box = $('staged');
  const isImage = /^image\//.test(file.type);
  let url = null;
  if (isImage) url = URL.createObjectURL(file);
  box.dataset.url = url || '';
  box.append(
    isImage ? el('img', { src: url, alt: '', class: 'staged-thumb' }) : el('span', { class: 'file-icon' }, svg('M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm0 1.5L18.5 8H14z', 24)),
    el('span', { class: 'file-meta' },
      el('span', { class: 'file-name' }, file.name || 'file'),
      el('span', { class: 'file-info' }, [attachments.typeLabel({ contentType: file.type, name: file.name }), formatSize(file.size)].filter(Boolean).join(' · ')
        + (file.size > ATTACH_LIMIT ? ' — may be too large to send' : ''))),
    el('button', { type: 'button', class: 'icon', 'aria-label': `Remove ${file.name || 'file'}`, title: 'Remove', onclick: () => { clearStaged(); input.focus(); } },
      svg('M19 6.4L17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z', 18)));
  box.hidden = false;
  input.placeholder = 'Add a caption';
  input.focus();
}

export function clearStaged() {
  const box = $('staged');
  if (box.dataset.url) URL.revokeObjectURL(box.dataset.url);
  box.dataset.url = '';
  clear(box);
  box.hidden = true;
  state.staged = null;
  input.placeholder = 'Message';
}

$('attach').addEventListener('click', () => $('attach-input').click());
$('attach-input').addEventListener('change', (e) => {
  const file = e.target.files && e.target.files[0];
  e.target.value = '';
  stage(file);
});
input.addEventListener('paste', (e) => {
  const file = [...(e.clipboardData?.files || [])][0];
  if (file) { e.preventDefault(); stage(file); }
});
$('conversation-view').addEventListener('dragover', (e) => {
  if ([...(e.dataTransfer?.types || [])].includes('Files')) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; }
});
$('conversation-view').addEventListener('drop', (e) => {
  const file = [...(e.dataTransfer?.files || [])][0];
  if (file) { e.preventDefault(); stage(file); }
});
