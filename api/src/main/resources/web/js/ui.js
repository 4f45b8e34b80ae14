// Small DOM helpers. Text is always set with text nodes: user content can never become markup.

/** The element with this id (every page's fixed parts have ids). */
export const $ = (id) => document.getElementById(id);

/** el('div', {class: 'x', onclick: fn}, 'text', child…) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c == null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  return (parts.length > 1 ? parts[0][0] + parts[1][0] : (parts[0] || '?').slice(0, 2)).toUpperCase();
}

/** A stable hue per user id, for avatars. */
export function hue(id) {
  let h = 0;
  for (const ch of String(id)) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return String(h);
}

const sameDay = (a, b) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

export function dayLabel(iso) {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(today); yesterday.setDate(today.getDate() - 1);
  if (sameDay(d, today)) return 'Today';
  if (sameDay(d, yesterday)) return 'Yesterday';
  return d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: d.getFullYear() === today.getFullYear() ? undefined : 'numeric' });
}

export function timeLabel(iso) {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function lastSeenLabel(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const day = dayLabel(iso);
  return `last seen ${day === 'Today' ? 'today' : day === 'Yesterday' ? 'yesterday' : day} at ${timeLabel(iso)}`;
}

const SVG = 'http://www.w3.org/2000/svg';
function icon(paths, label, cls, stroked = false) {
  const s = document.createElementNS(SVG, 'svg');
  s.setAttribute('viewBox', '0 0 24 24'); s.setAttribute('width', '16'); s.setAttribute('height', '16');
  s.setAttribute('aria-hidden', 'true');
  for (const d of paths) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    if (stroked) p.setAttribute('class', 'stroke'); else p.setAttribute('fill', 'currentColor');
    s.append(p);
  }
  const span = el('span', { class: 'tick ' + cls, title: label, role: 'img', 'aria-label': label });
  span.append(s);
  return span;
}
const CHECK = ['M4 12.5l5 5L20 6.5'];
const CHECK2 = ['M1.5 12.5l5 5L17 7', 'M11 16.5l1 1L22.5 7'];
const CLOCK = 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z';
const ALERT = 'M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z';

/** The status mark of one of my messages: sending (clock), sent (✓), delivered (✓✓), read (blue ✓✓), failed. */
export function tick(status) {
  switch (status) {
    case 'sending': return icon([CLOCK], 'Sending', 'sending');
    case 'failed': return icon([ALERT], 'Not sent', 'failed');
    case 'delivered': return icon(CHECK2, 'Delivered', 'delivered', true);
    case 'read': return icon(CHECK2, 'Read', 'read', true);
    default: return icon(CHECK, 'Sent', 'sent', true);
  }
}

/** A decorative icon (aria-hidden) from one or more SVG path strings, for buttons that carry their own label. */
export function svg(paths, size = 20) {
  const s = document.createElementNS(SVG, 'svg');
  s.setAttribute('viewBox', '0 0 24 24'); s.setAttribute('width', String(size)); s.setAttribute('height', String(size));
  s.setAttribute('aria-hidden', 'true');
  for (const d of [].concat(paths)) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    p.setAttribute('fill', 'currentColor');
    s.append(p);
  }
  return s;
}

/** 1.2 MB, 340 KB, 12 B */
export function formatSize(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/**
 * The app's own question dialog, instead of the browser's prompt() and confirm(): a modal <dialog>
 * (focus moves into it and comes back after; Escape or Cancel answers null; Enter takes the first
 * action). actions: [{label, value, danger}]; with input ({label, value, maxlength}) the answer is
 * {action, value}, without it the chosen action's value.
 */
export function ask({ title, message = '', input = null, actions = [{ label: 'OK', value: true }], cancelLabel = 'Cancel' }) {
  return new Promise((resolve) => {
    const back = document.activeElement;
    let answer = null;
    const field = input ? el('input', { id: 'ask-input', maxlength: String(input.maxlength || 64), autocomplete: 'off' }) : null;
    if (field) field.value = input.value || '';
    const buttons = actions.map((a) => el('button', { type: 'submit', value: String(a.value), class: a.danger ? 'primary danger' : 'primary' }, a.label));
    const form = el('form', { method: 'dialog' },
      el('h2', { id: 'ask-title' }, title),
      message ? el('p', { id: 'ask-message', class: 'muted' }, message) : null,
      field ? el('label', { for: 'ask-input' }, input.label) : null,
      field,
      el('div', { class: 'dialog-buttons ask-buttons' },
        el('button', { type: 'button', class: 'link', onclick: () => dialog.close() }, cancelLabel), ...buttons));
    const dialog = el('dialog', { class: 'profile ask', 'data-testid': 'ask', 'aria-labelledby': 'ask-title',
      'aria-describedby': message ? 'ask-message' : null }, form);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const button = e.submitter || buttons[0];
      const action = actions[buttons.indexOf(button)]?.value ?? actions[0].value;
      answer = field ? { action, value: field.value } : action;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (back && back.isConnected && typeof back.focus === 'function') back.focus();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    if (field) { field.focus(); field.select(); } else buttons[0]?.focus();
  });
}

/** An https or http link in message text, or null: nothing else ever becomes a link. */
export function safeLink(text) {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch { return null; }
}
