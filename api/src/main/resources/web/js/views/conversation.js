// The conversation screen: opening and leaving a chat (at its newest end, or at one message: a
// search result), its header (name, presence or members, the chat menu's labels) and the typing
// line; marking the chat read while its newest end is on screen.
import { $, el, initials, hue, lastSeenLabel } from '../ui.js';
import { api } from '../net/api.js';
import { state } from '../model/state.js';
import { markSeen, receipts } from '../model/receipts.js';
import { typists } from '../model/inbox.js';
import { drafts } from '../model/device.js';
import { windowOf } from '../model/windows.js';
import { loadNewest } from '../history.js';
import { nameOf, titleOf, presenceOf, channelLabel, notice } from './common.js';
import { repaint } from './paint.js';
import { renderInbox } from './inbox.js';
import { view, renderMessages, jumpTo } from './messages.js';
import { picker } from './bubble.js';
import { cancelReply, clearStaged } from './composer.js';
import { cancelRecording } from './recorder.js';
import { renderHuddle } from './huddle.js';

/**
 * Opens a chat: at its newest messages, or (at: a seq) at that message, loaded with the history
 * around it, highlighted, and without marking newer messages read.
 */
export async function openConversation(id, at = null) {
  if (state.current !== id) leaveComposer();
  state.current = id;
  state.editing = null;
  // a window of history is kept only to open this chat in it again (a result found in it, offline too)
  for (const other of [...state.windows.keys()]) if (other !== id || at == null) state.windows.delete(other);
  view.id = null; // a chat opens at its newest messages…
  $('app').classList.add('in-conversation');
  $('no-conversation').hidden = true;
  $('conversation-view').hidden = false;
  renderInbox();
  $('message-input').value = drafts.get(id);
  const opened = state.conversations.get(id);
  if (opened?.group && !state.namesOf.has(opened.group.id)) loadNames(opened.group.id);
  const missing = 'That message is no longer available.';
  if (at != null) { // …or at the one asked for
    renderHeader();
    $('messages').replaceChildren(el('p', { class: 'day', role: 'status' }, 'Loading…'));
    if (await jumpTo(id, at, missing)) { markRead(); return; } // read only if it opened at the newest end
    if (state.current !== id) return;
  }
  renderConversation();
  performance.mark('chat:conversation'); // the benchmark's "usable conversation"
  if (!state.loaded.has(id)) {
    try {
      await loadNewest(id);
    } catch (e) { console.warn('history failed', e); }
    if (state.current === id) renderConversation();
  }
  if (at != null) notice(missing); // it opened at its newest end instead
  markRead();
  $('message-input').focus();
}

/** What was being composed for the chat left (a reply, a picked file, a recording) does not follow to another. */
export function leaveComposer() {
  cancelReply();
  clearStaged();
  cancelRecording();
  picker.close(false);
  state.selected = null;
  state.highlight = null;
}

$('back').addEventListener('click', () => {
  leaveComposer();
  state.current = null;
  $('app').classList.remove('in-conversation');
  $('conversation-view').hidden = true;
  $('no-conversation').hidden = false;
  renderInbox();
});

/**
 * The open chat's newest end is on screen: everything in it is seen, up to the contiguous cursor
 * (a hole is not read). Scrolled back in history, or in a window away from the newest end (a
 * search result), nothing newer is marked read until the list comes back to it.
 */
export function markRead() {
  const c = state.conversations.get(state.current);
  if (!c || document.visibilityState !== 'visible') return;
  if (windowOf(c.id) || view.from != null) return;
  if (!markSeen(c)) return;
  repaint('inbox');
  receipts.report(c.id);
}
$('messages').addEventListener('reached-newest', () => markRead());
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && state.current) markRead(); });

export function renderConversation() {
  renderHeader();
  renderMessages();
  renderTyping();
}

export function renderHeader() {
  const c = state.conversations.get(state.current);
  if (!c) return;
  $('peer-name').textContent = titleOf(c);
  const avatarEl = $('peer-avatar');
  const label = c.peer ? initials(nameOf(c.peer)) : channelLabel(c);
  avatarEl.firstChild && avatarEl.firstChild.nodeType === 3 ? avatarEl.firstChild.textContent = label
    : avatarEl.prepend(document.createTextNode(label));
  avatarEl.style.setProperty('--hue', hue(c.peer ? c.peer.id : c.id));
  const p = c.peer && presenceOf(c.peer.id);
  $('peer-dot').className = 'presence-dot' + (p?.state === 'online' ? ' online' : '');
  renderTyping();
  $('call-voice').hidden = $('call-video').hidden = c.kind !== 'direct'; // 1:1 calls, in direct chats
  renderHuddle(); // huddles, in channels
  const menu = $('menu');
  menu.querySelector('[data-action=pin]').textContent = c.pinned ? 'Unpin chat' : 'Pin chat';
  menu.querySelector('[data-action=mute]').textContent = c.muted ? 'Unmute' : 'Mute';
  menu.querySelector('[data-action=archive]').textContent = c.archived ? 'Unarchive' : 'Archive';
  menu.querySelector('[data-action=alias]').textContent = c.peer?.contact ? 'Rename contact…' : 'Add to contacts…';
  menu.querySelector('[data-action=alias]').parentElement.hidden = !c.peer;
  menu.querySelector('[data-action=group]').parentElement.hidden = !c.group;
  menu.querySelector('[data-action=uncontact]').parentElement.hidden = !c.peer?.contact;
}

function statusLine(c) {
  if (c.kind === 'channel') return `${c.group.name} · ${c.memberCount} member${c.memberCount === 1 ? '' : 's'}`;
  const p = presenceOf(c.peer.id);
  if (!p || p.state === 'unknown') return '@' + c.peer.username;
  return p.state === 'online' ? 'online' : lastSeenLabel(p.lastSeen) || '@' + c.peer.username;
}

export function renderTyping() {
  const c = state.conversations.get(state.current);
  if (!c) return;
  const users = typists(c.id);
  const typing = users.length > 0;
  const first = c.peer ? nameOf(c.peer) : (state.names.get(users[0]) || 'Someone');
  $('typing').textContent = !typing ? ''
    : users.length === 1 ? `${first} is typing…`
      : `${first} and ${users.length - 1} other${users.length > 2 ? 's' : ''} are typing…`;
  $('peer-status').textContent = statusLine(c); // typing shows once: above the composer
}

/** The display names of a group's members, for sender names and typing lines. */
export function loadNames(groupId) {
  api.groupMembers(groupId).then(({ members }) => {
    members.forEach((m) => state.names.set(m.id, m.displayName || m.username));
    state.namesOf.add(groupId);
    if (state.conversations.get(state.current)?.group?.id === groupId) { renderMessages(); renderHuddle(); }
  }).catch(() => {});
}
