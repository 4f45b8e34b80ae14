// The inbox: every chat, pinned first, a group's channels together under its name; archived
// chats in their own section. The order and counts are model/inbox.js's.
import { $, el, clear, timeLabel } from '../ui.js';
import { state } from '../model/state.js';
import { inboxOrder, unreadChats } from '../model/inbox.js';
import { saveConversations } from '../model/device.js';
import { nameOf, titleOf, previewOf, presenceOf, avatar, groupAvatar } from './common.js';
import { openConversation } from './conversation.js';

export function renderInbox() {
  const all = inboxOrder(state.conversations.values());
  const active = all.filter((c) => !c.archived);
  const archived = all.filter((c) => c.archived);
  fillList($('conversation-list'), active);
  fillList($('archived-list'), archived);
  $('archived-section').hidden = archived.length === 0;
  $('archived-count').textContent = archived.length ? `(${archived.length})` : '';
  $('empty-inbox').hidden = all.length > 0;
  saveConversations();
  const unread = unreadChats(all);
  document.title = unread ? `(${unread}) Chat` : 'Chat';
}

function fillList(list, conversations) {
  clear(list);
  let lastGroup = null;
  for (const c of conversations) {
    const groupId = c.pinned ? null : c.group?.id || null;
    if (groupId && groupId !== lastGroup) {
      list.append(el('li', { class: 'group-header' }, c.group.name));
    }
    lastGroup = groupId;
    list.append(el('li', {}, item(c)));
  }
}

function item(c) {
  const online = c.peer && presenceOf(c.peer.id)?.state === 'online';
  const last = c.lastMessage;
  const preview = !last ? 'No messages yet'
    : last.deleted || (c.hiddenSeqs || []).includes(last.seq) ? 'Message deleted'
      : (last.senderId === state.me.id ? 'You: ' : '') + previewOf(last);
  return el('button', {
    class: 'conversation-item' + (c.unreadCount > 0 && !c.muted ? ' unread' : ''), type: 'button', 'data-testid': 'conversation-item', 'data-id': c.id,
    'aria-current': String(c.id === state.current),
    onclick: () => openConversation(c.id),
  },
    c.peer ? avatar(c.peer, online) : groupAvatar(c),
    el('span', { class: 'text' },
      el('span', { class: 'title' }, titleOf(c), c.group && c.pinned ? el('span', { class: 'group-name' }, ' · ' + c.group.name) : null),
      el('span', { class: 'preview' }, preview)),
    el('span', { class: 'meta' },
      el('span', {}, last ? timeLabel(last.at) : ''),
      el('span', {},
        c.pinned ? el('span', { class: 'pin', title: 'Pinned', 'aria-label': 'Pinned' }, '📌') : null,
        c.mentionCount > 0 ? el('span', { class: 'badge mention-badge', 'data-testid': 'mentions',
          'aria-label': `${c.mentionCount} mention${c.mentionCount > 1 ? 's' : ''}` }, '@') : null,
        c.unreadCount > 0 ? el('span', {
          class: 'badge' + (c.muted ? ' muted-badge' : ''), 'data-testid': 'unread',
          'aria-label': `${c.unreadCount} unread`,
        }, String(c.unreadCount)) : null)));
}
