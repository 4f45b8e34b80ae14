// One message as a bubble: its quote, attachment, text (links and mentions as nodes, never HTML),
// reactions, time and tick, and its actions (reply, react, edit, delete). Whether the tick says
// sent, delivered or read is decided in model/ticks.js.
import { $, el, clear, timeLabel, tick, svg, ask, safeLink } from '../ui.js';
import { api } from '../net/api.js';
import * as attachments from '../features/attachments.js';
import { reactionChips, withPending, ReactionPicker } from '../features/reactions.js';
import { react, waitingReactions } from '../features/reacting.js';
import { state } from '../model/state.js';
import { tickOf } from '../model/ticks.js';
import { onMessageChanged, onConversationUpdated } from '../events.js';
import { retry, discard } from '../sending.js';
import { nameOf, userName, previewOf, alertError } from './common.js';
import { startReply, startEdit } from './composer.js';
import { followBottom, jumpTo } from './messages.js';

export const picker = new ReactionPicker();

const REPLY_ICON = 'M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z';
const REACT_ICON = 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9A1.5 1.5 0 1 0 8.5 8a1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5a5.5 5.5 0 0 0 5.1-3.5H6.9a5.5 5.5 0 0 0 5.1 3.5z';

export function bubble(c, m, grouped) {
  const mine = m.senderId === state.me.id;
  const status = tickOf(c, m, state.me.id);
  const uploading = m.pending && m.upload;
  const selected = state.selected && state.selected.conversation === c.id && state.selected.seq === m.seq;
  const highlighted = state.highlight && state.highlight.conversation === c.id && state.highlight.seq === m.seq;
  const attachment = m.deleted ? null
    : uploading ? attachments.pendingView(m, { onImageLoad: followBottom })
      : m.attachment ? attachments.attachmentView(m.attachment, { openImage: attachments.openViewer }) : null;
  const text = m.deleted ? [m.moderated ? 'Removed by a moderator' : 'This message was deleted'] : withMentions(m.text || '');
  const waiting = m.deleted || m.pending ? [] : waitingReactions(c.id, m.seq);
  const chips = m.deleted || m.pending ? null : reactionChips(withPending(m.reactions, waiting, state.me.id), {
    me: state.me.id, nameOf: (u) => userName(c, u), onToggle: (emoji, on) => react(c.id, m.seq, emoji, on),
    waiting: new Set(waiting.map((r) => r.emoji)),
  });
  const footer = footerOf(c, m, mine, status);
  const node = el('div', {
    class: `message${mine ? ' mine' : ''}${grouped ? ' grouped' : ''}${m.deleted ? ' deleted' : ''}`
      + `${attachment ? ' has-attachment' : ''}${selected ? ' selected' : ''}${highlighted ? ' highlight' : ''}`,
    'data-testid': 'message', 'data-status': status, 'data-seq': m.seq != null ? String(m.seq) : '',
    'data-client-msg-id': m.pending ? m.clientMsgId : null, tabindex: highlighted ? '-1' : null,
  },
  m.replyTo && !m.deleted ? quote(c, m.replyTo) : null,
  attachment,
  text.length ? el('span', { class: 'body' }, ...text) : null,
  m.pending && m.error ? el('span', { class: 'send-error small', role: 'alert' }, m.error) : null,
  chips ? el('div', { class: 'bottom' }, chips, footer) : footer);
  if (!m.pending && !m.deleted) node.append(actionsOf(c, m, mine));
  return node;
}

/** Edited, the time, my tick, and for a message not sent: Retry, Discard or Cancel. */
function footerOf(c, m, mine, status) {
  const uploading = m.pending && m.upload;
  return el('span', { class: 'footer' },
    m.editedAt && !m.deleted ? el('span', {}, 'edited') : null,
    el('time', { datetime: m.at }, timeLabel(m.at)),
    mine ? withInfo(c, m, tick(status)) : null,
    m.pending && m.status === 'failed' && !m.final ? el('button', { class: 'retry', type: 'button', onclick: () => retry(c.id, m.clientMsgId) }, 'Retry') : null,
    uploading || (m.pending && m.status === 'failed')
      ? el('button', { class: 'retry discard', type: 'button', 'aria-label': m.status === 'failed' ? 'Discard message' : 'Cancel sending',
        onclick: () => discard(c.id, m.clientMsgId) }, m.status === 'failed' ? 'Discard' : 'Cancel') : null);
}

function actionsOf(c, m, mine) {
  const actions = el('span', { class: 'actions' },
    el('button', { type: 'button', class: 'action-icon', 'aria-label': 'Reply', title: 'Reply', onclick: () => startReply(c, m) }, svg(REPLY_ICON, 16)),
    el('button', { type: 'button', class: 'action-icon', 'aria-label': 'Add reaction', title: 'Add reaction',
      onclick: (e) => picker.open(e.currentTarget, (emoji) => react(c.id, m.seq, emoji, true)) }, svg(REACT_ICON, 16)));
  if (mine && (m.text || !m.attachment)) {
    actions.append(el('button', { type: 'button', 'aria-label': 'Edit message', onclick: () => startEdit(m) }, 'Edit'));
  }
  actions.append(el('button', { type: 'button', class: 'danger-action', 'aria-label': 'Delete message', onclick: () => confirmDelete(c, m, mine) }, 'Delete'));
  return actions;
}

/**
 * Deleting is never one click: the app's own dialog says what each choice does. "Delete for me"
 * (any message) hides it on all my devices only; "Delete for everyone" only for my own messages.
 */
async function confirmDelete(c, m, mine) {
  const others = c.kind === 'channel' ? 'everyone in the channel' : (c.peer ? nameOf(c.peer) : 'the other person');
  const choice = await ask({
    title: 'Delete message?',
    message: mine ? `"Delete for me" hides it on your devices only. "Delete for everyone" removes it for ${others} too. Neither can be undone.`
      : `It disappears from all your devices; ${others} still ${c.kind === 'channel' ? 'see' : 'sees'} it. This cannot be undone.`,
    actions: mine ? [{ label: 'Delete for me', value: 'me' }, { label: 'Delete for everyone', value: 'everyone', danger: true }]
      : [{ label: 'Delete for me', value: 'me', danger: true }],
  });
  if (choice === 'everyone') api.deleteMessage(c.id, m.seq).then(onMessageChanged).catch(alertError);
  if (choice === 'me') api.hideMessage(c.id, m.seq).then(onConversationUpdated).catch(alertError);
}

/** The quote of the message replied to, above the reply: a click shows the original. */
function quote(c, r) {
  const who = userName(c, r.senderId);
  const what = r.deleted ? 'Deleted message' : previewOf(r) || 'Message';
  return el('button', {
    type: 'button', class: 'quote' + (r.deleted ? ' deleted' : ''), 'data-testid': 'quote', 'data-reply-to': String(r.seq),
    'aria-label': `Quote of ${who === 'You' ? 'your message' : who}: ${what}. Show the original message`,
    title: 'Show the original message', onclick: () => jumpTo(c.id, r.seq),
  }, el('span', { class: 'quote-name' }, who), el('span', { class: 'quote-text' }, what));
}

/**
 * Message text as nodes (never HTML): http(s) links become <a> elements that open in a new tab
 * without the opener or referrer, @mentions <mark>s, the rest text nodes.
 */
function withMentions(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"'`]+/gi)) {
    let url = match[0].replace(/[.,;:!?)\]}]+$/, '');
    const href = safeLink(url);
    if (!href) continue;
    if (match.index > last) parts.push(...mentionsIn(text.slice(last, match.index)));
    parts.push(el('a', { href, target: '_blank', rel: 'noopener noreferrer', class: 'link-in-message' }, url));
    last = match.index + url.length;
  }
  if (last < text.length) parts.push(...mentionsIn(text.slice(last)));
  return parts;
}

function mentionsIn(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(/(^|[^\w@])(@[a-z0-9_.]{3,32})/gi)) {
    const at = match.index + match[1].length;
    if (at > last) parts.push(text.slice(last, at));
    parts.push(el('mark', { class: 'mention' }, match[2]));
    last = at + match[2].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** In a channel, my message's tick opens who has read it. */
function withInfo(c, m, tickNode) {
  if (c.kind !== 'channel' || m.pending) return tickNode;
  const b = el('button', { type: 'button', class: 'tick-button', 'aria-label': 'Message info', onclick: () => showReaders(c.id, m.seq) });
  b.append(tickNode);
  return b;
}

async function showReaders(id, seq) {
  try {
    const r = await api.readers(id, seq);
    const fill = (list, people) => {
      clear(list);
      people.forEach((p) => list.append(el('li', {}, el('span', { class: 'who' }, nameOf(p)))));
      if (!people.length) list.append(el('li', { class: 'muted' }, 'No one yet'));
    };
    fill($('read-by'), r.readBy);
    fill($('delivered-to'), r.deliveredTo);
    $('readers').showModal();
  } catch (e) { alertError(e); }
}
