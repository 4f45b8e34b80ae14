// The admin console (admin.html), for accounts with role "admin": an overview of the nodes and
// queues, users, groups, message moderation, announcements and the audit log, under /api/admin.
// Every change asks for a reason, which the server keeps in the audit log.
// User content is only ever inserted as text (textContent), never as HTML.
// Longer than the client's other files (~480 lines) because it is a whole page of its own: six
// small tabs, each a list, a detail and its actions over the same few helpers, read top to bottom.
import { request, ApiError } from './net/api.js';
import { $, el, clear } from './ui.js';

const enc = encodeURIComponent;
const PAGE = 50;
const REFRESH_MS = 10_000;
const TABS = ['overview', 'users', 'groups', 'moderation', 'announce', 'audit'];

/** Query string of the non-empty values (an empty filter means "any"). */
function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, String(v));
  return q.toString();
}

const admin = {
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

const state = {
  me: null,
  tab: null,
  loaded: new Set(),                                   // tabs whose list was fetched once
  users: { offset: 0, count: 0, total: 0, selected: null },
  groups: { offset: 0, count: 0, total: 0, selected: null },
  audit: { next: null, action: '' },                  // the filter the shown entries match
  overviewBusy: false,
};

// ------------------------------------------------------------------ feedback and requests
const say = (text) => { $('admin-status').textContent = text; };

function fail(e) {
  const message = e instanceof ApiError ? e.message : 'Cannot reach the server. Try again.';
  say('');
  if ($('admin-error').textContent !== message) $('admin-error').textContent = message; // no repeats
}

/**
 * Runs one request with its buttons disabled; a failure shows the server's detail in the alert
 * area. Quiet runs (auto-refresh) leave the messages alone until they finish.
 */
async function run(buttons, fn, { quiet = false } = {}) {
  const list = [].concat(buttons || []);
  const focused = document.activeElement;
  list.forEach((b) => { b.disabled = true; });
  if (!quiet) { $('admin-error').textContent = ''; say(''); }
  try {
    await fn();
    if (quiet) $('admin-error').textContent = '';
  } catch (e) {
    fail(e);
  } finally {
    list.forEach((b) => { b.disabled = false; });
    syncPagers();
    // a button disabled while focused loses focus in some browsers: give it back
    if (list.includes(focused) && focused.isConnected && !focused.disabled && !focused.hidden
        && document.activeElement === document.body) focused.focus();
  }
}

/** Asks for a reason in the modal dialog; resolves the trimmed text, or null when cancelled. */
function askReason(title, required = true) {
  const dialog = $('reason-dialog');
  const text = $('reason-text');
  $('reason-title').textContent = title;
  $('reason-hint').textContent = required ? 'Required. Saved in the audit log.' : 'Optional. Saved in the audit log.';
  text.value = '';
  text.required = required;
  text.setCustomValidity('');
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm' ? text.value.trim() : null), { once: true });
  });
}

/** Native validation, except that text of only spaces counts as empty. Run before each submit. */
function requireText(field, message) {
  field.setCustomValidity(field.required && field.value && !field.value.trim() ? message : '');
}

// ------------------------------------------------------------------ formatting
const num = (v) => (v == null ? '–' : Number(v).toLocaleString());
const roleLabel = (role) => (role === 'admin' ? 'Admin' : role === 'user' ? 'User' : String(role ?? ''));

function timeEl(iso, none = 'never') {
  if (!iso) return none;
  const d = new Date(iso);
  return el('time', { datetime: iso }, d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
}

function uptime(seconds) {
  if (seconds == null) return '–';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return m ? `${m}m ${s % 60}s` : `${s}s`;
}

const range = ({ offset, count, total }) => (total ? `${offset + 1}–${offset + count} of ${total}` : 'No results');

/** A table row; the first cell is its row header. */
function row(cells, attrs = {}) {
  return el('tr', attrs, ...cells.map((c, i) => el(i ? 'td' : 'th', i ? {} : { scope: 'row' }, c)));
}

const emptyRow = (columns, text) => el('tr', {}, el('td', { colspan: columns, class: 'muted' }, text));

function syncPagers() {
  for (const k of ['users', 'groups']) {
    const s = state[k];
    $(`${k}-prev`).disabled = s.offset <= 0;
    $(`${k}-next`).disabled = s.offset + s.count >= s.total;
  }
  $('audit-older').disabled = state.audit.next == null;
}

// ------------------------------------------------------------------ tabs
const LOADERS = {
  users: () => loadList('users', 0),
  groups: () => loadList('groups', 0),
  audit: () => loadAudit(false),
};

function selectTab(name, focus = false) {
  for (const t of TABS) {
    const on = t === name;
    $(`tab-${t}`).setAttribute('aria-selected', String(on));
    $(`tab-${t}`).tabIndex = on ? 0 : -1;
    $(`panel-${t}`).hidden = !on;
  }
  if (focus) $(`tab-${name}`).focus();
  if (state.tab === name) return;
  state.tab = name;
  history.replaceState(null, '', `#${name}`);
  $('admin-error').textContent = '';
  say('');
  if (name === 'overview') loadOverview();
  else if (!state.loaded.has(name) && LOADERS[name]) { state.loaded.add(name); LOADERS[name](); }
}

function onTabKey(e) {
  const i = TABS.indexOf(state.tab);
  const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
  if (to === undefined) return;
  e.preventDefault();
  selectTab(TABS[(to + TABS.length) % TABS.length], true);
}

// ------------------------------------------------------------------ overview
async function loadOverview(button, quiet = false) {
  if (state.overviewBusy) return;
  state.overviewBusy = true;
  await run(button, async () => {
    const [stats, nodes] = await Promise.all([admin.stats(), admin.nodes()]);
    renderStats(stats);
    renderNodes(nodes.nodes || []);
    $('stats-updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }, { quiet });
  state.overviewBusy = false;
}

function renderStats(s) {
  const card = (label, value) => el('div', { class: 'stat-card' }, el('dt', {}, label), el('dd', {}, num(value)));
  const box = $('admin-stats');
  clear(box);
  box.append(
    el('dl', { class: 'stat-grid' },
      card('Users', s.users?.total), card('Online now', s.users?.online),
      card('Messages, last hour', s.messages?.lastHour), card('Messages, last day', s.messages?.lastDay),
      card('Outbox backlog', s.outboxBacklog)),
    el('div', { class: 'stat-tables' },
      countTable('Sockets per node', 'Node', 'Sockets', s.sockets),
      countTable('Queue depth', 'Queue', 'Messages', s.queues)));
}

/** A small two-column table of a {name: count} map. */
function countTable(caption, nameLabel, countLabel, map) {
  const rows = Object.entries(map || {}).sort(([a], [b]) => a.localeCompare(b));
  return el('div', { class: 'table-wrap' },
    el('table', { class: 'admin-table counts' },
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, nameLabel), el('th', { scope: 'col', class: 'num' }, countLabel))),
      el('tbody', {}, ...(rows.length ? rows.map(([k, v]) => row([k, num(v)])) : [emptyRow(2, 'None')]))));
}

function renderNodes(nodes) {
  const body = $('admin-nodes').tBodies[0];
  clear(body);
  for (const n of nodes) {
    body.append(row([n.id, n.kind, n.version || '–', timeEl(n.startedAt, '–'), uptime(n.uptimeSeconds),
      n.sockets == null ? '–' : num(n.sockets), n.address || '–'], { 'data-testid': 'admin-node-row' }));
  }
  if (!nodes.length) body.append(emptyRow(7, 'No nodes reported.'));
}

// ------------------------------------------------------------------ users and groups lists
const LISTS = {
  users: { columns: 6, rowOf: userRow, fetch: (offset) => admin.users({
    q: $('users-q').value.trim(), role: $('users-role').value, status: $('users-status').value, limit: PAGE, offset }) },
  groups: { columns: 5, rowOf: groupRow, fetch: (offset) => admin.groups({ q: $('groups-q').value.trim(), limit: PAGE, offset }) },
};
const listButtons = (kind) => [$(`${kind}-search`), $(`${kind}-prev`), $(`${kind}-next`)];

/** Fetches one page of users or groups into its table, and updates the pager. */
async function loadList(kind, offset, buttons, quiet = false) {
  const list = LISTS[kind];
  await run(buttons, async () => {
    const page = await list.fetch(offset);
    const items = page[kind] || [];
    Object.assign(state[kind], { offset: page.offset ?? offset, count: items.length, total: page.total ?? items.length });
    const body = $(`admin-${kind}`).tBodies[0];
    clear(body);
    for (const item of items) body.append(list.rowOf(item));
    if (!items.length) body.append(emptyRow(list.columns, `No ${kind} match.`));
    $(`${kind}-range`).textContent = range(state[kind]);
  }, { quiet });
}

// ------------------------------------------------------------------ users

function userRow(u) {
  const open = el('button', { type: 'button', class: 'link', 'aria-controls': 'user-detail' }, u.username);
  open.addEventListener('click', () => openUser(u.id, open));
  const status = el('span', { class: u.disabled ? 'pill off' : 'pill' }, u.disabled ? 'Disabled' : 'Active');
  const role = el('span', { class: u.role === 'admin' ? 'pill admin' : 'pill' }, roleLabel(u.role));
  return row([open, u.displayName || '', role, status, timeEl(u.createdAt, '–'), timeEl(u.lastSeenAt)],
    { 'data-testid': 'admin-user-row', 'data-user-id': u.id });
}

async function openUser(id, button) {
  await run(button, async () => {
    state.users.selected = await admin.user(id);
    renderUserDetail();
    $('user-detail').hidden = false;
    $('user-detail-title').focus();
  });
}

function renderUserDetail() {
  const u = state.users.selected;
  const fact = (name, value) => el('div', {}, el('dt', {}, name), el('dd', {}, value));
  $('user-detail-title').textContent = u.displayName ? `${u.displayName} (${u.username})` : u.username;
  const facts = $('user-facts');
  clear(facts);
  facts.append(fact('Username', u.username), fact('Role', roleLabel(u.role)),
    fact('Status', u.disabled ? 'Disabled' : 'Active'), fact('Online', u.online ? 'Yes' : 'No'),
    fact('Created', timeEl(u.createdAt, '–')), fact('Last seen', timeEl(u.lastSeenAt)),
    fact('Conversations', num(u.counts?.conversations)), fact('Groups', num(u.counts?.groups)),
    fact('Messages', num(u.counts?.messages)));
  $('user-disable').hidden = !!u.disabled;
  $('user-enable').hidden = !u.disabled;
  $('user-make-admin').hidden = u.role === 'admin';
  $('user-make-user').hidden = u.role !== 'admin';
}

const USER_ACTIONS = {
  'user-disable': { title: (u) => `Disable ${u.username}?`, call: admin.disable, done: (u) => `${u.username} is disabled` },
  'user-enable': { title: (u) => `Enable ${u.username}?`, optional: true, call: admin.enable, done: (u) => `${u.username} is enabled` },
  'user-make-admin': { title: (u) => `Make ${u.username} an admin?`, call: (id, r) => admin.setRole(id, 'admin', r), done: (u) => `${u.username} is now an admin` },
  'user-make-user': { title: (u) => `Make ${u.username} a regular user?`, call: (id, r) => admin.setRole(id, 'user', r), done: (u) => `${u.username} is now a regular user` },
  'user-logout': { title: (u) => `Log ${u.username} out everywhere?`, call: admin.logout, done: (u) => `${u.username} was logged out on every device` },
};

async function userAction(button, action) {
  const u = state.users.selected;
  const reason = await askReason(action.title(u), !action.optional);
  if (reason === null) return;
  await run(button, async () => {
    const updated = await action.call(u.id, reason);
    if (updated) Object.assign(u, updated); // the user, without counts: keep those we have
    renderUserDetail();
    say(action.done(u));
    loadList('users', state.users.offset, null, true); // the row's role or status changed
  });
  if (button.hidden && button.dataset.pair) $(button.dataset.pair).focus();
}

// ------------------------------------------------------------------ groups
function groupRow(g) {
  const open = el('button', { type: 'button', class: 'link', 'aria-controls': 'group-detail' }, g.name);
  open.addEventListener('click', () => openGroup(g.id, open));
  return row([open, g.description || '', num(g.memberCount), num(g.channelCount), timeEl(g.createdAt, '–')],
    { 'data-testid': 'admin-group-row', 'data-group-id': g.id });
}

async function openGroup(id, button) {
  await run(button, async () => {
    state.groups.selected = await admin.group(id);
    renderGroupDetail();
    $('group-detail').hidden = false;
    $('group-detail-title').focus();
  });
}

function renderGroupDetail() {
  const g = state.groups.selected;
  $('group-detail-title').textContent = g.name;
  const created = g.createdAt ? `Created ${new Date(g.createdAt).toLocaleString()}` : '';
  $('group-detail-about').textContent = [g.description, created].filter(Boolean).join(' · ');
  const body = $('admin-group-members').tBodies[0];
  clear(body);
  for (const m of g.members || []) {
    const name = el('span', { id: `member-${m.id}` }, m.username);
    const remove = el('button', { type: 'button', class: 'danger small', 'aria-describedby': `member-${m.id}` }, 'Remove');
    remove.addEventListener('click', () => removeMember(m, remove));
    body.append(row([name, m.displayName || '', m.role || '', remove], { 'data-testid': 'admin-group-member', 'data-user-id': m.id }));
  }
  if (!g.members?.length) body.append(emptyRow(4, 'No members.'));
  const channels = $('group-channels');
  clear(channels);
  for (const c of g.channels || []) channels.append(el('li', {}, `#${c.name}`, c.archived ? el('span', { class: 'pill' }, 'Archived') : null));
  if (!g.channels?.length) channels.append(el('li', { class: 'muted' }, 'No channels.'));
}

async function removeMember(member, button) {
  const g = state.groups.selected;
  const reason = await askReason(`Remove ${member.username} from ${g.name}?`);
  if (reason === null) return;
  await run(button, async () => {
    await admin.removeMember(g.id, member.id, reason);
    g.members = g.members.filter((m) => m.id !== member.id);
    renderGroupDetail();
    $('group-detail-title').focus();
    say(`${member.username} was removed from ${g.name}`);
    loadList('groups', state.groups.offset, null, true); // the member count changed
  });
}

async function deleteGroup() {
  const g = state.groups.selected;
  const reason = await askReason(`Delete the group ${g.name}? Its channels and messages go too.`);
  if (reason === null) return;
  await run($('group-delete'), async () => {
    await admin.deleteGroup(g.id, reason);
    state.groups.selected = null;
    $('group-detail').hidden = true;
    $('groups-heading').focus();
    say(`Group ${g.name} deleted`);
    loadList('groups', state.groups.offset, null, true);
  });
}

// ------------------------------------------------------------------ moderation and announcements
async function deleteMessage(e) {
  e.preventDefault();
  const id = $('mod-conversation').value.trim();
  const seq = Number($('mod-seq').value);
  const reason = $('mod-reason').value.trim();
  await run($('mod-submit'), async () => {
    const tombstone = await admin.deleteMessage(id, seq, reason);
    $('mod-reason').value = '';
    say(`Message #${tombstone?.seq ?? seq} deleted`);
  });
}

function countAnnouncement() {
  const text = $('announce-text');
  $('announce-count').textContent = `${text.value.length} / ${text.maxLength}`;
}

async function sendAnnouncement(e) {
  e.preventDefault();
  await run($('announce-send'), async () => {
    await admin.announce($('announce-text').value.trim());
    $('announce-text').value = '';
    countAnnouncement();
    say('Announcement sent to everyone online');
  });
}

// ------------------------------------------------------------------ audit log
async function loadAudit(older, buttons) {
  if (!older) state.audit.action = $('audit-action').value.trim();
  const params = { action: state.audit.action, limit: PAGE, before: older ? state.audit.next : null };
  await run(buttons, async () => {
    const page = await admin.audit(params);
    const body = $('admin-audit').tBodies[0];
    if (!older) clear(body);
    for (const a of page.entries) body.append(auditRow(a));
    if (!body.rows.length) body.append(emptyRow(6, 'No entries.'));
    state.audit.next = page.next ?? null;
    if (older) say(page.entries.length ? `${page.entries.length} older entries shown` : 'No older entries');
  });
}

function auditRow(a) {
  const details = a.details && Object.keys(a.details).length ? el('code', {}, JSON.stringify(a.details)) : '';
  const target = [a.targetType, a.targetId].filter(Boolean).join(' ');
  return row([timeEl(a.at, '–'), a.actor?.username || a.actor?.id || '–', a.action, target, a.reason || '', details],
    { 'data-testid': 'admin-audit-row' });
}

// ------------------------------------------------------------------ start
function gate(message, linkText) {
  $('admin-gate-message').textContent = message;
  $('admin-gate-link').textContent = linkText;
  $('admin-gate-link').hidden = false;
}

function wire() {
  TABS.forEach((t) => $(`tab-${t}`).addEventListener('click', () => selectTab(t)));
  $('admin-tabs').addEventListener('keydown', onTabKey);
  $('stats-refresh').addEventListener('click', () => loadOverview($('stats-refresh')));
  setInterval(() => { if (state.tab === 'overview' && !document.hidden) loadOverview(null, true); }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => { if (state.tab === 'overview' && !document.hidden) loadOverview(null, true); });

  for (const kind of ['users', 'groups']) {
    const load = (offset) => loadList(kind, offset, listButtons(kind));
    $(`${kind}-form`).addEventListener('submit', (e) => { e.preventDefault(); load(0); });
    $(`${kind}-prev`).addEventListener('click', () => load(Math.max(0, state[kind].offset - PAGE)));
    $(`${kind}-next`).addEventListener('click', () => load(state[kind].offset + PAGE));
  }
  Object.entries(USER_ACTIONS).forEach(([id, action]) => $(id).addEventListener('click', () => userAction($(id), action)));
  $('user-close').addEventListener('click', () => { $('user-detail').hidden = true; $('users-heading').focus(); });
  $('group-delete').addEventListener('click', deleteGroup);
  $('group-close').addEventListener('click', () => { $('group-detail').hidden = true; $('groups-heading').focus(); });

  $('moderation-form').addEventListener('submit', deleteMessage);
  $('mod-submit').addEventListener('click', () => requireText($('mod-reason'), 'Please give a reason.'));
  $('announce-form').addEventListener('submit', sendAnnouncement);
  $('announce-text').addEventListener('input', countAnnouncement);
  $('announce-send').addEventListener('click', () => requireText($('announce-text'), 'Write the announcement first.'));

  $('audit-form').addEventListener('submit', (e) => { e.preventDefault(); loadAudit(false, [$('audit-search'), $('audit-older')]); });
  $('audit-older').addEventListener('click', () => loadAudit(true, [$('audit-search'), $('audit-older')]));

  $('reason-confirm').addEventListener('click', () => requireText($('reason-text'), 'Please give a reason.'));
  $('reason-cancel').addEventListener('click', () => $('reason-dialog').close(''));
}

async function start() {
  try {
    state.me = await request('GET', '/api/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) gate('You are not logged in. Log in to the chat first, then come back.', 'Log in');
    else gate(e instanceof ApiError ? e.message : 'Cannot reach the server. Try again later.', 'Back to chat');
    return;
  }
  if (state.me.role !== 'admin') {
    gate('You need to be an admin to use this page.', 'Back to chat');
    return;
  }
  wire();
  $('admin-me').textContent = `Signed in as ${state.me.displayName || state.me.username}`;
  $('admin-gate').hidden = true;
  $('back-link').hidden = false;
  $('admin').hidden = false;
  const wanted = location.hash.slice(1);
  selectTab(TABS.includes(wanted) ? wanted : 'overview');
}

start();
