// The outbox: messages typed but not yet accepted by the server. Each gets its clientMsgId once,
// when typed, and keeps it through every retry (the server keeps a send by it, so a retry never
// duplicates); it is kept on the device (IndexedDB) until the server has it, and sent in the
// order typed, one chain per conversation (a long upload holds back only its own chat).
// How one is sent (socket, else REST; its upload first) is ../sending.js.
import { state, nextOrder } from './state.js';

/** Refusals of a file that sending it again cannot help (Discard stays). */
export const FINAL_UPLOAD_CODES = ['attachment_too_large', 'payload_too_large', 'unsupported_media_type', 'validation_failed'];

/**
 * A new message in the outbox of conversation {@code id}, shown at once with a clock.
 * upload: the attachment still to upload, {blob, name, size, contentType, voice, id, view}.
 */
export function addPending(id, text, upload, replyTo = null, now = new Date()) {
  const p = { clientMsgId: crypto.randomUUID(), conversation: id, text, status: 'sending',
    at: now.toISOString(), order: nextOrder(now.getTime()), replyTo, upload, progress: 0 };
  if (!state.pending.has(id)) state.pending.set(id, []);
  state.pending.get(id).push(p);
  return p;
}

/** What the device keeps of a queued message (no progress, no status: it is sending until the server has it). */
export function outboxEntry(p) {
  return {
    clientMsgId: p.clientMsgId, conversation: p.conversation, text: p.text, at: p.at, order: p.order,
    replyTo: p.replyTo || null,
    upload: p.upload ? { blob: p.upload.blob, name: p.upload.name, size: p.upload.size, contentType: p.upload.contentType,
      voice: p.upload.voice || null, id: p.upload.id || null, view: p.upload.view || null } : null,
  };
}

/** The entries read from the device at start join those in memory (each clientMsgId once), as sending. */
export function restore(entries) {
  for (const p of entries) {
    if (!state.pending.has(p.conversation)) state.pending.set(p.conversation, []);
    if (!state.pending.get(p.conversation).some((x) => x.clientMsgId === p.clientMsgId)) {
      state.pending.get(p.conversation).push({ ...p, status: 'sending' });
    }
  }
}

export function findPending(id, clientMsgId) {
  return (state.pending.get(id) || []).find((x) => x.clientMsgId === clientMsgId) || null;
}

/** Takes a message out of the outbox (discarded): its upload stops. Returns it, or null. */
export function removePending(id, clientMsgId) {
  const list = state.pending.get(id) || [];
  const i = list.findIndex((x) => x.clientMsgId === clientMsgId);
  if (i < 0) return null;
  const [p] = list.splice(i, 1);
  p.cancelled = true;
  return p;
}

/** The server has my message (its answer, or the event of it): it leaves the outbox. */
export function settle(m) {
  const pend = state.pending.get(m.conversation);
  if (!pend) return;
  const i = pend.findIndex((p) => p.clientMsgId === m.clientMsgId);
  if (i >= 0) pend.splice(i, 1);
}

/** Every queued or transiently failed send, in the order typed across all chats (refused ones wait for Retry). */
export function queuedInOrder() {
  const queued = [];
  for (const [id, list] of state.pending) for (const p of list) if (!p.error) queued.push([id, p]);
  return queued.sort((a, b) => (a[1].order || 0) - (b[1].order || 0));
}

/** What a delivery answers when its message is to be tried again in its place, after {@link RETRY_MS}. */
export const AGAIN = 'again';
export const RETRY_MS = 2000;

/**
 * Sends in the order typed, per conversation: each send waits for the previous one (and its
 * upload). A message already on its way is not queued twice. A delivery that answers AGAIN (its
 * socket went away under it) is tried again before the next one goes, so a message typed later
 * never overtakes it.
 */
export function enqueue(id, p, deliver, pause = (ms) => new Promise((resume) => setTimeout(resume, ms))) {
  if (p.inFlight) return;
  p.inFlight = true;
  const attempt = async () => {
    while ((await deliver(id, p)) === AGAIN && !p.cancelled) await pause(RETRY_MS);
  };
  const run = () => attempt().finally(() => { p.inFlight = false; });
  const before = state.sendChains.get(id);
  const chain = before ? before.then(run, run) : run(); // nothing ahead of it: it goes now, not a tick later
  state.sendChains.set(id, chain);
  const done = () => { if (state.sendChains.get(id) === chain) state.sendChains.delete(id); };
  chain.then(done, done);
}

/** Stops every upload in the outbox (signing out). */
export function cancelAll() {
  for (const list of state.pending.values()) list.forEach((p) => { p.cancelled = true; });
}
