// REST client: same-origin JSON with HttpOnly cookies. A 401 triggers one refresh of the
// session (the refresh cookie), then the request is retried once.

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && problem.detail) || `HTTP ${status}`);
    this.status = status;
    this.code = (problem && problem.code) || 'http_' + status;
  }
}

/** Answers that say "later", not "no": the server was busy or failing. */
const TRANSIENT = new Set(['service_unavailable', 'rate_limited', 'internal_error', 'unauthenticated']);

/**
 * Whether the server refused for good (an answer it would give again), as opposed to being busy,
 * failing or out of reach (no code: the network or the socket). REST answers are judged by their
 * status, so a proxy's 502 or 504 is never taken for a refusal; socket error frames by their code.
 */
export function refusedForGood(e) {
  if (!e || !e.code) return false;
  if (e instanceof ApiError) return e.status >= 400 && e.status < 500 && ![401, 408, 429].includes(e.status);
  return !TRANSIENT.has(e.code);
}

let refreshing = null;

/**
 * Renews the access cookie; resolves true when the session is still valid. patient: a refused
 * refresh is tried once more after 500 ms (another tab may have just rotated the cookie); a
 * visitor with no session at all is not kept waiting for that.
 */
export function refreshSession(patient = true) {
  if (!patient) {
    return refreshing || fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' }).then((r) => r.ok).catch(() => false);
  }
  if (!refreshing) {
    const attempt = () => fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' })
      .then((r) => r.ok)
      .catch(() => false);
    // another tab may have rotated the shared cookie a moment before us: try once more with the new one
    refreshing = attempt()
      .then((ok) => ok || new Promise((resolve) => setTimeout(resolve, 500)).then(attempt))
      .finally(() => { refreshing = null; });
  }
  return refreshing;
}

export async function request(method, path, body, retried = false, patient = true) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401 && !retried && !path.startsWith('/api/auth/')) {
    if (await refreshSession(patient)) return request(method, path, body, true);
  }
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not JSON */ }
    const err = new ApiError(res.status, problem);
    err.retryAfter = Number(res.headers.get('Retry-After')) || 0;
    throw err;
  }
  return res.status === 204 ? null : res.json();
}

const enc = encodeURIComponent;

export const api = {
  me: () => request('GET', '/api/me'),
  /** Who is signed in on this browser, when the device knows of no one: a definite no answers at once. */
  whoAmI: () => request('GET', '/api/me', undefined, false, false),
  signup: (username, password, displayName) =>
    request('POST', '/api/auth/signup', { username, password, displayName: displayName || undefined }),
  login: (username, password) => request('POST', '/api/auth/login', { username, password }),
  logout: () => request('POST', '/api/auth/logout'),
  pushKey: () => request('GET', '/api/push/key'),
  pushSubscribe: (subscription) => request('PUT', '/api/push/subscriptions', subscription),
  pushUnsubscribe: (endpoint) => request('DELETE', '/api/push/subscriptions', { endpoint }),
  pushSettings: () => request('GET', '/api/push/settings'),
  setPushSettings: (settings) => request('PUT', '/api/push/settings', settings),
  conversations: () => request('GET', '/api/conversations'),
  conversation: (id) => request('GET', `/api/conversations/${enc(id)}`),
  openDirect: (username) => request('POST', '/api/conversations', { kind: 'direct', username }),
  /** A page of history: the newest, or before/after a seq, or around one (about half older, half newer). */
  history: (id, { before, after, around, limit = 50 } = {}) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before != null) q.set('before', String(before));
    if (after != null) q.set('after', String(after));
    if (around != null) q.set('around', String(around));
    return request('GET', `/api/conversations/${enc(id)}/messages?${q}`);
  },
  /** extra: {attachment?, replyTo?}; with an attachment the text (a caption) may be empty */
  send: (id, clientMsgId, text, extra = {}) => request('POST', `/api/conversations/${enc(id)}/messages`,
    { clientMsgId, ...(text ? { text } : {}), ...extra }),
  read: (id, seq) => request('POST', `/api/conversations/${enc(id)}/read`, { seq }),
  delivered: (id, seq) => request('POST', `/api/conversations/${enc(id)}/delivered`, { seq }),
  change: (id, change) => request('PATCH', `/api/conversations/${enc(id)}`, change),
  clear: (id) => request('POST', `/api/conversations/${enc(id)}/clear`),
  deleteChat: (id) => request('DELETE', `/api/conversations/${enc(id)}`),
  edit: (id, seq, text) => request('PATCH', `/api/conversations/${enc(id)}/messages/${seq}`, { text }),
  deleteMessage: (id, seq) => request('DELETE', `/api/conversations/${enc(id)}/messages/${seq}`),
  /** "Delete for me": hidden on all my devices; answers the conversation (hiddenSeqs). */
  hideMessage: (id, seq) => request('POST', `/api/conversations/${enc(id)}/messages/${seq}/hide`),
  /** STUN/TURN servers with my short-lived TURN credentials: RTCConfiguration.iceServers. */
  iceServers: () => request('GET', '/api/calls/ice-servers'),
  /** A channel's live huddle, {huddle: null} when none. */
  huddle: (conversation) => request('GET', `/api/conversations/${conversation}/huddle`),
  presence: (ids) => request('GET', `/api/presence?users=${ids.map(enc).join(',')}`),
  setAlias: (userId, alias) => request('PUT', `/api/contacts/${enc(userId)}`, { alias: alias || null }),
  removeContact: (userId) => request('DELETE', `/api/contacts/${enc(userId)}`),
  /** Messages found (params: model/query.js searchParams): {results, next}. */
  searchMessages: (params) => request('GET', `/api/search/messages?${params}`),
  /** My chats whose name contains q: {conversations}. */
  searchConversations: (q, limit = 8) => request('GET', `/api/search/conversations?q=${enc(q)}&limit=${limit}`),
  searchPeople: (q, after) => request('GET', `/api/users?q=${enc(q)}&limit=8${after ? '&after=' + enc(after) : ''}`),
  updateMe: (change) => request('PATCH', '/api/me', change),
  groupMembers: (groupId) => request('GET', `/api/groups/${enc(groupId)}/members`),
  group: (groupId) => request('GET', `/api/groups/${enc(groupId)}`),
  createGroup: (name, description) => request('POST', '/api/groups', { name, description }),
  addMember: (groupId, username) => request('POST', `/api/groups/${enc(groupId)}/members`, { username }),
  removeMember: (groupId, userId) => request('DELETE', `/api/groups/${enc(groupId)}/members/${enc(userId)}`),
  setRole: (groupId, userId, role) => request('PATCH', `/api/groups/${enc(groupId)}/members/${enc(userId)}`, { role }),
  createChannel: (groupId, name) => request('POST', `/api/groups/${enc(groupId)}/channels`, { name }),
  createInvite: (groupId, options) => request('POST', `/api/groups/${enc(groupId)}/invites`, options || {}),
  invites: (groupId) => request('GET', `/api/groups/${enc(groupId)}/invites`),
  revokeInvite: (groupId, id) => request('DELETE', `/api/groups/${enc(groupId)}/invites/${enc(id)}`),
  updateGroup: (groupId, change) => request('PATCH', `/api/groups/${enc(groupId)}`, change),
  deleteGroup: (groupId) => request('DELETE', `/api/groups/${enc(groupId)}`),
  transfer: (groupId, userId) => request('POST', `/api/groups/${enc(groupId)}/transfer`, { userId }),
  updateChannel: (groupId, id, change) => request('PATCH', `/api/groups/${enc(groupId)}/channels/${enc(id)}`, change),
  deleteChannel: (groupId, id) => request('DELETE', `/api/groups/${enc(groupId)}/channels/${enc(id)}`),
  previewInvite: (token) => request('GET', `/api/invites/${enc(token)}`),
  joinInvite: (token) => request('POST', `/api/invites/${enc(token)}/join`),
  changes: (id, since, limit = 100) => request('GET', `/api/conversations/${enc(id)}/changes?since=${since}&limit=${limit}`),
  react: (id, seq, emoji, on) => request(on ? 'PUT' : 'DELETE', `/api/conversations/${enc(id)}/messages/${seq}/reactions/${enc(emoji)}`),
  startUpload: (upload) => request('POST', '/api/attachments', upload),
  upload: (attachmentId) => request('GET', `/api/attachments/${enc(attachmentId)}`),
  completeUpload: (attachmentId) => request('POST', `/api/attachments/${enc(attachmentId)}/complete`),
  readers: (id, seq) => request('GET', `/api/conversations/${enc(id)}/messages/${seq}/readers`),
};

/** Where an attachment's bytes and thumbnail are served (authorised by the session cookie). */
export const attachmentUrl = {
  content: (id) => `/api/attachments/${enc(id)}/content`,
  download: (id) => `/api/attachments/${enc(id)}/content?download=1`,
  thumbnail: (id) => `/api/attachments/${enc(id)}/thumbnail`,
};

/**
 * PUT one chunk of an upload with XMLHttpRequest, for its upload progress (fetch has none).
 * onProgress(bytesSentOfThisChunk). Resolves with the upload view; rejects with an ApiError for
 * an answer, or a plain Error when the network failed.
 */
export function putChunk(attachmentId, index, blob, onProgress, retried = false) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `/api/attachments/${enc(attachmentId)}/chunks/${index}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded); };
    xhr.onerror = () => reject(new Error('network'));
    xhr.ontimeout = () => reject(new Error('timeout'));
    xhr.onabort = () => reject(new Error('aborted'));
    xhr.timeout = 120_000;
    xhr.onload = async () => {
      if (xhr.status === 401 && !retried) {
        if (await refreshSession()) { putChunk(attachmentId, index, blob, onProgress, true).then(resolve, reject); return; }
      }
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else {
        const err = new ApiError(xhr.status, body);
        err.retryAfter = Number(xhr.getResponseHeader('Retry-After')) || 0;
        reject(err);
      }
    };
    xhr.send(blob);
  });
}
