// The inbox's rules, no DOM: the order of chats, the unread count in the title, who is typing.
import { state } from './state.js';

/** A group's channels sort by the group's latest activity, so they stay together under it. */
function activity(c, all) {
  if (!c.group || c.pinned) return c.updatedAt;
  let latest = c.updatedAt;
  for (const o of all) if (o.group?.id === c.group.id && !o.pinned && o.updatedAt > latest) latest = o.updatedAt;
  return latest;
}

/** Pinned first, then by latest activity (a group's channels together), then by group and name. */
export function inboxOrder(conversations) {
  const all = [...conversations];
  const at = new Map(all.map((c) => [c, String(activity(c, all))]));
  return all.sort((a, b) => (b.pinned - a.pinned) || at.get(b).localeCompare(at.get(a))
    || String(a.group?.id || '').localeCompare(String(b.group?.id || '')) || String(a.name || '').localeCompare(String(b.name || '')));
}

/** How many chats the title counts as unread: not archived, not muted, with something unread. */
export const unreadChats = (conversations) => conversations.filter((c) => !c.archived && !c.muted && c.unreadCount > 0).length;

/** Who is typing in a conversation right now (expired entries dropped). */
export function typists(id, now = Date.now()) {
  const t = state.typing.get(id);
  if (!t) return [];
  for (const [user, until] of t) if (until <= now) t.delete(user);
  return [...t.keys()];
}

/** Someone started or stopped typing; returns how long until it expires by itself. */
export function noteTyping(conversation, user, typing, expiresInMs = 6000, now = Date.now()) {
  const t = state.typing.get(conversation) || new Map();
  if (typing) t.set(user, now + expiresInMs); else t.delete(user);
  state.typing.set(conversation, t);
  return expiresInMs;
}
