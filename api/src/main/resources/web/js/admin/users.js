// The users tab: find people (name, role, status), open one, and disable, enable, change the
// role of or log out that account; each change asks for a reason.
import { $, el, clear } from '../ui.js';
import { admin } from './api.js';
import { PAGE, state, say, run, askReason } from './page.js';
import { num, roleLabel, timeEl, row } from './format.js';
import { defineList, loadList, wireList } from './lists.js';

defineList('users', { columns: 6, rowOf: userRow, fetch: (offset) => admin.users({
  q: $('users-q').value.trim(), role: $('users-role').value, status: $('users-status').value, limit: PAGE, offset }) });

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

export function wireUsers() {
  wireList('users');
  Object.entries(USER_ACTIONS).forEach(([id, action]) => $(id).addEventListener('click', () => userAction($(id), action)));
  $('user-close').addEventListener('click', () => { $('user-detail').hidden = true; $('users-heading').focus(); });
}
