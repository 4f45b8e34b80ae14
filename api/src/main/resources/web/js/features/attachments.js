// Attachments: the resumable chunked upload of a queued message's file, and how an attachment
// looks in a bubble — an image's thumbnail (opened full size in the viewer), a voice message's
// player, a video or audio player, or a file's name, type and size with its download link.
// File names are user content: only ever text, never markup.
import { api, ApiError, attachmentUrl, putChunk } from '../net/api.js';
import { el, svg, formatSize } from '../ui.js';
import { voicePlayer, waveformBars, clock } from './voice.js';

const FILE_ICON = 'M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm0 1.5L18.5 8H14zM8 13h8v1.5H8zm0 3.5h8V18H8z';
const DOWNLOAD_ICON = 'M5 20h14v-2H5zm7-3l5-5-1.4-1.4-2.6 2.6V4h-2v9.2l-2.6-2.6L7 12z';
const MAX_BACKOFF_MS = 30_000;

// ------------------------------------------------------------------ upload
const running = new Map(); // clientMsgId -> promise of the completed upload view

/** Codes after which trying again cannot help: the message fails (the user may retry or discard it). */
const PERMANENT = new Set(['attachment_too_large', 'validation_failed', 'unsupported_media_type', 'conversation_not_found',
  'payload_too_large', 'forbidden', 'unauthenticated', 'account_disabled']);

/**
 * Uploads the file of a queued message {@code p} (p.upload: {blob, name, size, contentType, voice,
 * id, view}) and resolves with the completed upload view. Chunks already on the server are not sent
 * again: after a failure, or after a reload (p.upload.id kept in the outbox), it asks the server
 * what it holds and sends the rest. Network failures and busy answers are retried with backoff,
 * at once when the browser comes back online; it rejects only when the server refused the file
 * for good, or the message was discarded (code "cancelled").
 * hooks: {persist(p) — write the outbox entry, progress(p, fraction)}.
 */
export function upload(p, hooks) {
  if (p.upload.view && p.upload.view.complete) return Promise.resolve(p.upload.view);
  if (!running.has(p.clientMsgId)) {
    running.set(p.clientMsgId, run(p, hooks).finally(() => running.delete(p.clientMsgId)));
  }
  return running.get(p.clientMsgId);
}

async function run(p, hooks) {
  const u = p.upload;
  let failures = 0;
  let restarts = 0;
  for (;;) {
    if (p.cancelled) throw Object.assign(new Error('Cancelled.'), { code: 'cancelled' });
    try {
      let view;
      if (!u.id) {
        view = await api.startUpload({
          conversation: p.conversation, name: u.name, size: u.size,
          contentType: u.contentType || 'application/octet-stream', ...(u.voice ? { voice: u.voice } : {}),
        });
        u.id = view.id;
        await hooks.persist(p); // a reload resumes this upload instead of starting another
      } else {
        view = await api.upload(u.id); // what the server already holds
      }
      if (!view.complete) {
        const held = new Set(view.received || []);
        const size = view.chunkSize;
        let done = 0;
        for (const i of held) done += Math.min(size, u.size - i * size);
        hooks.progress(p, done / u.size);
        for (let i = 0; i < view.chunks; i++) {
          if (held.has(i)) continue;
          if (p.cancelled) throw Object.assign(new Error('Cancelled.'), { code: 'cancelled' });
          const start = i * size;
          const end = Math.min(u.size, start + size);
          const base = done;
          await putChunk(u.id, i, u.blob.slice(start, end), (sent) => hooks.progress(p, (base + sent) / u.size));
          done += end - start;
          failures = 0;
          hooks.progress(p, done / u.size);
        }
        view = await api.completeUpload(u.id);
      }
      u.view = view;
      await hooks.persist(p);
      hooks.progress(p, 1);
      return view;
    } catch (e) {
      if (e.code === 'cancelled') throw e;
      if (e instanceof ApiError) {
        if (e.code === 'attachment_not_found' && restarts < 3) { // the server no longer has it: start again
          restarts++;
          u.id = null;
          u.view = null;
          continue;
        }
        if (e.code === 'unsupported_media_type') { u.id = null; u.view = null; } // discarded by the server
        if (PERMANENT.has(e.code) || (e.status >= 400 && e.status < 500 && ![408, 409, 425, 429].includes(e.status))) throw e;
      }
      failures++;
      await backoff(failures, e.retryAfter);
    }
  }
}

/** Waits before the next attempt: capped exponential with jitter, cut short by the network coming back. */
function backoff(attempt, retryAfterSeconds) {
  const wait = retryAfterSeconds ? retryAfterSeconds * 1000
    : Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); removeEventListener('online', done); resolve(); };
    const timer = setTimeout(done, navigator.onLine === false ? MAX_BACKOFF_MS : wait);
    addEventListener('online', done);
  });
}

// ------------------------------------------------------------------ how attachments look
const views = new Map();   // attachment id -> its node, reused across repaints (a playing voice message keeps playing)
const pending = new Map(); // clientMsgId -> {node, url, bar, percent}: a queued message's preview and progress

/** A short description in words: in the inbox preview, a reply's quote and notifications. */
export function describe(a) {
  if (!a) return '';
  switch (a.kind) {
    case 'image': return 'Photo';
    case 'voice': return `Voice message${a.durationMs ? ' (' + clock(a.durationMs) + ')' : ''}`;
    case 'video': return 'Video';
    default: return a.name || 'File';
  }
}

/** "PDF", "PNG image", "Text" … from the (sniffed) content type, else the name's extension. */
export function typeLabel(a) {
  const type = String(a.contentType || '').split(';')[0].toLowerCase();
  const known = { 'application/pdf': 'PDF', 'text/plain': 'Text', 'application/zip': 'ZIP archive',
    'application/json': 'JSON', 'text/csv': 'CSV', 'application/octet-stream': '' };
  if (type in known && known[type]) return known[type];
  const [major, minor] = type.split('/');
  if (['image', 'audio', 'video'].includes(major) && minor) return `${minor.replace(/^x-/, '').toUpperCase()} ${major}`;
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(a.name || '');
  return ext ? ext[1].toUpperCase() : 'File';
}

/** The size an image is shown at in a bubble: its own proportions, within 260 × 260 CSS pixels. */
function fit(width, height, box = 260) {
  if (!width || !height) return { width: box, height: Math.round(box * 0.75) };
  const scale = Math.min(1, box / Math.max(width, height));
  return { width: Math.max(40, Math.round(width * scale)), height: Math.max(40, Math.round(height * scale)) };
}

function fileCard(a, extra = null) {
  return el('a', {
    class: 'file-card', href: attachmentUrl.download(a.id), download: a.name, 'data-testid': 'attachment-file',
    title: `Download ${a.name}`,
  },
  el('span', { class: 'file-icon' }, svg(FILE_ICON, 26)),
  el('span', { class: 'file-meta' },
    el('span', { class: 'file-name', 'data-testid': 'attachment-name' }, a.name),
    el('span', { class: 'file-info', 'data-testid': 'attachment-size' }, [typeLabel(a), formatSize(a.size)].filter(Boolean).join(' · '))),
  extra || el('span', { class: 'file-download' }, svg(DOWNLOAD_ICON, 20)));
}

/** The node showing a sent attachment; the same node while it stays rendered. */
export function attachmentView(a, { openImage }) {
  const known = views.get(a.id);
  if (known) return known;
  let node;
  if (a.kind === 'image' && a.thumbnail) {
    const size = fit(a.width, a.height);
    const img = el('img', {
      src: attachmentUrl.thumbnail(a.id), alt: a.name, width: size.width, height: size.height,
      loading: 'lazy', decoding: 'async', 'data-testid': 'attachment-image',
    });
    node = el('button', {
      type: 'button', class: 'attachment-image', 'aria-label': `Open image ${a.name}`,
      onclick: () => openImage(a),
    }, img);
  } else if (a.kind === 'voice') {
    node = voicePlayer({ src: attachmentUrl.content(a.id), durationMs: a.durationMs, waveform: a.waveform });
  } else if (a.kind === 'video') {
    const size = fit(a.width, a.height, 320);
    node = el('div', { class: 'attachment-media' },
      el('video', { controls: true, preload: 'metadata', src: attachmentUrl.content(a.id), width: size.width, height: size.height,
        'aria-label': a.name }),
      fileCard(a));
  } else if (a.kind === 'audio') {
    node = el('div', { class: 'attachment-media' },
      el('audio', { controls: true, preload: 'metadata', src: attachmentUrl.content(a.id), 'aria-label': a.name }),
      fileCard(a));
  } else {
    node = fileCard(a);
  }
  node.classList.add('attachment');
  views.set(a.id, node);
  return node;
}

/** The node of a queued message's attachment: a local preview and the upload's progress. */
export function pendingView(p, { onImageLoad }) {
  let entry = pending.get(p.clientMsgId);
  if (!entry) {
    const u = p.upload;
    const label = u.voice ? 'voice message' : u.name;
    const bar = el('progress', { class: 'upload-progress', max: '100', value: '0', 'data-testid': 'upload-progress',
      'aria-label': `Uploading ${label}` });
    const percent = el('span', { class: 'upload-percent' }, '0%');
    const status = el('span', { class: 'upload-status' }, bar, percent);
    let node;
    let url = null;
    const card = () => el('div', { class: 'file-card' },
      el('span', { class: 'file-icon' }, svg(FILE_ICON, 26)),
      el('span', { class: 'file-meta' },
        el('span', { class: 'file-name' }, u.name),
        el('span', { class: 'file-info' }, [typeLabel({ contentType: u.contentType, name: u.name }), formatSize(u.size)].filter(Boolean).join(' · ')),
        status));
    if (u.voice) {
      node = el('div', { class: 'voice pending-voice' },
        el('span', { class: 'voice-play', 'aria-hidden': 'true' }, svg('M8 5v14l11-7z', 18)),
        el('span', { class: 'voice-track' }, waveformBars(u.voice.waveform)),
        el('span', { class: 'voice-time' }, clock(u.voice.durationMs)), status);
    } else if (/^image\//.test(u.contentType || '') && u.blob) {
      url = URL.createObjectURL(u.blob);
      const img = el('img', { src: url, alt: u.name, class: 'local-preview' });
      img.addEventListener('load', () => onImageLoad && onImageLoad());
      node = el('div', { class: 'attachment-image pending-image' }, img, status);
      // not a picture this browser can show: its name and size instead
      img.addEventListener('error', () => {
        const replacement = card();
        replacement.classList.add('attachment', 'pending-attachment');
        node.replaceWith(replacement);
        const entry = pending.get(p.clientMsgId);
        if (entry && entry.node === node) entry.node = replacement;
      });
    } else {
      node = card();
    }
    node.classList.add('attachment', 'pending-attachment');
    entry = { node, url, bar, percent };
    pending.set(p.clientMsgId, entry);
  }
  showProgress(entry, p.progress || 0);
  return entry.node;
}

function showProgress(entry, fraction) {
  const pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
  entry.bar.value = pct;
  entry.percent.textContent = `${pct}%`;
  entry.node.classList.toggle('uploaded', pct >= 100);
}

/** Moves a queued message's progress bar, without repainting the conversation. */
export function setProgress(clientMsgId, fraction) {
  const entry = pending.get(clientMsgId);
  if (entry) showProgress(entry, fraction);
}

/** Forgets the nodes no longer on screen (and the local previews' object URLs). */
export function prune() {
  for (const [id, node] of views) if (!node.isConnected) views.delete(id);
  for (const [id, entry] of pending) {
    if (!entry.node.isConnected) {
      if (entry.url) URL.revokeObjectURL(entry.url);
      pending.delete(id);
    }
  }
}

// ------------------------------------------------------------------ the image viewer
/** Opens an image full size in the viewer dialog, with its name and a download link. */
export function openViewer(a) {
  const dialog = document.getElementById('viewer');
  const img = document.getElementById('viewer-image');
  document.getElementById('viewer-title').textContent = a.name;
  document.getElementById('viewer-info').textContent = [a.width && a.height ? `${a.width} × ${a.height}` : '', formatSize(a.size)]
    .filter(Boolean).join(' · ');
  const link = document.getElementById('viewer-download');
  link.href = attachmentUrl.download(a.id);
  link.setAttribute('download', a.name);
  img.alt = a.name;
  img.src = attachmentUrl.content(a.id);
  if (!dialog.open) dialog.showModal();
}

export function initViewer() {
  const dialog = document.getElementById('viewer');
  dialog.addEventListener('close', () => { document.getElementById('viewer-image').removeAttribute('src'); });
  // a click on the backdrop (outside the picture and the bar) closes it
  dialog.addEventListener('click', (e) => { if (e.target === dialog || e.target.classList.contains('viewer-stage')) dialog.close(); });
}
