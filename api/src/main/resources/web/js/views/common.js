// What every screen shows the same way: people's names and avatars, a message in one line, and
// errors in words.
import { $, el, initials, hue } from '../ui.js';
import { ApiError } from '../net/api.js';
import { describe } from '../features/attachments.js';
import { state } from '../model/state.js';

/** A person as I see them: my alias for them, else their display name, else their username. */
export const nameOf = (peer) => peer.alias || peer.displayName || peer.username;

/** Who a user is in a conversation, as I see them. */
export function userName(c, userId) {
  if (userId === state.me.id) return 'You';
  if (c && c.peer && c.peer.id === userId) return nameOf(c.peer);
  return state.names.get(userId) || 'Someone';
}

/** What a conversation is called in the inbox and header: the person, or #channel of a group. */
export const titleOf = (c) => (c.kind === 'channel' ? `#${c.name}` : nameOf(c.peer));

/** A message in one line: its text, what it carries ("Photo", "Voice message (0:04)", "notes.pdf"), or both. */
export function previewOf(m) {
  return [describe(m.attachment), m.text || ''].filter(Boolean).join(' · ');
}

/** Presence is only shown while connected: offline, what we knew may no longer be true. */
export const presenceOf = (userId) => (document.body.dataset.wsState === 'open' ? state.presence.get(userId) : null);

export function avatar(peer, online) {
  const a = el('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(nameOf(peer)),
    el('span', { class: 'presence-dot' + (online ? ' online' : '') }));
  a.style.setProperty('--hue', hue(peer.id));
  return a;
}

/** A channel's avatar: '#' and the channel's initial, in the channel's own colour (two channels of a group differ). */
export function groupAvatar(c) {
  const a = el('span', { class: 'avatar group', 'aria-hidden': 'true' }, channelLabel(c));
  a.style.setProperty('--hue', hue(c.id));
  return a;
}

export function channelLabel(c) {
  return c.name ? '#' + [...c.name][0].toUpperCase() : initials(c.group.name);
}

/** Why something failed, in words: the server's answer, or the network. */
export const failure = (err) => (err instanceof ApiError ? err.message : 'Cannot reach the server.');

export function alertError(e) {
  // an answer of the server's (REST problem or socket error frame) says what went wrong; anything else is the network
  notice(e instanceof ApiError || (e && e.code) ? e.message : 'Cannot reach the server.');
}

/** A short message to the user under the conversation, until the typing line is next repainted. */
export function notice(text) {
  $('typing').textContent = text;
}

/** The signed-in user's name and avatar in the sidebar. */
export function showMe(me) {
  $('me-name').textContent = me.displayName || me.username;
  $('me-avatar').textContent = initials(me.displayName || me.username);
}
