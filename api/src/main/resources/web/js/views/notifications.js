// Telling the user about what happened elsewhere: a system notification for a message while the
// tab is hidden, and an admin's announcement as a banner.
import { $ } from '../ui.js';
import { state } from '../model/state.js';
import { nameOf, previewOf } from './common.js';
import { openConversation } from './conversation.js';

/** A system notification for a new message while the tab is hidden, unless the chat is muted. */
export function notify(c, m) {
  if (document.visibilityState !== 'hidden' || c.muted || !('Notification' in window)
      || Notification.permission !== 'granted') return;
  const who = c.peer ? nameOf(c.peer) : `${state.names.get(m.senderId) || 'Someone'} in #${c.name}`;
  try {
    const n = new Notification(who, { body: previewOf(m).slice(0, 200), tag: c.id });
    n.onclick = () => { window.focus(); openConversation(c.id); n.close(); };
  } catch { /* some browsers only allow notifications from a service worker */ }
}

/** An admin's announcement to everyone online: a banner (text only) until dismissed. */
export function showAnnouncement(a) {
  $('announcement-text').textContent = a.text;
  $('announcement').hidden = false;
}
$('announcement-dismiss').addEventListener('click', () => { $('announcement').hidden = true; });
