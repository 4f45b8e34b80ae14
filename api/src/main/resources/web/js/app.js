// The chat client: inbox, conversation, optimistic sending, receipts, typing and presence;
// attachments, voice messages, replies and reactions.
// Order comes from the server's seq; events are merged by seq, so duplicates never show.
// User content is only ever inserted as text (textContent), never as HTML.
import { api, ApiError, refusedForGood } from './api.js';
import { ChatSocket } from './socket.js';
import { el, clear, initials, hue, dayLabel, timeLabel, lastSeenLabel, tick, formatSize, svg, ask, safeLink } from './ui.js';
import { Store } from './store.js';
import * as attachments from './attachments.js';
import { VoiceRecorder, recordingSupported, voicePlayer, clock } from './voice.js';
import { reactionChips, withPending, ReactionPicker } from './reactions.js';
import { advance, contiguous, readUpTo } from './cursor.js';

const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  conversations: new Map(), // id -> conversation (server view)
  messages: new Map(),      // id -> Map(seq -> message)
  loaded: new Set(),        // conversations whose newest page was fetched
  pending: new Map(),       // id -> [{clientMsgId, text, status, at}]
  reactions: new Map(),     // my reactions the server has not confirmed yet: key -> {key, conversation, seq, emoji, on, order}
  presence: new Map(),      // userId -> {state, lastSeen}
  typing: new Map(),        // conversation id -> {until}
  names: new Map(),         // user id -> display name (group members), for sender names in channels
  namesOf: new Set(),       // groups whose member names are loaded
  current: null,
  editing: null,            // seq being edited in the current conversation
  replyTo: null,            // the message being replied to in the current conversation
  staged: null,             // a file picked for the next message, not yet sent
  highlight: null,          // {conversation, seq}: the message a quote jumped to
  selected: null,           // {conversation, seq}: the message whose actions a tap showed (touch screens)
  sendChains: new Map(),    // conversation id -> its sends, one after another in the order typed
  socket: null,
  store: null,              // the device's copy (IndexedDB): opens instantly and offline
};

// ------------------------------------------------------------------ change versions
/**
 * The highest change version (edits, deletes, reactions) this device has applied, per
 * conversation, kept on the device: after being away it fetches only the changes above it.
 */
const versions = {
  map: new Map(),
  timer: 0,
  key: () => `chat.versions.${state.me?.id}`,
  load() {
    try { this.map = new Map(Object.entries(JSON.parse(localStorage.getItem(this.key()) || '{}'))); } catch { this.map = new Map(); }
  },
  note(id, v) {
    if (typeof v !== 'number' || v <= (this.map.get(id) ?? -1)) return;
    this.map.set(id, v);
    if (!this.timer) this.timer = setTimeout(() => this.save(), 250);
  },
  save() {
    clearTimeout(this.timer);
    this.timer = 0;
    if (state.me) localStorage.setItem(this.key(), JSON.stringify(Object.fromEntries(this.map)));
  },
};

// ------------------------------------------------------------------ contiguous cursors
/**
 * Per conversation, the highest seq this device holds with nothing missing below it (the rule is
 * cursor.js), kept on the device: sync starts from it after every welcome, so a message missed live
 * (4, while 5 came) is fetched rather than skipped, and it is what `delivered` reports.
 */
const cursors = {
  map: new Map(),
  timer: 0,
  key: () => `chat.cursors.${state.me?.id}`,
  load() {
    try { this.map = new Map(Object.entries(JSON.parse(localStorage.getItem(this.key()) || '{}'))); } catch { this.map = new Map(); }
  },
  /** The conversation's cursor now, moved up through what is held (undefined: the chat is unknown). */
  update(id) {
    const c = state.conversations.get(id);
    if (!c) return this.map.get(id);
    // a chat this device has no cursor for yet starts where my account already received it
    // (some device of mine holds that much): a new device does not fetch every chat's history
    const old = this.map.has(id) ? this.map.get(id) : (c.deliveredSeq || 0);
    const now = advance(old, c.clearedSeq || 0, state.messages.get(id) || new Map());
    if (now !== this.map.get(id)) {
      this.map.set(id, now);
      if (!this.timer) this.timer = setTimeout(() => this.save(), 250);
    }
    return now;
  },
  save() {
    clearTimeout(this.timer);
    this.timer = 0;
    if (state.me) localStorage.setItem(this.key(), JSON.stringify(Object.fromEntries(this.map)));
  },
  forget() {
    clearTimeout(this.timer);
    this.timer = 0;
    this.map = new Map();
    localStorage.removeItem(this.key());
  },
};

// ------------------------------------------------------------------ start and sign-in
const ME_KEY = 'chat.me';

async function start() {
  if ('serviceWorker' in navigator) navigator.serviceWorker.register('/sw.js').catch(() => {});
  const known = localStorage.getItem(ME_KEY);
  if (known) { // open from the device's copy at once; the server confirms the session meanwhile
    state.me = JSON.parse(known);
    showApp();
    confirmSession();
    return;
  }
  try {
    state.me = await api.whoAmI();
    localStorage.setItem(ME_KEY, JSON.stringify(state.me));
    showApp();
  } catch (e) {
    if (e instanceof ApiError) { showAuth(''); return; }
    showAuth('Cannot reach the server. Retrying…');
    setTimeout(start, 3000);
  }
}

/** The session behind a device-opened app: still valid, someone else's now, or ended. */
async function confirmSession() {
  try {
    const me = await api.me();
    localStorage.setItem(ME_KEY, JSON.stringify(me));
    if (me.id !== state.me.id) { location.reload(); return; } // another account signed in meanwhile
    state.me = me;
    $('me-name').textContent = me.displayName || me.username;
    $('admin-entry').hidden = me.role !== 'admin';
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      localStorage.removeItem(ME_KEY);
      showAuth('Your session has ended. Please log in again.');
    } // anything else is the network: keep working from the device
  }
}

let signingUp = false;
function showAuth(message = '') {
  if (state.socket) { state.socket.stop(); state.socket = null; }
  $('app').hidden = true;
  $('auth').hidden = false;
  $('auth-error').textContent = message;
  $('username').focus();
}

function setAuthMode(signup) {
  signingUp = signup;
  $('auth-title').textContent = signup ? 'Create your account' : 'Welcome to Chat';
  $('auth-subtitle').textContent = signup ? 'Pick a username people can find you by.' : 'Log in to continue.';
  $('display-name-row').hidden = !signup;
  $('auth-submit').textContent = signup ? 'Sign up' : 'Log in';
  $('auth-switch-text').textContent = signup ? 'Already have an account?' : 'New here?';
  $('auth-switch').textContent = signup ? 'Log in instead' : 'Create an account';
  $('password').autocomplete = signup ? 'new-password' : 'current-password';
  $('password-rule').hidden = !signup; // the rule is said before anyone types
  $('auth-error').textContent = '';
  showPasswordError('');
}

/** A problem with the password itself, shown beside the field (and announced), not at the foot of the form. */
function showPasswordError(message) {
  const error = $('password-error');
  error.textContent = message;
  error.hidden = !message;
  error.setAttribute('role', message ? 'alert' : 'none');
  if (message) $('password').setAttribute('aria-invalid', 'true');
  else $('password').removeAttribute('aria-invalid');
}
$('password').addEventListener('input', () => showPasswordError(''));

$('auth-switch').addEventListener('click', () => setAuthMode(!signingUp));
$('auth-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const username = $('username').value.trim().toLowerCase();
  const password = $('password').value;
  const button = $('auth-submit');
  button.disabled = true;
  $('auth-error').textContent = '';
  showPasswordError('');
  try {
    const session = signingUp
      ? await api.signup(username, password, $('displayName').value.trim())
      : await api.login(username, password);
    state.me = session.user;
    localStorage.setItem(ME_KEY, JSON.stringify(state.me));
    $('password').value = '';
    showApp();
    confirmSession(); // the full profile (its role shows the admin console link)
  } catch (err) {
    const aboutPassword = err instanceof ApiError && signingUp
      && (err.code === 'weak_password' || (err.code === 'validation_failed' && err.message.includes("'password'")));
    if (aboutPassword) {
      showPasswordError(err.message);
      $('password').focus();
    } else {
      $('auth-error').textContent = err instanceof ApiError ? err.message : 'Cannot reach the server. Check your connection.';
    }
  } finally {
    button.disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  try { await api.logout(); } catch { /* signed out locally anyway */ }
  localStorage.removeItem(ME_KEY);
  if (state.store) { state.store.close(); state.store = null; }
  if (state.me) {
    await Store.remove(state.me.id); // a shared computer keeps nothing of the chats
    Object.keys(localStorage).filter((k) => k.startsWith(`chat.draft.${state.me.id}.`)).forEach((k) => localStorage.removeItem(k));
    clearTimeout(versions.timer);
    versions.timer = 0;
    versions.map = new Map();
    localStorage.removeItem(versions.key());
    cursors.forget();
  }
  cancelRecording();
  clearStaged();
  for (const list of state.pending.values()) list.forEach((p) => { p.cancelled = true; }); // uploads stop
  state.conversations.clear(); state.messages.clear(); state.loaded.clear(); state.pending.clear();
  state.reactions.clear();
  state.current = null;
  setAuthMode(false);
  showAuth();
});

async function showApp() {
  $('auth').hidden = true;
  $('app').hidden = false;
  $('me-name').textContent = state.me.displayName || state.me.username;
  $('me-avatar').textContent = initials(state.me.displayName || state.me.username);
  $('me-avatar').style.setProperty('--hue', hue(state.me.id));
  $('admin-entry').hidden = state.me.role !== 'admin';
  state.socket = new ChatSocket({
    onEvent: onEvent,
    onWelcome: onWelcome,
    onState: onConnectionState,
    onSignedOut: () => showAuth('Your session has ended. Please log in again.'),
  });
  await openDeviceCopy();
  renderInbox();
  performance.mark('chat:inbox'); // the benchmark's "first render of the inbox from the device"
  state.socket.connect();
  offerJoin();
}

const CACHED_WINDOW = 40;  // messages per chat read from the device at start
const WINDOW = 120;        // messages in the DOM at most: only what is near the screen is rendered
const STEP = 50;           // how far the window moves when scrolled to one of its ends

const oldestOf = (held) => { let min = Infinity; for (const seq of held.keys()) if (seq < min) min = seq; return min; };
const newestOf = (held) => { let max = 0; for (const seq of held.keys()) if (seq > max) max = seq; return max; };

/** Fills the state from IndexedDB: the inbox, messages and typed-but-unsent messages, before any network. */
async function openDeviceCopy() {
  versions.load();
  cursors.load();
  try {
    state.store = await Store.open(state.me.id);
    const [conversations, outbox, reactions] = await Promise.all([
      state.store.all('conversations'), state.store.outbox(), state.store.all('reactions')]);
    conversations.forEach((c) => { if (!state.conversations.has(c.id)) state.conversations.set(c.id, c); });
    // only the recent window of each chat: older messages are read from the device when scrolled to
    const messages = await state.store.newestMessages(conversations.map((c) => c.id), CACHED_WINDOW);
    for (const m of messages) {
      if (m.seq > (state.conversations.get(m.conversation)?.clearedSeq || 0)) putMessage(m, false);
    }
    for (const [id, held] of state.messages) {
      held.hasMore = oldestOf(held) > (state.conversations.get(id)?.clearedSeq || 0) + 1;
      // the cursor never claims more than the device's copy holds (a write lost with a closed tab)
      if (cursors.map.has(id)) cursors.map.set(id, Math.min(cursors.map.get(id), contiguous(oldestOf(held) - 1, held)));
    }
    for (const p of outbox) {
      if (!state.pending.has(p.conversation)) state.pending.set(p.conversation, []);
      if (!state.pending.get(p.conversation).some((x) => x.clientMsgId === p.clientMsgId)) {
        state.pending.get(p.conversation).push({ ...p, status: 'sending' });
      }
    }
    for (const r of reactions) if (!state.reactions.has(r.key)) state.reactions.set(r.key, r);
  } catch (e) {
    console.warn('no device copy', e);
  }
}

let saveTimer = null;
/** Writes the inbox to the device copy: at most one write pending (a throttle, not a debounce). */
function saveConversations() {
  if (!state.store || saveTimer) return;
  saveTimer = setTimeout(writeConversations, 250);
}

function writeConversations() {
  clearTimeout(saveTimer);
  saveTimer = null;
  const store = state.store;
  if (!store) return;
  try {
    const tx = store.db.transaction('conversations', 'readwrite');
    const os = tx.objectStore('conversations');
    os.clear();
    state.conversations.forEach((c) => os.put(c));
    tx.onabort = () => console.warn('inbox cache write aborted', tx.error);
    // commit now rather than when this task ends: on pagehide the page may be gone by then
    tx.commit?.();
  } catch (e) {
    console.warn('inbox cache write failed', e);
  }
}
addEventListener('pagehide', () => { writeConversations(); state.store?.flush(); versions.save(); cursors.save(); });

// ------------------------------------------------------------------ connection and sync
/** Presence is only shown while connected: offline, what we knew may no longer be true. */
const presenceOf = (userId) => (document.body.dataset.wsState === 'open' ? state.presence.get(userId) : null);

function onConnectionState(s) {
  const changed = document.body.dataset.wsState !== s;
  document.body.dataset.wsState = s;
  if (changed && state.me && !$('app').hidden) { renderInbox(); if (state.current) renderHeader(); }
  $('connection').textContent = s === 'open' ? ''
    : s === 'offline' ? 'Offline — messages will be sent when you are back.' : 'Connecting…';
}

/** Subscribed (welcome): now sync from our cursors, then live events merge by seq. */
async function onWelcome(welcome) {
  document.body.dataset.wsNode = welcome.node;
  // the versions applied when the socket was subscribed: live changes from now on may move them
  // on, but what changed while away is fetched from these
  const since = new Map(versions.map);
  try {
    const { conversations } = await api.conversations();
    const seen = new Set();
    receipts.reported.clear(); // what the server holds of my cursors now: report only what goes beyond
    for (const c of conversations) {
      state.conversations.set(c.id, c);
      seen.add(c.id);
      receipts.reported.set(c.id, { delivered: c.deliveredSeq || 0, read: c.readSeq || 0 });
    }
    for (const id of [...state.conversations.keys()]) if (!seen.has(id)) state.conversations.delete(id);
    // a device that holds a message has received it: fetch everything above the contiguous cursor,
    // holes included (this is what turns an offline recipient's messages "delivered" when they
    // come back), paged; then report the cursors
    for (const c of state.conversations.values()) {
      if (c.lastSeq > cursors.update(c.id)) await catchUp(c.id);
      reportReceipts(c.id);
    }
    // edits, deletes and reactions made while this device was away
    for (const c of state.conversations.values()) {
      await syncChanges(c, since.get(c.id)).catch((e) => console.warn('changes sync failed', c.id, e));
    }
    await refreshPresence();
    renderInbox();
    if (state.current) { renderConversation(); markRead(); }
    flushOutbox();
    flushReactions();
  } catch (e) {
    console.warn('sync failed', e);
  }
}

/** Fetches everything above the contiguous cursor (any hole first), page by page. */
async function catchUp(id) {
  let after = cursors.update(id);
  for (;;) {
    const page = await api.history(id, { after, limit: 100 });
    page.messages.forEach((m) => putMessage(m));
    if (!page.hasMore || page.messages.length === 0) break;
    after = page.messages[page.messages.length - 1].seq;
  }
}

/**
 * Fetches the messages changed above the version this device had applied, and puts them in place
 * of the copies held (in memory or on the device). A device that holds nothing of a chat starts
 * from the chat's current version: what it fetches later is current anyway.
 */
async function syncChanges(c, seen) {
  if (typeof c.lastVersion !== 'number') return;
  const held = state.messages.get(c.id);
  let since = seen ?? (held && held.size ? 0 : c.lastVersion);
  if (c.lastVersion > since) {
    for (;;) {
      const page = await api.changes(c.id, since, 100);
      applyChanged(c.id, page.messages);
      for (const m of page.messages) since = Math.max(since, m.version || 0);
      if (!page.hasMore || page.messages.length === 0) break;
    }
  }
  versions.note(c.id, Math.max(since, c.lastVersion));
}

/** Changed messages replace the copies held; those not held are updated on the device only if it has them. */
function applyChanged(id, messages) {
  const held = state.messages.get(id);
  const c = state.conversations.get(id);
  const elsewhere = [];
  for (const m of messages) {
    if (m.seq <= (c?.clearedSeq || 0)) continue;
    const old = held && held.get(m.seq);
    if (old) {
      if ((m.version || 0) >= (old.version || 0)) putMessage(m);
    } else {
      elsewhere.push([[m.conversation, m.seq], (o) => ((m.version || 0) >= (o.version || 0) ? m : o)]);
    }
    if (c && c.lastMessage && c.lastMessage.seq === m.seq) c.lastMessage = m;
  }
  if (elsewhere.length && state.store) state.store.updateExisting('messages', elsewhere);
  repaint('inbox', id === state.current && 'messages');
}

async function refreshPresence() {
  const ids = [...new Set([...state.conversations.values()].filter((c) => c.peer).map((c) => c.peer.id))];
  for (let i = 0; i < ids.length; i += 200) {
    const { presence } = await api.presence(ids.slice(i, i + 200));
    presence.forEach((p) => state.presence.set(p.user, p));
  }
}

// ------------------------------------------------------------------ repainting, once a frame
/**
 * Live events only say what changed. The first event after a quiet spell is painted at once (a
 * message that arrives alone shows without waiting for a frame); while events keep coming, the
 * page is repainted at the next frame however many came (a burst of 400 messages costs a few
 * paints, not 400). A hidden tab gets no frames, so a timer stands in. What the user does
 * repaints at once, as before.
 */
const dirty = new Set();
const QUIET_MS = 100;
let paintFrame = 0;
let paintTimer = 0;
let paintSoon = false;
let lastPaint = -Infinity;
function repaint(...parts) {
  parts.forEach((part) => part && dirty.add(part));
  if (paintFrame || paintTimer || paintSoon) return;
  if (performance.now() - lastPaint > QUIET_MS) {
    paintSoon = true;
    queueMicrotask(paintNow); // after this event's handler, before the next task
    return;
  }
  paintFrame = requestAnimationFrame(paintNow);
  paintTimer = setTimeout(paintNow, 100);
}
function paintNow() {
  cancelAnimationFrame(paintFrame);
  clearTimeout(paintTimer);
  paintFrame = 0;
  paintTimer = 0;
  paintSoon = false;
  lastPaint = performance.now();
  const parts = new Set(dirty);
  dirty.clear();
  if (parts.has('inbox')) renderInbox();
  if (!state.current) return;
  if (parts.has('conversation')) { renderConversation(); return; }
  if (parts.has('header')) renderHeader();
  if (parts.has('messages')) renderMessages();
  if (parts.has('typing')) renderTyping();
}

// ------------------------------------------------------------------ events
function onEvent(ev) {
  switch (ev.type) {
    case 'message.created': onMessage(ev.data); break;
    case 'message.updated':
    case 'message.deleted': onMessageChanged(ev.data); break;
    case 'reaction.updated': onReactions(ev.data); break;
    case 'conversation.created': state.conversations.set(ev.data.id, ev.data); repaint('inbox'); refreshPresence().then(() => repaint('inbox')).catch(() => {}); break;
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

/** An admin's announcement to everyone online: a banner (text only) until dismissed. */
function showAnnouncement(a) {
  $('announcement-text').textContent = a.text;
  $('announcement').hidden = false;
}
$('announcement-dismiss').addEventListener('click', () => { $('announcement').hidden = true; });

function putMessage(m, persist = true) {
  if (!state.messages.has(m.conversation)) state.messages.set(m.conversation, new Map());
  state.messages.get(m.conversation).set(m.seq, m);
  cursors.update(m.conversation);
  if (persist && state.store) state.store.putSoon('messages', m);
  const pend = state.pending.get(m.conversation);
  if (pend && m.senderId === state.me.id) {
    const i = pend.findIndex((p) => p.clientMsgId === m.clientMsgId);
    if (i >= 0) pend.splice(i, 1);
  }
}

function onMessage(m) {
  putMessage(m);
  const c = state.conversations.get(m.conversation);
  if (!c) {
    api.conversations().then(({ conversations }) => {
      conversations.forEach((x) => state.conversations.set(x.id, x));
      cursors.update(m.conversation);
      reportReceipts(m.conversation);
      renderInbox();
    });
    return;
  }
  if (m.seq >= c.lastSeq) { c.lastSeq = m.seq; c.lastMessage = m; c.updatedAt = m.at; c.archived = false; }
  if (m.senderId === state.me.id) {
    // the server moved my cursors with my send: nothing to report for it (this device's cursor is its own)
    c.readSeq = Math.max(c.readSeq, m.seq); c.deliveredSeq = Math.max(c.deliveredSeq, m.seq);
    const reported = receipts.reported.get(m.conversation);
    if (reported) { reported.read = Math.max(reported.read, m.seq); reported.delivered = Math.max(reported.delivered, m.seq); }
  } else {
    state.typing.get(m.conversation)?.delete(m.senderId);
    if (m.conversation === state.current && document.visibilityState === 'visible') markRead();
    else reportReceipts(m.conversation); // delivered: the contiguous cursor, once per window, never per message
    notify(c, m);
  }
  c.unreadCount = Math.max(0, c.lastSeq - c.readSeq);
  if (c.kind === 'channel' && m.senderId !== state.me.id && (m.text || '').includes('@')) {
    // whether it mentions me (and @channel counts) is the server's call: take its count
    api.conversation(c.id).then((v) => { c.mentionCount = v.mentionCount; renderInbox(); }).catch(() => {});
  }
  repaint('inbox', m.conversation === state.current && 'conversation');
}

/** An edit or a deletion: replace the bubble, and the inbox preview if it showed that message. */
function onMessageChanged(m) {
  versions.note(m.conversation, m.version);
  const held = state.messages.get(m.conversation);
  const old = held && held.get(m.seq);
  if (old && (m.version || 0) < (old.version || 0)) return; // a newer change is already here
  if (old || !held || !held.size || m.seq > newestOf(held)) {
    putMessage(m);
  } else { // older than the window held: only the device's copy, if it has it (no gap in the held window)
    applyChanged(m.conversation, [m]);
    return;
  }
  const c = state.conversations.get(m.conversation);
  if (c && c.lastMessage && c.lastMessage.seq === m.seq) c.lastMessage = m;
  refreshQuotes(m);
  repaint('inbox', m.conversation === state.current && 'messages');
}

/** The replies held that quote an edited or deleted message show it as it is now (as the server would). */
function refreshQuotes(m) {
  const held = state.messages.get(m.conversation);
  if (!held) return;
  for (const [seq, r] of held) {
    if (!r.replyTo || r.replyTo.seq !== m.seq) continue;
    const updated = { ...r, replyTo: { ...r.replyTo, deleted: !!m.deleted, text: m.deleted ? '' : (m.text || '').slice(0, 200),
      attachment: m.deleted ? null : r.replyTo.attachment } };
    held.set(seq, updated);
    if (state.store) state.store.putSoon('messages', updated);
  }
}

/**
 * Someone (maybe me, on any device) reacted: the message's reactions are replaced by the server's.
 * My reactions still waiting for the server are shown on top of it (see waitingReactions).
 */
function onReactions(r) {
  versions.note(r.conversation, r.version);
  const held = state.messages.get(r.conversation);
  const old = held && held.get(r.seq);
  const apply = (m) => ((r.version || 0) >= (m.version || 0) ? { ...m, reactions: r.reactions, version: r.version } : m);
  if (old) {
    const m = apply(old);
    if (m !== old) putMessage(m);
    const c = state.conversations.get(r.conversation);
    if (c && c.lastMessage && c.lastMessage.seq === r.seq) c.lastMessage = m;
    repaint(r.conversation === state.current && 'messages');
  } else if (state.store) {
    state.store.updateExisting('messages', [[[r.conversation, r.seq], apply]]);
  }
}

/** Membership or group changes: the inbox is refetched (the server's view is the truth). */
async function reloadConversations(ev) {
  if (ev.type === 'group.member.added' || ev.type === 'group.updated') {
    const groupId = ev.data.group || ev.data.id;
    state.namesOf.delete(groupId);
    const open = state.conversations.get(state.current);
    if (open?.group?.id === groupId) loadNames(groupId);
  }
  try {
    const { conversations } = await api.conversations();
    const seen = new Set(conversations.map((c) => c.id));
    for (const id of [...state.conversations.keys()]) {
      if (!seen.has(id)) { state.conversations.delete(id); state.messages.delete(id); state.loaded.delete(id); }
    }
    conversations.forEach((c) => state.conversations.set(c.id, c));
    if (state.current && !seen.has(state.current)) $('back').click();
    renderInbox();
    if (state.current) renderConversation();
  } catch (e) { console.warn('reload failed', e); }
}

/** A system notification for a new message while the tab is hidden, unless the chat is muted. */
function notify(c, m) {
  if (document.visibilityState !== 'hidden' || c.muted || !('Notification' in window)
      || Notification.permission !== 'granted') return;
  const who = c.peer ? nameOf(c.peer) : `${state.names.get(m.senderId) || 'Someone'} in #${c.name}`;
  try {
    const n = new Notification(who, { body: previewOf(m).slice(0, 200), tag: c.id });
    n.onclick = () => { window.focus(); openConversation(c.id); n.close(); };
  } catch { /* some browsers only allow notifications from a service worker */ }
}

/** Asked once, on a gesture of the user's (sending), never on page load. */
function askForNotifications() {
  if ('Notification' in window && Notification.permission === 'default') Notification.requestPermission().catch(() => {});
}

function onConversationUpdated(view) {
  const old = state.messages.get(view.id);
  if (old) for (const seq of [...old.keys()]) if (seq <= view.clearedSeq) old.delete(seq);
  state.conversations.set(view.id, view);
  cursors.update(view.id); // what was cleared counts as held
  repaint('inbox', view.id === state.current && 'conversation');
}

/**
 * A member's cursors moved. Mine (any device): my unread count follows, and the server holds them,
 * so this device need not report them. The peer's in a direct chat: my ticks. In a group another
 * member's cursors never move my ticks (the server sends them only in direct chats anyway): ticks
 * there say "everyone", and come from receipts.advanced.
 */
function onReceipt(r) {
  const c = state.conversations.get(r.conversation);
  if (!c) return;
  if (r.user === state.me.id) {
    c.readSeq = Math.max(c.readSeq, r.readSeq);
    c.deliveredSeq = Math.max(c.deliveredSeq, r.deliveredSeq);
    c.unreadCount = Math.max(0, c.lastSeq - c.readSeq); // read on another device clears it here
    const reported = receipts.reported.get(r.conversation);
    if (reported) { // the server holds them: this device need not report them
      reported.read = Math.max(reported.read, r.readSeq);
      reported.delivered = Math.max(reported.delivered, r.deliveredSeq);
    }
  } else if (c.kind === 'direct') {
    c.peerReadSeq = Math.max(c.peerReadSeq, r.readSeq);
    c.peerDeliveredSeq = Math.max(c.peerDeliveredSeq, r.deliveredSeq);
  } else {
    return;
  }
  repaint('inbox', r.conversation === state.current && 'messages');
}

/** In a group's channel, everyone (the minimum over all members) has now received / read this far: my ticks. */
function onReceiptsAdvanced(a) {
  const c = state.conversations.get(a.conversation);
  if (!c) return;
  c.peerDeliveredSeq = Math.max(c.peerDeliveredSeq || 0, a.deliveredSeq || 0);
  c.peerReadSeq = Math.max(c.peerReadSeq || 0, a.readSeq || 0);
  repaint('inbox', a.conversation === state.current && 'messages');
}

function onTyping(ev) {
  const typists = state.typing.get(ev.conversation) || new Map();
  if (ev.data.state === 'stop') typists.delete(ev.data.user);
  else typists.set(ev.data.user, Date.now() + (ev.data.expiresInMs || 6000));
  state.typing.set(ev.conversation, typists);
  repaint('typing');
  setTimeout(() => repaint('typing'), (ev.data.expiresInMs || 6000) + 50);
}

function onContact(person) {
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
    $('me-name').textContent = u.displayName || u.username;
    $('me-avatar').textContent = initials(u.displayName || u.username);
  }
  repaint('inbox', 'header', 'messages');
}

// ------------------------------------------------------------------ inbox
const nameOf = (peer) => peer.alias || peer.displayName || peer.username;
/** A message in one line: its text, what it carries ("Photo", "Voice message (0:04)", "notes.pdf"), or both. */
function previewOf(m) {
  const text = m.text || '';
  if (!m.attachment) return text;
  return [attachments.describe(m.attachment), text].filter(Boolean).join(' · ');
}
/** Who a user is in a conversation, as I see them. */
function userName(c, userId) {
  if (userId === state.me.id) return 'You';
  if (c && c.peer && c.peer.id === userId) return nameOf(c.peer);
  return state.names.get(userId) || 'Someone';
}
/** What a conversation is called in the inbox and header: the person, or #channel of a group. */
const titleOf = (c) => (c.kind === 'channel' ? `#${c.name}` : nameOf(c.peer));

function renderInbox() {
  const all = [...state.conversations.values()].sort((a, b) =>
    (b.pinned - a.pinned) || String(activity(b)).localeCompare(String(activity(a)))
      || String(a.group?.id || '').localeCompare(String(b.group?.id || '')) || String(a.name || '').localeCompare(String(b.name || '')));
  const active = all.filter((c) => !c.archived);
  const archived = all.filter((c) => c.archived);
  fillList($('conversation-list'), active);
  fillList($('archived-list'), archived);
  $('archived-section').hidden = archived.length === 0;
  $('archived-count').textContent = archived.length ? `(${archived.length})` : '';
  $('empty-inbox').hidden = all.length > 0;
  saveConversations();
  const unread = active.filter((c) => !c.muted).reduce((n, c) => n + (c.unreadCount > 0 ? 1 : 0), 0);
  document.title = unread ? `(${unread}) Chat` : 'Chat';
}

/** A group's channels sort by the group's latest activity, so they stay together under it. */
function activity(c) {
  if (!c.group || c.pinned) return c.updatedAt;
  let latest = c.updatedAt;
  for (const o of state.conversations.values()) if (o.group?.id === c.group.id && !o.pinned && o.updatedAt > latest) latest = o.updatedAt;
  return latest;
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
    const online = c.peer && presenceOf(c.peer.id)?.state === 'online';
    const last = c.lastMessage;
    const preview = last ? (last.deleted || (c.hiddenSeqs || []).includes(last.seq) ? 'Message deleted' : (last.senderId === state.me.id ? 'You: ' : '') + previewOf(last)) : 'No messages yet';
    const item = el('button', {
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
    list.append(el('li', {}, item));
  }
}

/** A channel's avatar: '#' and the channel's initial, in the channel's own colour (two channels of a group differ). */
function groupAvatar(c) {
  const a = el('span', { class: 'avatar group', 'aria-hidden': 'true' }, channelLabel(c));
  a.style.setProperty('--hue', hue(c.id));
  return a;
}

function channelLabel(c) {
  return c.name ? '#' + [...c.name][0].toUpperCase() : initials(c.group.name);
}

function avatar(peer, online) {
  const a = el('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(nameOf(peer)),
    el('span', { class: 'presence-dot' + (online ? ' online' : '') }));
  a.style.setProperty('--hue', hue(peer.id));
  return a;
}

// ------------------------------------------------------------------ people search
const search = { results: [], active: -1, timer: null, seq: 0 };
const searchInput = $('new-chat-username');

function closeResults() {
  $('people-results').hidden = true;
  searchInput.setAttribute('aria-expanded', 'false');
  searchInput.removeAttribute('aria-activedescendant');
  search.active = -1;
}

function renderResults() {
  const list = $('people-results');
  clear(list);
  search.results.forEach((p, i) => {
    const li = el('li', {
      id: `person-${i}`, role: 'option', 'aria-selected': String(i === search.active), 'data-testid': 'person',
      onmousedown: (e) => { e.preventDefault(); startChatWith(p.username); },
    }, avatar(p, state.presence.get(p.id)?.state === 'online'),
      el('span', { class: 'who' }, el('span', {}, nameOf(p)), el('span', { class: 'muted small' }, '@' + p.username)),
      p.contact ? el('span', { class: 'tag' }, 'contact') : null);
    list.append(li);
  });
  if (search.results.length === 0) list.append(el('li', { class: 'none', role: 'option', 'aria-disabled': 'true' }, 'No one found'));
  list.hidden = false;
  searchInput.setAttribute('aria-expanded', 'true');
  if (search.active >= 0) searchInput.setAttribute('aria-activedescendant', `person-${search.active}`);
  else searchInput.removeAttribute('aria-activedescendant');
}

searchInput.addEventListener('input', () => {
  clearTimeout(search.timer);
  const q = searchInput.value.trim();
  $('new-chat-error').textContent = '';
  if (!q) { closeResults(); return; }
  search.timer = setTimeout(async () => {
    const mine = ++search.seq;
    try {
      const { people } = await api.searchPeople(q);
      if (mine !== search.seq || document.activeElement !== searchInput) return; // a newer query answered first, or the field was left
      search.results = people;
      search.active = -1;
      renderResults();
    } catch { closeResults(); }
  }, 200);
});
searchInput.addEventListener('keydown', (e) => {
  if ($('people-results').hidden) return;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    const n = search.results.length;
    if (!n) return;
    search.active = (search.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
    renderResults();
  } else if (e.key === 'Enter' && search.active >= 0) {
    e.preventDefault();
    startChatWith(search.results[search.active].username);
  } else if (e.key === 'Escape') {
    closeResults();
  }
});
searchInput.addEventListener('blur', () => setTimeout(closeResults, 150));

$('new-chat').addEventListener('submit', (e) => {
  e.preventDefault();
  startChatWith(searchInput.value.trim().toLowerCase());
});

async function startChatWith(username) {
  search.seq++; // a query still on its way is no longer wanted
  clearTimeout(search.timer);
  closeResults();
  $('new-chat-error').textContent = '';
  if (!username) return;
  try {
    const c = await api.openDirect(username);
    state.conversations.set(c.id, c);
    $('new-chat-username').value = '';
    await refreshPresence().catch(() => {});
    openConversation(c.id);
  } catch (err) {
    $('new-chat-error').textContent = err instanceof ApiError ? err.message : 'Cannot reach the server.';
  }
}

// ------------------------------------------------------------------ profile
$('me').addEventListener('click', () => {
  $('profile-username').textContent = '@' + state.me.username;
  $('profile-display-name').value = state.me.displayName || '';
  $('profile-bio').value = state.me.bio || '';
  $('profile-error').textContent = '';
  $('profile').showModal();
});
$('profile-cancel').addEventListener('click', () => $('profile').close());
$('profile-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    state.me = await api.updateMe({ displayName: $('profile-display-name').value.trim(), bio: $('profile-bio').value.trim() });
    $('me-name').textContent = state.me.displayName;
    $('me-avatar').textContent = initials(state.me.displayName);
    $('profile').close();
  } catch (err) {
    $('profile-error').textContent = err instanceof ApiError ? err.message : 'Cannot reach the server.';
  }
});

// ------------------------------------------------------------------ conversation
async function openConversation(id) {
  if (state.current !== id) leaveComposer();
  state.current = id;
  state.editing = null;
  view.id = null; // a chat opens at its newest messages
  $('app').classList.add('in-conversation');
  $('no-conversation').hidden = true;
  $('conversation-view').hidden = false;
  renderInbox();
  renderConversation();
  performance.mark('chat:conversation'); // the benchmark's "usable conversation"
  const opened = state.conversations.get(id);
  if (opened?.group && !state.namesOf.has(opened.group.id)) loadNames(opened.group.id);
  if (!state.loaded.has(id)) {
    try {
      const page = await api.history(id, { limit: 50 });
      page.messages.forEach(putMessage);
      state.loaded.add(id);
      if (page.hasMore) state.messages.get(id).hasMore = true;
    } catch (e) { console.warn('history failed', e); }
    if (state.current === id) renderConversation();
  }
  markRead();
  $('message-input').value = drafts.get(id);
  $('message-input').focus();
}

/** What was being composed for the chat left (a reply, a picked file, a recording) does not follow to another. */
function leaveComposer() {
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

/** The open chat is on screen: everything in it is seen, up to the contiguous cursor (a hole is not read). */
function markRead() {
  const c = state.conversations.get(state.current);
  if (!c || document.visibilityState !== 'visible') return;
  const seen = readUpTo(c.lastSeq, cursors.update(c.id) ?? 0);
  if (seen <= c.readSeq) return;
  c.readSeq = seen;
  c.deliveredSeq = Math.max(c.deliveredSeq, seen);
  c.unreadCount = Math.max(0, c.lastSeq - c.readSeq);
  c.mentionCount = 0;
  repaint('inbox');
  reportReceipts(c.id);
}

/**
 * Receipts are cursors, reported per conversation at most once per window: `delivered` is the
 * contiguous cursor, `read` the highest seq seen (never above it). A burst of 100 messages costs
 * one frame, not 100. reported holds what the server has of my cursors (from the welcome's sync,
 * my own receipt.updated and what this device sent since), so nothing already there is sent.
 */
const RECEIPT_WINDOW_MS = 300;
const receipts = { reported: new Map(), timers: new Map() };
function reportReceipts(id) {
  if (receipts.timers.has(id)) return; // the frame of this window will carry the newest cursors
  receipts.timers.set(id, setTimeout(() => {
    receipts.timers.delete(id);
    sendReceipt(id);
  }, RECEIPT_WINDOW_MS));
}

function sendReceipt(id) {
  const c = state.conversations.get(id);
  const cursor = cursors.update(id);
  if (!c || cursor == null) return;
  if (!receipts.reported.has(id)) receipts.reported.set(id, { delivered: 0, read: 0 });
  const reported = receipts.reported.get(id);
  const read = readUpTo(c.readSeq, cursor);
  let frame = null;
  if (read > reported.read) frame = { type: 'read', conversation: id, seq: read }; // read implies delivered
  else if (cursor > Math.max(reported.delivered, reported.read)) frame = { type: 'delivered', conversation: id, seq: cursor };
  if (!frame) return;
  if (frame.type === 'read') reported.read = frame.seq;
  reported.delivered = Math.max(reported.delivered, frame.seq);
  if (state.socket && state.socket.isOpen()) {
    state.socket.send({ ...frame, id: frame.type[0] + frame.seq });
  } else {
    // lost with the network: the next welcome starts again from what the server holds
    (frame.type === 'read' ? api.read(id, frame.seq) : api.delivered(id, frame.seq)).catch(() => {});
  }
  if (cursor > reported.delivered) reportReceipts(id); // the delivered cursor went past what was read: next window
}
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && state.current) markRead(); });

function renderConversation() {
  renderHeader();
  renderMessages();
  renderTyping();
}

function renderHeader() {
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
  const menu = $('menu');
  menu.querySelector('[data-action=pin]').textContent = c.pinned ? 'Unpin chat' : 'Pin chat';
  menu.querySelector('[data-action=mute]').textContent = c.muted ? 'Unmute' : 'Mute';
  menu.querySelector('[data-action=archive]').textContent = c.archived ? 'Unarchive' : 'Archive';
  menu.querySelector('[data-action=alias]').textContent = c.peer?.contact ? 'Rename contact…' : 'Add to contacts…';
  menu.querySelector('[data-action=alias]').parentElement.hidden = !c.peer;
  menu.querySelector('[data-action=group]').parentElement.hidden = !c.group;
  menu.querySelector('[data-action=uncontact]').parentElement.hidden = !c.peer?.contact;
}

/** Who is typing in a conversation right now (expired entries dropped). */
function typists(id) {
  const now = Date.now();
  const t = state.typing.get(id);
  if (!t) return [];
  for (const [user, until] of t) if (until <= now) t.delete(user);
  return [...t.keys()];
}

function statusLine(c) {
  if (c.kind === 'channel') return `${c.group.name} · ${c.memberCount} member${c.memberCount === 1 ? '' : 's'}`;
  const p = presenceOf(c.peer.id);
  if (!p || p.state === 'unknown') return '@' + c.peer.username;
  return p.state === 'online' ? 'online' : lastSeenLabel(p.lastSeen) || '@' + c.peer.username;
}

function renderTyping() {
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

/**
 * The message list is a window over the chat: at most WINDOW messages are in the DOM, either the
 * newest (following the conversation as it grows) or, once scrolled up, the ones from
 * {@code view.from} on. Scrolling near an end moves the window (reading older messages from the
 * device, then the server); the message in view keeps its place on screen, so nothing jumps.
 */
const view = { id: null, from: null, paging: false, toEnd: false };

function sortedMessages(id) {
  return [...(state.messages.get(id) || new Map()).values()].sort((a, b) => a.seq - b.seq);
}

function renderMessages() {
  const box = $('messages');
  const c = state.conversations.get(state.current);
  if (!c) return;
  const opening = view.id !== c.id;
  if (opening) { view.id = c.id; view.from = null; }
  const following = view.from == null;
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const anchor = following ? null : anchorOf(box);
  const held = state.messages.get(c.id) || new Map();
  const list = sortedMessages(c.id);
  let from = following ? Math.max(0, list.length - WINDOW) : list.findIndex((m) => m.seq >= view.from);
  if (from < 0) from = Math.max(0, list.length - WINDOW);
  const to = Math.min(list.length, from + WINDOW);
  const atEnd = to === list.length;
  clear(box);
  if (from > 0 || held.hasMore) {
    box.append(el('button', { class: 'link day', type: 'button', 'data-testid': 'earlier', onclick: () => pageUp(c.id) }, 'Earlier messages'));
  }
  const pending = atEnd ? (state.pending.get(c.id) || []).map((p) => ({ ...p, senderId: state.me.id, pending: true })) : [];
  let lastDay = from > 0 ? dayLabel(list[from - 1].at) : null;
  let lastSender = from > 0 ? list[from - 1].senderId : null;
  const hidden = new Set(c.hiddenSeqs || []); // deleted for me (on any of my devices)
  for (const m of [...list.slice(from, to), ...pending]) {
    if (m.seq != null && !m.pending && hidden.has(m.seq)) continue;
    const day = dayLabel(m.at);
    if (day !== lastDay) { box.append(el('div', { class: 'day', role: 'separator' }, day)); lastDay = day; lastSender = null; }
    if (c.kind === 'channel' && m.senderId !== state.me.id && m.senderId !== lastSender) {
      box.append(el('div', { class: 'sender' }, state.names.get(m.senderId) || 'Former member'));
    }
    box.append(bubble(c, m, m.senderId === lastSender));
    lastSender = m.senderId;
  }
  if (!atEnd) {
    box.append(el('button', { class: 'link day', type: 'button', onclick: () => jumpToLatest() }, 'Newer messages ↓'));
  }
  attachments.prune();
  if (anchor) restoreAnchor(box, anchor);
  else if (nearBottom || opening || view.toEnd) box.scrollTop = box.scrollHeight;
  view.toEnd = false;
}

/** A picture that just loaded grew the list: stay at the newest end if we were following it. */
function followBottom() {
  const box = $('messages');
  if (view.from == null && box.scrollHeight - box.scrollTop - box.clientHeight < 400) box.scrollTop = box.scrollHeight;
}

/** The first message on screen and how far it is from the top of the list's view. */
function anchorOf(box) {
  const top = box.getBoundingClientRect().top;
  for (const node of box.querySelectorAll('[data-seq]')) {
    const r = node.getBoundingClientRect();
    if (r.bottom > top && node.dataset.seq) return { seq: node.dataset.seq, offset: r.top - top };
  }
  return null;
}

function restoreAnchor(box, anchor) {
  const node = box.querySelector(`[data-seq="${anchor.seq}"]`);
  if (node) box.scrollTop += node.getBoundingClientRect().top - box.getBoundingClientRect().top - anchor.offset;
}

/** Moves the window up: older messages held in memory first, then from the device, then the server. */
async function pageUp(id) {
  if (view.paging) return;
  view.paging = true;
  try {
    let list = sortedMessages(id);
    let from = view.from == null ? Math.max(0, list.length - WINDOW) : list.findIndex((m) => m.seq >= view.from);
    const first = list[from]?.seq;
    if (from < STEP && state.messages.get(id)?.hasMore) {
      await loadOlder(id);
      list = sortedMessages(id);
      from = list.findIndex((m) => m.seq >= first);
    }
    if (state.current !== id || from <= 0) return;
    view.from = list[Math.max(0, from - STEP)].seq;
    renderMessages();
  } finally {
    view.paging = false;
  }
}

/** Moves the window down; at the newest end it follows the conversation again. */
function pageDown(id) {
  if (view.from == null) return;
  const list = sortedMessages(id);
  const from = list.findIndex((m) => m.seq >= view.from);
  view.from = from < 0 || from + STEP + WINDOW >= list.length ? null : list[from + STEP].seq;
  if (view.from == null) { // keep what is on screen in place as the window rejoins the newest end
    const box = $('messages');
    const anchor = anchorOf(box);
    renderMessages();
    if (anchor) restoreAnchor(box, anchor);
    return;
  }
  renderMessages();
}

function jumpToLatest() {
  view.from = null;
  renderMessages();
  const box = $('messages');
  box.scrollTop = box.scrollHeight;
}

let scrollFrame = 0;
$('messages').addEventListener('scroll', () => {
  if (scrollFrame) return;
  scrollFrame = requestAnimationFrame(() => {
    scrollFrame = 0;
    const box = $('messages');
    const id = state.current;
    if (!id) return;
    if (box.scrollTop < 400) pageUp(id);
    else if (box.scrollHeight - box.scrollTop - box.clientHeight < 400) pageDown(id);
  });
}, { passive: true });

const REPLY_ICON = 'M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z';
const REACT_ICON = 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9A1.5 1.5 0 1 0 8.5 8a1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5a5.5 5.5 0 0 0 5.1-3.5H6.9a5.5 5.5 0 0 0 5.1 3.5z';

function bubble(c, m, grouped) {
  const mine = m.senderId === state.me.id;
  let status = 'sent';
  if (m.pending) status = m.status;
  else if (mine && m.seq <= c.peerReadSeq) status = 'read';
  else if (mine && m.seq <= c.peerDeliveredSeq) status = 'delivered';
  const uploading = m.pending && m.upload;
  const footer = el('span', { class: 'footer' },
    m.editedAt && !m.deleted ? el('span', {}, 'edited') : null,
    el('time', { datetime: m.at }, timeLabel(m.at)),
    mine ? withInfo(c, m, tick(status)) : null,
    m.pending && m.status === 'failed' && !m.final ? el('button', { class: 'retry', type: 'button', onclick: () => retry(c.id, m.clientMsgId) }, 'Retry') : null,
    uploading || (m.pending && m.status === 'failed')
      ? el('button', { class: 'retry discard', type: 'button', 'aria-label': m.status === 'failed' ? 'Discard message' : 'Cancel sending',
        onclick: () => discard(c.id, m.clientMsgId) }, m.status === 'failed' ? 'Discard' : 'Cancel') : null);
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
  if (!m.pending && !m.deleted) {
    const actions = el('span', { class: 'actions' },
      el('button', { type: 'button', class: 'action-icon', 'aria-label': 'Reply', title: 'Reply', onclick: () => startReply(c, m) }, svg(REPLY_ICON, 16)),
      el('button', { type: 'button', class: 'action-icon', 'aria-label': 'Add reaction', title: 'Add reaction',
        onclick: (e) => picker.open(e.currentTarget, (emoji) => react(c.id, m.seq, emoji, true)) }, svg(REACT_ICON, 16)));
    if (mine && (m.text || !m.attachment)) {
      actions.append(el('button', { type: 'button', 'aria-label': 'Edit message', onclick: () => startEdit(m) }, 'Edit'));
    }
    actions.append(el('button', { type: 'button', class: 'danger-action', 'aria-label': 'Delete message', onclick: () => confirmDelete(c, m, mine) }, 'Delete'));
    node.append(actions);
  }
  return node;
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
  const what = r.deleted ? 'Deleted message'
    : [r.attachment ? attachments.describe(r.attachment) : '', r.text || ''].filter(Boolean).join(' · ') || 'Message';
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

/** The display names of a group's members, for sender names and typing lines. */
function loadNames(groupId) {
  api.groupMembers(groupId).then(({ members }) => {
    members.forEach((m) => state.names.set(m.id, m.displayName || m.username));
    state.namesOf.add(groupId);
    if (state.conversations.get(state.current)?.group?.id === groupId) renderMessages();
  }).catch(() => {});
}

/** Reads a page of older messages: from the device while it has them, else from the server. */
async function loadOlder(id) {
  const held = state.messages.get(id);
  const oldest = oldestOf(held);
  const cleared = state.conversations.get(id)?.clearedSeq || 0;
  const cached = state.store ? await state.store.messagesBefore(id, oldest, STEP) : [];
  const usable = cached.filter((m) => m.seq > cleared);
  // the device's copy is contiguous: a full page from it needs no server round trip
  if (usable.length === STEP && usable[0].seq === oldest - 1) {
    usable.forEach((m) => putMessage(m, false));
    return;
  }
  try {
    const page = await api.history(id, { before: oldest, limit: STEP });
    page.messages.forEach((m) => putMessage(m));
    held.hasMore = page.hasMore;
  } catch (e) {
    usable.forEach((m) => putMessage(m, false)); // offline: what the device has is still worth showing
    console.warn('older messages unavailable', e);
  }
}

// ------------------------------------------------------------------ composing and sending
/** Drafts per conversation, kept on the device so a reload or a closed tab loses no word. */
const drafts = {
  key: (id) => `chat.draft.${state.me?.id}.${id}`,
  get: (id) => localStorage.getItem(drafts.key(id)) || '',
  set: (id, text) => { if (text) localStorage.setItem(drafts.key(id), text); else localStorage.removeItem(drafts.key(id)); },
  delete: (id) => localStorage.removeItem(drafts.key(id)),
};
let lastTypingSent = 0;
let typingStopTimer = null;

const input = $('message-input');
input.addEventListener('input', () => {
  drafts.set(state.current, input.value);
  input.style.height = 'auto';
  input.style.height = Math.min(input.scrollHeight, 144) + 'px';
  if (!state.current || !state.socket || state.editing) return;
  const now = Date.now();
  if (now - lastTypingSent > 3000) {
    lastTypingSent = now;
    state.socket.send({ type: 'typing', id: 't' + now, conversation: state.current, state: 'start' });
  }
  clearTimeout(typingStopTimer);
  typingStopTimer = setTimeout(stopTyping, 4000);
});
function stopTyping() {
  if (lastTypingSent && state.current && state.socket) {
    state.socket.send({ type: 'typing', id: 's' + Date.now(), conversation: state.current, state: 'stop' });
  }
  lastTypingSent = 0;
}
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); $('composer').requestSubmit(); }
  if (e.key === 'Escape') { cancelEdit(); cancelReply(); closeMenu(); }
});

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  const file = state.staged;
  if ((!text && !file) || !state.current) return;
  askForNotifications();
  const id = state.current;
  input.value = '';
  input.style.height = 'auto';
  drafts.delete(id);
  clearTimeout(typingStopTimer);
  stopTyping();
  if (state.editing != null) {
    const seq = state.editing;
    cancelEdit();
    api.edit(id, seq, text).then(onMessageChanged).catch(alertError);
    return;
  }
  clearStaged();
  queueMessage(id, text, file ? {
    blob: file, name: file.name || 'file', size: file.size, contentType: file.type || 'application/octet-stream',
    voice: null, id: null, view: null,
  } : null);
});

let orderSeq = 0;

/**
 * Puts a message in the outbox (on the device first: it survives a reload, a closed tab, a crash,
 * and so does the file or recording it carries) and sends it in its turn. upload: the attachment
 * still to upload, {blob, name, size, contentType, voice, id, view}.
 */
function queueMessage(id, text, upload) {
  const reply = state.replyTo && state.replyTo.conversation === id ? state.replyTo.quote : null;
  cancelReply();
  const p = { clientMsgId: crypto.randomUUID(), conversation: id, text, status: 'sending',
    at: new Date().toISOString(), order: Date.now() * 1000 + (orderSeq++ % 1000), replyTo: reply, upload, progress: 0 };
  if (!state.pending.has(id)) state.pending.set(id, []);
  state.pending.get(id).push(p);
  view.toEnd = true;
  if (view.from != null) jumpToLatest(); else renderMessages();
  // Kept on the device and sent at once, side by side: the outbox's write is queued before any later
  // delete of the same entry (IndexedDB runs them in the order made), and the server keeps a send by
  // its clientMsgId, so a crash at any point either has it sent or has it queued to send again.
  if (state.store) state.store.put('outbox', [outboxEntry(p)]);
  enqueueSend(id, p);
}

/** What the outbox keeps of a queued message. */
function outboxEntry(p) {
  return {
    clientMsgId: p.clientMsgId, conversation: p.conversation, text: p.text, at: p.at, order: p.order,
    replyTo: p.replyTo || null,
    upload: p.upload ? { blob: p.upload.blob, name: p.upload.name, size: p.upload.size, contentType: p.upload.contentType,
      voice: p.upload.voice || null, id: p.upload.id || null, view: p.upload.view || null } : null,
  };
}

/** Sends in the order typed, per conversation: each send waits for the previous one (and its upload). */
function enqueueSend(id, p) {
  if (p.inFlight) return;
  p.inFlight = true;
  const chain = (state.sendChains.get(id) || Promise.resolve()).then(() => deliver(id, p)).finally(() => { p.inFlight = false; });
  state.sendChains.set(id, chain);
}

const uploadHooks = {
  persist: (p) => (state.store && !p.cancelled ? state.store.put('outbox', [outboxEntry(p)]) : Promise.resolve()),
  progress: (p, fraction) => { p.progress = fraction; attachments.setProgress(p.clientMsgId, fraction); },
};

async function deliver(id, p) {
  if (p.cancelled) return;
  if (p.status !== 'sending') { // a retry: show that it is on its way again
    p.status = 'sending';
    if (id === state.current) renderMessages();
  }
  if (p.upload && !(p.upload.view && p.upload.view.complete)) {
    try {
      await attachments.upload(p, uploadHooks); // retried with backoff until done, or refused for good
    } catch (e) {
      if (e.code === 'cancelled' || p.cancelled) return;
      p.status = 'failed';
      p.error = uploadError(e);
      // too large, or not what it says it is: sending it again cannot help (Discard stays)
      p.final = ['attachment_too_large', 'payload_too_large', 'unsupported_media_type', 'validation_failed'].includes(e.code);
      if (state.store) state.store.delete('outbox', p.clientMsgId);
      if (id === state.current) renderMessages();
      return;
    }
  }
  if (!(state.socket && state.socket.isOpen()) && navigator.onLine === false) return; // queued: sent on reconnect
  const extra = {};
  if (p.upload) extra.attachment = p.upload.view.id;
  if (p.replyTo) extra.replyTo = p.replyTo.seq;
  try {
    let message;
    if (state.socket && state.socket.isOpen()) {
      const ack = await state.socket.request({ type: 'send', conversation: id, clientMsgId: p.clientMsgId,
        ...(p.text || !p.upload ? { text: p.text } : {}), ...extra });
      message = ack.result;
    } else {
      message = await api.send(id, p.clientMsgId, p.text, extra); // same clientMsgId: a retry never duplicates
    }
    onMessage(message);
    if (state.store) state.store.delete('outbox', p.clientMsgId);
  } catch (e) {
    if (refusedForGood(e)) {
      // the server refused it for good (e.g. no longer a member): show it, offer a retry, stop retrying
      p.status = 'failed';
      p.error = e.message;
      if (state.store) state.store.delete('outbox', p.clientMsgId);
    } else if (!e.code) {
      // the socket went away under it (a node lost, the network gone): still queued, and sent
      // again with the same id on the next welcome, so it can never arrive twice
      p.status = 'sending';
      if (state.socket && state.socket.isOpen()) setTimeout(() => enqueueSend(id, p), 2000);
    } else {
      p.status = 'failed'; // the server is busy: Retry is offered, and the next welcome retries too
    }
    if (id === state.current) renderMessages();
  }
}

/** Why an upload was refused, in words. */
function uploadError(e) {
  if (e.code === 'attachment_too_large' || e.code === 'payload_too_large') return `Not sent: ${e.message}`;
  if (e.code === 'unsupported_media_type') return 'Not sent: the file is not what its type says.';
  return e instanceof ApiError ? `Not sent: ${e.message}` : 'Not sent.';
}

function retry(id, clientMsgId) {
  const p = (state.pending.get(id) || []).find((x) => x.clientMsgId === clientMsgId);
  if (!p) return;
  p.error = null;
  if (state.store) state.store.put('outbox', [outboxEntry(p)]);
  enqueueSend(id, p);
}

/** Drops a queued message (and stops its upload): a failed one, or one still uploading. */
function discard(id, clientMsgId) {
  const list = state.pending.get(id) || [];
  const i = list.findIndex((x) => x.clientMsgId === clientMsgId);
  if (i < 0) return;
  list[i].cancelled = true;
  list.splice(i, 1);
  if (state.store) state.store.delete('outbox', clientMsgId);
  renderMessages();
}

/** After (re)connecting, every queued or transiently failed send goes, in the order typed (same ids: no duplicates). */
function flushOutbox() {
  const queued = [];
  for (const [id, list] of state.pending) for (const p of list) if (!p.error) queued.push([id, p]);
  queued.sort((a, b) => (a[1].order || 0) - (b[1].order || 0)).forEach(([id, p]) => enqueueSend(id, p));
}

// ------------------------------------------------------------------ replies
function startReply(c, m) {
  cancelEdit();
  state.replyTo = { conversation: c.id, quote: {
    seq: m.seq, senderId: m.senderId, text: (m.text || '').slice(0, 200), deleted: false,
    attachment: m.attachment ? { kind: m.attachment.kind, name: m.attachment.name, durationMs: m.attachment.durationMs } : null,
  } };
  $('replying-name').textContent = userName(c, m.senderId) === 'You' ? 'yourself' : userName(c, m.senderId);
  $('replying-text').textContent = [m.attachment ? attachments.describe(m.attachment) : '', m.text || ''].filter(Boolean).join(' · ');
  $('replying').hidden = false;
  input.focus();
}
function cancelReply() {
  state.replyTo = null;
  $('replying').hidden = true;
}
$('cancel-reply').addEventListener('click', () => { cancelReply(); input.focus(); });

/**
 * Shows a message a quote points at: older history is loaded (from the device, then the server)
 * until it is held, the window moves to it, and it is scrolled to and highlighted for a moment.
 */
async function jumpTo(id, seq) {
  const held = state.messages.get(id);
  if (!held) return;
  while (!held.has(seq) && held.hasMore && oldestOf(held) > seq && state.current === id) {
    const before = oldestOf(held);
    await loadOlder(id);
    if (oldestOf(held) >= before) break; // nothing more came (offline): show what we have
  }
  if (state.current !== id) return;
  const list = sortedMessages(id);
  const at = list.findIndex((m) => m.seq >= seq);
  if (at < 0 || list[at].seq !== seq) { notice('The original message is not available.'); return; }
  const newestWindow = view.from == null && at >= list.length - WINDOW;
  if (!newestWindow) view.from = list[Math.max(0, at - 10)].seq;
  state.highlight = { conversation: id, seq };
  renderMessages();
  const node = $('messages').querySelector(`[data-seq="${seq}"]`);
  if (node) {
    node.scrollIntoView({ block: 'center' });
    node.focus({ preventScroll: true });
  }
  clearTimeout(jumpTo.timer);
  jumpTo.timer = setTimeout(() => {
    state.highlight = null;
    $('messages').querySelector('.message.highlight')?.classList.remove('highlight');
  }, 3000);
}

// ------------------------------------------------------------------ reactions
const picker = new ReactionPicker();
// the picker floats where it was opened: scrolling the list away from that message closes it
['wheel', 'touchmove'].forEach((type) => $('messages').addEventListener(type, () => picker.close(false), { passive: true }));

const reactionKey = (id, seq, emoji) => `${id} ${seq} ${emoji}`;

/** My reactions to a message the server has not confirmed yet, in the order made. */
function waitingReactions(id, seq) {
  const out = [];
  for (const r of state.reactions.values()) if (r.conversation === id && r.seq === seq) out.push(r);
  return out.sort((a, b) => a.order - b.order);
}

/**
 * Sets my reaction (on or off). It shows at once and is kept on the device until the server has
 * it: offline, or with the server out of reach, it waits (survives a reload) and goes after the
 * next welcome. Only the latest wish per message and emoji is kept: react is a set, not a toggle,
 * so sending it again is safe. Until confirmed it is shown on top of the server's tally.
 */
function react(id, seq, emoji, on) {
  if (!state.messages.get(id)?.has(seq)) return;
  const key = reactionKey(id, seq, emoji);
  const wish = { key, conversation: id, seq, emoji, on, order: Date.now() * 1000 + (orderSeq++ % 1000) };
  state.reactions.set(key, wish);
  if (id === state.current) renderMessages();
  // kept on the device and sent at once: the write is queued before the answer's delete, so it cannot outlive it
  if (state.store) state.store.put('reactions', [wish]);
  sendReaction(key);
}

const reacting = new Set(); // keys with a request in flight: one at a time per message and emoji

/** Sends the wish held for this key; a newer wish made meanwhile goes right after it. */
async function sendReaction(key) {
  const wish = state.reactions.get(key);
  if (!wish || reacting.has(key)) return;
  if (!(state.socket && state.socket.isOpen()) && navigator.onLine === false) return; // waits for the next welcome
  reacting.add(key);
  const { conversation: id, seq, emoji, on } = wish;
  try {
    let result = null;
    if (state.socket && state.socket.isOpen()) {
      try {
        result = (await state.socket.request({ type: 'react', conversation: id, seq, emoji, on })).result;
      } catch (e) {
        if (e.code) throw e; // refused; otherwise the socket went away: the same request over REST
      }
    }
    if (!result) result = await api.react(id, seq, emoji, on);
    settleReaction(wish);
    onReactions(result); // from now on the server's tally is the truth
  } catch (e) {
    if (refusedForGood(e)) {
      settleReaction(wish); // undone: the server's tally shows again
      if (id === state.current) {
        renderMessages();
        notice(`${on ? 'Could not add' : 'Could not remove'} ${emoji}: ${e.message}`);
      }
    } else if (state.socket && state.socket.isOpen()) {
      // the server is busy (or the request was lost): try again a little later
      wish.attempts = (wish.attempts || 0) + 1;
      setTimeout(() => sendReaction(key), Math.min(30_000, 1000 * 2 ** wish.attempts));
    }
    // otherwise offline, or the server out of reach: it waits, and goes after the next welcome
  } finally {
    reacting.delete(key);
  }
  const newer = state.reactions.get(key);
  if (newer && newer !== wish) sendReaction(key);
}

/** The server has answered this wish: it is no longer waiting (unless a newer one replaced it). */
function settleReaction(wish) {
  if (state.reactions.get(wish.key) !== wish) return;
  state.reactions.delete(wish.key);
  if (state.store) state.store.delete('reactions', wish.key);
}

/**
 * A refusal that sending again cannot change (the message was deleted, too many reactions, no
 * longer a member); not the network, a lost socket, a busy server (429, 5xx) or an expired session.
 */
/** After (re)connecting, every reaction still waiting goes (each key once; the server's answer settles it). */
function flushReactions() {
  [...state.reactions.values()].sort((a, b) => a.order - b.order).forEach((r) => sendReaction(r.key));
}

// ------------------------------------------------------------------ attachments
const ATTACH_LIMIT = 25 * 1024 * 1024; // the server's default limit; it has the last word

/** A file picked, pasted or dropped: shown above the message field until sent or removed. */
function stage(file) {
  if (!file || !state.current) return;
  if (file.size === 0) { notice(`${file.name || 'The file'} is empty: nothing to send.`); return; }
  cancelEdit();
  clearStaged();
  state.staged = file;
  const box = $('staged');
  const isImage = /^image\//.test(file.type);
  let url = null;
  if (isImage) url = URL.createObjectURL(file);
  box.dataset.url = url || '';
  box.append(
    isImage ? el('img', { src: url, alt: '', class: 'staged-thumb' }) : el('span', { class: 'file-icon' }, svg('M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm0 1.5L18.5 8H14z', 24)),
    el('span', { class: 'file-meta' },
      el('span', { class: 'file-name' }, file.name || 'file'),
      el('span', { class: 'file-info' }, [attachments.typeLabel({ contentType: file.type, name: file.name }), formatSize(file.size)].filter(Boolean).join(' · ')
        + (file.size > ATTACH_LIMIT ? ' — may be too large to send' : ''))),
    el('button', { type: 'button', class: 'icon', 'aria-label': `Remove ${file.name || 'file'}`, title: 'Remove', onclick: () => { clearStaged(); input.focus(); } },
      svg('M19 6.4L17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z', 18)));
  box.hidden = false;
  input.placeholder = 'Add a caption';
  input.focus();
}

function clearStaged() {
  const box = $('staged');
  if (box.dataset.url) URL.revokeObjectURL(box.dataset.url);
  box.dataset.url = '';
  clear(box);
  box.hidden = true;
  state.staged = null;
  input.placeholder = 'Message';
}

$('attach').addEventListener('click', () => $('attach-input').click());
$('attach-input').addEventListener('change', (e) => {
  const file = e.target.files && e.target.files[0];
  e.target.value = '';
  stage(file);
});
input.addEventListener('paste', (e) => {
  const file = [...(e.clipboardData?.files || [])][0];
  if (file) { e.preventDefault(); stage(file); }
});
$('conversation-view').addEventListener('dragover', (e) => {
  if ([...(e.dataTransfer?.types || [])].includes('Files')) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; }
});
$('conversation-view').addEventListener('drop', (e) => {
  const file = [...(e.dataTransfer?.files || [])][0];
  if (file) { e.preventDefault(); stage(file); }
});

attachments.initViewer();

// a tap on a bubble shows its actions (touch screens have no hover)
$('messages').addEventListener('click', (e) => {
  const node = e.target.closest('.message');
  if (!node || e.target.closest('button, a, audio, video, input, .voice') || !node.dataset.seq) return;
  const seq = Number(node.dataset.seq);
  const same = state.selected && state.selected.conversation === state.current && state.selected.seq === seq;
  $('messages').querySelectorAll('.message.selected').forEach((n) => n.classList.remove('selected'));
  state.selected = same ? null : { conversation: state.current, seq };
  if (!same) node.classList.add('selected');
});

// ------------------------------------------------------------------ voice messages
const recording = { recorder: null, result: null, url: null };

function showRecorder(mode) { // mode: 'recording' | 'review' | null
  $('composer').classList.toggle('recording', mode != null);
  $('recorder').hidden = mode == null;
  $('rec-dot').hidden = mode !== 'recording';
  $('rec-stop').hidden = mode !== 'recording';
  $('rec-send').hidden = mode !== 'review';
}

$('record').hidden = !recordingSupported();
$('record').addEventListener('click', async () => {
  if (!state.current || recording.recorder) return;
  cancelEdit();
  const body = $('rec-body');
  clear(body);
  const meter = el('div', { class: 'waveform live', 'aria-hidden': 'true' });
  body.append(meter);
  $('rec-time').textContent = '0:00';
  const recorder = new VoiceRecorder({
    onLevel: (level, levels) => {
      const bar = el('span', { class: 'bar played' });
      bar.style.setProperty('--h', String(Math.max(8, Math.min(100, Math.round(level * 140)))));
      meter.append(bar);
      while (meter.childElementCount > 48) meter.firstElementChild.remove();
    },
    onTick: (ms) => { $('rec-time').textContent = clock(ms); },
    onLimit: () => stopRecording(),
  });
  recording.recorder = recorder;
  showRecorder('recording');
  $('rec-status').textContent = 'Recording';
  try {
    await recorder.start();
    $('rec-stop').focus();
  } catch (e) {
    recording.recorder = null;
    showRecorder(null);
    notice(e && e.name === 'NotAllowedError' ? 'The microphone is blocked for this site.' : 'No microphone is available.');
  }
});

async function stopRecording() {
  const recorder = recording.recorder;
  if (!recorder || recording.result) return;
  $('rec-stop').disabled = true;
  try {
    recording.result = await recorder.stop();
  } catch (e) {
    cancelRecording();
    notice('The recording failed.');
    return;
  } finally {
    $('rec-stop').disabled = false;
  }
  const r = recording.result;
  recording.url = URL.createObjectURL(r.blob);
  const body = $('rec-body');
  clear(body);
  body.append(voicePlayer({ src: recording.url, durationMs: r.durationMs, waveform: r.waveform, label: 'Recording' }));
  $('rec-time').textContent = '';
  showRecorder('review');
  $('rec-status').textContent = `Recorded ${clock(r.durationMs)}. Listen, then send or discard.`;
  $('rec-send').focus();
}

function cancelRecording() {
  if (recording.recorder) recording.recorder.cancel();
  if (recording.url) URL.revokeObjectURL(recording.url);
  recording.recorder = null;
  recording.result = null;
  recording.url = null;
  clear($('rec-body'));
  showRecorder(null);
}

$('rec-stop').addEventListener('click', stopRecording);
$('rec-discard').addEventListener('click', () => { cancelRecording(); input.focus(); });
$('rec-send').addEventListener('click', () => {
  const r = recording.result;
  const id = state.current;
  if (!r || !id) return;
  const ext = r.contentType.includes('ogg') ? 'ogg' : r.contentType.includes('mp4') ? 'm4a' : 'webm';
  const name = `voice-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.${ext}`;
  cancelRecording();
  queueMessage(id, '', { blob: r.blob, name, size: r.blob.size, contentType: r.contentType,
    voice: { durationMs: r.durationMs, waveform: r.waveform }, id: null, view: null });
  input.focus();
});

function startEdit(m) {
  cancelReply();
  clearStaged();
  state.editing = m.seq;
  $('editing').hidden = false;
  input.value = m.text;
  input.focus();
}
function cancelEdit() {
  if (state.editing == null) return;
  state.editing = null;
  $('editing').hidden = true;
  input.value = '';
}
$('cancel-edit').addEventListener('click', cancelEdit);

function alertError(e) {
  // an answer of the server's (REST problem or socket error frame) says what went wrong; anything else is the network
  notice(e instanceof ApiError || (e && e.code) ? e.message : 'Cannot reach the server.');
}

/** A short message to the user under the conversation, until the typing line is next repainted. */
function notice(text) {
  $('typing').textContent = text;
}

// ------------------------------------------------------------------ chat menu
function closeMenu() { $('menu').hidden = true; $('menu-button').setAttribute('aria-expanded', 'false'); }
$('menu-button').addEventListener('click', () => {
  const open = $('menu').hidden;
  $('menu').hidden = !open;
  $('menu-button').setAttribute('aria-expanded', String(open));
  if (open) $('menu').querySelector('button').focus();
});
document.addEventListener('click', (e) => { if (!e.target.closest('.menu')) closeMenu(); });
document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeMenu(); });
$('menu').addEventListener('click', async (e) => {
  const action = e.target.closest('button')?.dataset.action;
  const c = state.conversations.get(state.current);
  if (!action || !c) return;
  closeMenu();
  try {
    let view = null;
    if (action === 'pin') view = await api.change(c.id, { pinned: !c.pinned });
    if (action === 'mute') view = await api.change(c.id, { muted: !c.muted });
    if (action === 'archive') view = await api.change(c.id, { archived: !c.archived });
    if (action === 'clear' && await ask({ title: 'Clear history?', message: 'Clear this chat\u2019s history for you? The other people keep theirs.',
      actions: [{ label: 'Clear history', value: true, danger: true }] })) view = await api.clear(c.id);
    if (action === 'alias') {
      if (!c.peer) return;
      const answer = await ask({ title: c.peer.contact ? 'Rename contact' : 'Add to contacts',
        message: `Your own name for @${c.peer.username}; only you see it. Leave it empty to remove it.`,
        input: { label: 'Contact name', value: c.peer.alias || '', maxlength: 64 }, actions: [{ label: 'Save', value: true }] });
      if (answer) onContact(await api.setAlias(c.peer.id, answer.value.trim()));
    }
    if (action === 'uncontact' && c.peer) onContact(await api.removeContact(c.peer.id));
    if (action === 'group' && c.group) openGroupPanel(c.group.id);
    if (action === 'delete' && await ask({ title: 'Delete chat?', message: 'Delete this chat for you? The other person keeps it.',
      actions: [{ label: 'Delete chat', value: true, danger: true }] })) {
      await api.deleteChat(c.id);
      state.conversations.delete(c.id);
      state.messages.delete(c.id);
      state.loaded.delete(c.id);
      $('back').click();
      return;
    }
    if (view) onConversationUpdated(view);
  } catch (err) { alertError(err); }
});

// ------------------------------------------------------------------ groups
document.querySelectorAll('dialog [data-close]').forEach((b) => b.addEventListener('click', () => b.closest('dialog').close()));

$('new-group').addEventListener('click', () => {
  $('group-name').value = ''; $('group-description').value = ''; $('group-create-error').textContent = '';
  $('group-create').showModal();
});
$('group-create-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const g = await api.createGroup($('group-name').value.trim(), $('group-description').value.trim());
    $('group-create').close();
    await openFirstChannel(g);
  } catch (err) { $('group-create-error').textContent = err instanceof ApiError ? err.message : 'Cannot reach the server.'; }
});

async function openFirstChannel(g) {
  const { conversations } = await api.conversations();
  conversations.forEach((c) => state.conversations.set(c.id, c));
  renderInbox();
  const general = conversations.find((c) => c.group?.id === g.id && c.name === 'general')
    || conversations.find((c) => c.group?.id === g.id);
  if (general) openConversation(general.id);
}

let panelGroup = null;
async function openGroupPanel(groupId) {
  panelGroup = groupId;
  $('group-panel-error').textContent = '';
  $('invite-link').hidden = true;
  await renderGroupPanel();
  if (!$('group-panel').open) $('group-panel').showModal();
}

async function renderGroupPanel() {
  const [g, { members }] = await Promise.all([api.group(panelGroup), api.groupMembers(panelGroup)]);
  const admin = g.myRole === 'owner' || g.myRole === 'admin';
  $('group-panel-title').textContent = g.name;
  $('group-panel-about').textContent = g.description || `${g.channels.length} channel${g.channels.length > 1 ? 's' : ''}`;
  $('member-count').textContent = `(${g.memberCount})`;
  document.querySelectorAll('#group-panel .admin-only').forEach((n) => { n.hidden = !admin; });
  $('delete-group').hidden = g.myRole !== 'owner';
  $('leave-group').hidden = g.myRole === 'owner';
  if (document.activeElement?.closest('#group-edit') == null) {
    $('group-edit-name').value = g.name;
    $('group-edit-description').value = g.description || '';
  }
  const channels = $('channel-list');
  clear(channels);
  for (const ch of g.channels) {
    channels.append(el('li', { 'data-testid': 'channel' },
      el('span', { class: 'who' }, '#' + ch.name, ch.archived ? el('span', { class: 'role' }, ' archived') : null),
      el('button', { type: 'button', 'aria-label': `Rename #${ch.name}`, onclick: async () => {
        const answer = await ask({ title: `Rename #${ch.name}`, input: { label: 'Channel name', value: ch.name, maxlength: 32 },
          actions: [{ label: 'Rename', value: true }] });
        const name = answer?.value.trim().toLowerCase();
        if (name) groupAction(() => api.updateChannel(panelGroup, ch.id, { name }));
      } }, 'Rename'),
      el('button', { type: 'button', 'aria-label': `${ch.archived ? 'Unarchive' : 'Archive'} #${ch.name}`,
        onclick: () => groupAction(() => api.updateChannel(panelGroup, ch.id, { archived: !ch.archived })) },
      ch.archived ? 'Unarchive' : 'Archive'),
      el('button', { type: 'button', 'aria-label': `Delete #${ch.name}`, onclick: async () => {
        if (await ask({ title: `Delete #${ch.name}?`, message: `Delete #${ch.name} and its history for everyone?`,
          actions: [{ label: 'Delete channel', value: true, danger: true }] })) groupAction(() => api.deleteChannel(panelGroup, ch.id));
      } }, 'Delete')));
  }
  if (admin) {
    const { invites } = await api.invites(panelGroup);
    const list = $('invite-list');
    clear(list);
    for (const inv of invites.filter((i) => !i.revoked)) {
      const expiry = inv.expiresAt ? `expires ${new Date(inv.expiresAt).toLocaleString()}` : 'never expires';
      const uses = inv.maxUses ? `${inv.uses}/${inv.maxUses} uses` : `${inv.uses} uses`;
      list.append(el('li', { 'data-testid': 'invite' }, el('span', { class: 'who small' }, `${uses} · ${expiry}`),
        el('button', { type: 'button', onclick: () => groupAction(() => api.revokeInvite(panelGroup, inv.id)) }, 'Revoke')));
    }
  }
  const list = $('member-list');
  clear(list);
  for (const m of members) {
    state.names.set(m.id, m.displayName || m.username);
    const actions = [];
    if (m.id !== state.me.id && m.role !== 'owner') {
      if (g.myRole === 'owner') {
        const next = m.role === 'admin' ? 'member' : 'admin';
        actions.push(el('button', { type: 'button', onclick: () => groupAction(() => api.setRole(panelGroup, m.id, next)) },
          next === 'admin' ? 'Make admin' : 'Make member'));
      }
      if (g.myRole === 'owner') {
        actions.push(el('button', { type: 'button', 'aria-label': `Make ${m.username} the owner`, onclick: async () => {
          if (await ask({ title: 'Hand over the group?', message: `Make @${m.username} the owner? You will stay as an admin.`,
            actions: [{ label: 'Make owner', value: true }] })) groupAction(() => api.transfer(panelGroup, m.id));
        } }, 'Make owner'));
      }
      if (admin && (m.role === 'member' || g.myRole === 'owner')) {
        actions.push(el('button', { type: 'button', 'aria-label': `Remove ${m.username}`,
          onclick: () => groupAction(() => api.removeMember(panelGroup, m.id)) }, 'Remove'));
      }
    }
    list.append(el('li', { 'data-testid': 'member' },
      el('span', { class: 'who' }, m.displayName || m.username, ' ', el('span', { class: 'muted small' }, '@' + m.username)),
      el('span', { class: 'role' }, m.role), ...actions));
  }
}

async function groupAction(action) {
  $('group-panel-error').textContent = '';
  try { await action(); await renderGroupPanel(); } catch (err) {
    $('group-panel-error').textContent = err instanceof ApiError ? err.message : 'Cannot reach the server.';
  }
}

$('add-member').addEventListener('submit', (e) => {
  e.preventDefault();
  const username = $('add-member-username').value.trim().toLowerCase();
  if (!username) return;
  groupAction(async () => { await api.addMember(panelGroup, username); $('add-member-username').value = ''; });
});
$('add-channel').addEventListener('submit', (e) => {
  e.preventDefault();
  const name = $('channel-name').value.trim().toLowerCase();
  if (!name) return;
  groupAction(async () => {
    const channel = await api.createChannel(panelGroup, name);
    $('channel-name').value = '';
    state.conversations.set(channel.id, channel);
    renderInbox();
  });
});
$('group-edit').addEventListener('submit', (e) => {
  e.preventDefault();
  groupAction(() => api.updateGroup(panelGroup, { name: $('group-edit-name').value.trim(),
    description: $('group-edit-description').value.trim() }));
});
$('delete-group').addEventListener('click', async () => {
  if (!await ask({ title: 'Delete group?', message: 'Delete this group, its channels and their history for everyone?',
    actions: [{ label: 'Delete group', value: true, danger: true }] })) return;
  groupAction(async () => { await api.deleteGroup(panelGroup); $('group-panel').close(); });
});
$('make-invite').addEventListener('click', () => groupAction(async () => {
  const options = {};
  if ($('invite-expiry').value) options.expiresInSeconds = Number($('invite-expiry').value);
  if ($('invite-uses').value) options.maxUses = Number($('invite-uses').value);
  const invite = await api.createInvite(panelGroup, options);
  const link = $('invite-link');
  link.value = `${location.origin}/#join=${invite.token}`;
  link.hidden = false;
  link.select();
}));
$('leave-group').addEventListener('click', async () => {
  if (!await ask({ title: 'Leave group?', message: 'Leave this group? You can come back only with an invite.',
    actions: [{ label: 'Leave group', value: true, danger: true }] })) return;
  groupAction(async () => {
    await api.removeMember(panelGroup, state.me.id);
    $('group-panel').close();
  });
});

/** A link like https://host/#join=TOKEN: show the group, then join on request. */
async function offerJoin() {
  const m = location.hash.match(/^#join=([A-Za-z0-9_-]{16,64})$/);
  if (!m) return;
  const token = m[1];
  history.replaceState(null, '', location.pathname);
  try {
    const p = await api.previewInvite(token);
    $('join-name').textContent = p.name;
    $('join-about').textContent = `${p.description ? p.description + ' · ' : ''}${p.memberCount} member${p.memberCount > 1 ? 's' : ''}`;
    $('join-channels').textContent = 'Channels: ' + p.channels.map((c) => '#' + c).join(', ');
    $('join-error').textContent = p.alreadyMember ? 'You are already in this group.' : '';
    $('join-button').hidden = p.alreadyMember;
    $('join-form').onsubmit = async (e) => {
      e.preventDefault();
      try {
        const g = await api.joinInvite(token);
        $('join').close();
        await openFirstChannel(g);
      } catch (err) { $('join-error').textContent = err instanceof ApiError ? err.message : 'Cannot reach the server.'; }
    };
    $('join').showModal();
  } catch (err) {
    $('connection').textContent = err instanceof ApiError ? err.message : 'Cannot reach the server.';
  }
}
addEventListener('hashchange', () => { if (state.me && !$('app').hidden) offerJoin(); });

start();
