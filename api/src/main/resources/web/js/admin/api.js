// The admin console's calls to /api/admin (the same REST API bots and scripts use).
import { request } from '../net/api.js';

const enc = encodeURIComponent;

/** Query string of the non-empty values (an empty filter means "any"). */
function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, String(v));
  return q.toString();
}

export const admin = {
  stats: () => request('GET', '/api/admin/stats'),
  nodes: () => request('GET', '/api/admin/nodes'),
  users: (params) => request('GET', `/api/admin/users?${query(params)}`),
  user: (id) => request('GET', `/api/admin/users/${enc(id)}`),
  disable: (id, reason) => request('POST', `/api/admin/users/${enc(id)}/disable`, { reason }),
  enable: (id, reason) => request('POST', `/api/admin/users/${enc(id)}/enable`, { reason: reason || undefined }),
  setRole: (id, role, reason) => request('PATCH', `/api/admin/users/${enc(id)}`, { role, reason }),
  logout: (id, reason) => request('POST', `/api/admin/users/${enc(id)}/logout`, { reason }),
  groups: (params) => request('GET', `/api/admin/groups?${query(params)}`),
  group: (id) => request('GET', `/api/admin/groups/${enc(id)}`),
  deleteGroup: (id, reason) => request('DELETE', `/api/admin/groups/${enc(id)}?${query({ reason })}`),
  removeMember: (id, userId, reason) =>
    request('DELETE', `/api/admin/groups/${enc(id)}/members/${enc(userId)}?${query({ reason })}`),
  deleteMessage: (id, seq, reason) =>
    request('DELETE', `/api/admin/conversations/${enc(id)}/messages/${enc(seq)}?${query({ reason })}`),
  announce: (text) => request('POST', '/api/admin/announcements', { text }),
  audit: (params) => request('GET', `/api/admin/audit?${query(params)}`),
};
