// The dispatcher: every live event from the socket, by type → the model's rule that applies it
// (model/*.js) → the parts of the page to repaint (views/paint.js). Answers to my own requests
// (a send's ack, an edit's answer) come through the same handlers, so they merge the same way.
import { api } from './net/api.js';
import { state } from './model/state.js';
import { acceptMessage, applyEdit, applyReactions, applyConversation } from './model/messages.js';
import { cursors } from './model/cursors.js';
import { receipts } from './model/receipts.js';
import { applyReceipt, applyAdvanced, applyPeerMessage } from './model/ticks.js';
import { noteTyping } from './model/inbox.js';
import { reloadConversations, refreshPresence } from './sync.js';
import { repaint } from './views/paint.js';
import { renderInbox } from './views/inbox.js';
import { markRead } from './views/conversation.js';
import { notify, showAnnouncement } from './views/notifications.js';
import { showMe } from './views/common.js';
import { ME_KEY } from './views/auth.js';
import { onCallEvent } from './features/calls.js';
import { onHuddleEvent } from './features/huddles.js';

export function onEvent(ev) {
  if (ev.type.startsWith('call.')) { onCallEvent(ev, state.session).catch((e) => console.warn('call event', ev.type, e)); return; }
  if (ev.type.startsWith('huddle.')) { onHuddleEvent(ev); return; }
  switch (ev.type) {
    case 'message.created': onMessage(ev.data); break;
    case 'message.updated':
    case 'message.deleted': onMessageChanged(ev.data); break;
    case 'reaction.updated': onReactions(ev.data); break;
    case 'conversation.created': onConversationCreated(ev.data); break;
    case 'conversation.updated': onConversationUpdated(ev.data); break;
    case 'receipt.updated': onReceipt(ev.data); break;
    case 'receipts.advanced': onReceiptsAdvanced(ev.data); break;
    case 'typing': onTyping(ev); break;
    case 'presence': state.presence.set(ev.data.user, ev.data); repaint('inbox', 'header'); break;
    case 'contact.updated': onContact(ev.data); break;
    case 'user.updated': onUserUpdated(ev.data); break;
    case 'announcement': showAnnouncement(ev.data); break;
    case 'group.updated':
    case 'group.deleted':
    case 'group.member.added':
    case 'group.member.removed': reloadConversations(ev); break;
    default: break; // unknown events are ignored: newer servers may add some
  }
}

/** A new message, live or the answer to my send. */
export function onMessage(m) {
  const c = acceptMessage(m);
  if (!c) { // a chat this device does not know yet
    api.conversations().then(({ conversations }) => {
      conversations.forEach((x) => state.conversations.set(x.id, x));
      cursors.update(m.conversation);
      receipts.report(m.conversation);
      renderInbox();
    });
    return;
  }
  if (m.senderId !== state.me.id) {
    applyPeerMessage(c, m, state.me.id);
    if (m.conversation === state.current && document.visibilityState === 'visible') markRead();
    else receipts.report(m.conversation); // delivered: the contiguous cursor, once per window, never per message
    notify(c, m);
  }
  if (c.kind === 'channel' && m.senderId !== state.me.id && (m.text || '').includes('@')) {
    // whether it mentions me (and @channel counts) is the server's call: take its count
    api.conversation(c.id).then((v) => { c.mentionCount = v.mentionCount; renderInbox(); }).catch(() => {});
  }
  repaint('inbox', m.conversation === state.current && 'conversation');
}

/** An edit or a deletion: the bubble, and the inbox preview if it showed that message. */
export function onMessageChanged(m) {
  if (applyEdit(m)) repaint('inbox', m.conversation === state.current && 'messages');
}

export function onReactions(r) {
  if (applyReactions(r)) repaint(r.conversation === state.current && 'messages');
}

function onConversationCreated(c) {
  state.conversations.set(c.id, c);
  repaint('inbox');
  refreshPresence().then(() => repaint('inbox')).catch(() => {});
}

export function onConversationUpdated(view) {
  applyConversation(view);
  repaint('inbox', view.id === state.current && 'conversation');
}

function onReceipt(r) {
  const c = state.conversations.get(r.conversation);
  if (c && applyReceipt(c, r, state.me.id)) repaint('inbox', r.conversation === state.current && 'messages');
}

function onReceiptsAdvanced(a) {
  const c = state.conversations.get(a.conversation);
  if (!c) return;
  applyAdvanced(c, a);
  repaint('inbox', a.conversation === state.current && 'messages');
}

function onTyping(ev) {
  const expires = noteTyping(ev.conversation, ev.data.user, ev.data.state !== 'stop', ev.data.expiresInMs || 6000);
  repaint('typing');
  setTimeout(() => repaint('typing'), expires + 50);
}

export function onContact(person) {
  for (const c of state.conversations.values()) {
    if (c.peer && c.peer.id === person.id) { c.peer.alias = person.alias; c.peer.contact = person.contact; }
  }
  repaint('inbox', 'header');
}

/** Someone I talk to (or I) changed their display name: every place it shows follows at once. */
function onUserUpdated(u) {
  if (!u || !u.id) return;
  for (const c of state.conversations.values()) {
    if (c.peer && c.peer.id === u.id) c.peer.displayName = u.displayName;
  }
  if (state.names.has(u.id)) state.names.set(u.id, u.displayName || u.username);
  if (state.me && u.id === state.me.id) {
    state.me.displayName = u.displayName;
    localStorage.setItem(ME_KEY, JSON.stringify(state.me));
    showMe(u);
  }
  repaint('inbox', 'header', 'messages');
}
