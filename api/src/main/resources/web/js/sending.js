// How a message in the outbox (model/outbox.js) goes to the server: its file uploaded first
// (features/attachments.js), then sent over the socket, or over REST when the socket is down,
// always with its clientMsgId, so a crash or a retry at any point never sends it twice.
import { ApiError, api, refusedForGood } from './net/api.js';
import * as attachments from './features/attachments.js';
import { state, socketOpen } from './model/state.js';
import { AGAIN, addPending, enqueue, findPending, outboxEntry, queuedInOrder, removePending, FINAL_UPLOAD_CODES } from './model/outbox.js';
import { onMessage } from './events.js';
import { renderMessages, view, jumpToLatest } from './views/messages.js';
import { takeReply } from './views/composer.js';

/**
 * Puts a message in the outbox (on the device first: it survives a reload, a closed tab, a crash,
 * and so does the file or recording it carries) and sends it in its turn. upload: the attachment
 * still to upload, {blob, name, size, contentType, voice, id, view}.
 */
export function queueMessage(id, text, upload) {
  const p = addPending(id, text, upload, takeReply(id));
  // Kept on the device and sent at once, side by side: the outbox's write is queued before any later
  // delete of the same entry (IndexedDB runs them in the order made), and the server keeps a send by
  // its clientMsgId, so a crash at any point either has it sent or has it queued to send again. The
  // frame leaves before the repaint: the bubble shows in the same frame either way.
  keep(p);
  enqueue(id, p, deliver);
  view.toEnd = true;
  if (view.from != null) jumpToLatest(); else renderMessages();
}

/** Writes the message's outbox entry on the device (at once: IndexedDB keeps the order of writes). */
const keep = (p) => (state.store ? state.store.put('outbox', [outboxEntry(p)]) : Promise.resolve());
const forget = (p) => { if (state.store) state.store.delete('outbox', p.clientMsgId); };

const uploadHooks = {
  persist: (p) => (p.cancelled ? Promise.resolve() : keep(p)),
  progress: (p, fraction) => { p.progress = fraction; attachments.setProgress(p.clientMsgId, fraction); },
};

const repaintIfOpen = (id) => { if (id === state.current) renderMessages(); };

async function deliver(id, p) {
  if (p.cancelled) return;
  if (p.status !== 'sending') { // a retry: show that it is on its way again
    p.status = 'sending';
    repaintIfOpen(id);
  }
  if (p.upload && !(p.upload.view && p.upload.view.complete) && !(await uploaded(id, p))) return;
  if (!socketOpen() && navigator.onLine === false) return; // queued: sent on reconnect
  let retry = false;
  try {
    onMessage(await send(id, p));
    forget(p);
  } catch (e) {
    if (refusedForGood(e)) {
      // the server refused it for good (e.g. no longer a member): show it, offer a retry, stop retrying
      p.status = 'failed';
      p.error = e.message;
      forget(p);
    } else if (!e.code) {
      // the socket went away under it (a node lost, the network gone): still queued, and tried
      // again in its place (AGAIN) with the same id, so it can never arrive twice: over a new socket
      // or REST while none is open, before anything typed after it (which would otherwise go by
      // REST first and overtake it); offline, it waits for the network (above)
      p.status = 'sending';
      retry = true;
    } else {
      p.status = 'failed'; // the server is busy: Retry is offered, and the next welcome retries too
    }
    repaintIfOpen(id);
  }
  return retry ? AGAIN : undefined;
}

/** The message's file, uploaded (retried with backoff until done); false when refused for good or cancelled. */
async function uploaded(id, p) {
  try {
    await attachments.upload(p, uploadHooks);
    return true;
  } catch (e) {
    if (e.code === 'cancelled' || p.cancelled) return false;
    p.status = 'failed';
    p.error = uploadError(e);
    // too large, or not what it says it is: sending it again cannot help (Discard stays)
    p.final = FINAL_UPLOAD_CODES.includes(e.code);
    forget(p);
    repaintIfOpen(id);
    return false;
  }
}

/** One attempt: over the socket when it is open, else REST; the server's message. */
async function send(id, p) {
  const extra = {};
  if (p.upload) extra.attachment = p.upload.view.id;
  if (p.replyTo) extra.replyTo = p.replyTo.seq;
  if (socketOpen()) {
    const ack = await state.socket.request({ type: 'send', conversation: id, clientMsgId: p.clientMsgId,
      ...(p.text || !p.upload ? { text: p.text } : {}), ...extra });
    return ack.result;
  }
  return api.send(id, p.clientMsgId, p.text, extra); // same clientMsgId: a retry never duplicates
}

/** Why an upload was refused, in words. */
function uploadError(e) {
  if (e.code === 'attachment_too_large' || e.code === 'payload_too_large') return `Not sent: ${e.message}`;
  if (e.code === 'unsupported_media_type') return 'Not sent: the file is not what its type says.';
  return e instanceof ApiError ? `Not sent: ${e.message}` : 'Not sent.';
}

export function retry(id, clientMsgId) {
  const p = findPending(id, clientMsgId);
  if (!p) return;
  p.error = null;
  keep(p);
  enqueue(id, p, deliver);
}

/** Drops a queued message (and stops its upload): a failed one, or one still uploading. */
export function discard(id, clientMsgId) {
  const p = removePending(id, clientMsgId);
  if (!p) return;
  forget(p);
  renderMessages();
}

/** After (re)connecting, every queued or transiently failed send goes, in the order typed (same ids: no duplicates). */
export function flushOutbox() {
  queuedInOrder().forEach(([id, p]) => enqueue(id, p, deliver));
}
