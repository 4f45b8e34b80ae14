// The admin console (admin.html), for accounts with role "admin": an overview of the nodes and
// queues, users, groups, message moderation, announcements and the audit log, under /api/admin.
// Every change asks for a reason, which the server keeps in the audit log.
// User content is only ever inserted as text (textContent), never as HTML.
// This file is the entry: who may use the page, and the tabs. Each tab is a module of admin/
// (overview, users, groups, moderation, announce, audit) over the helpers of admin/page.js.
import { request, ApiError } from './net/api.js';
import { $ } from './ui.js';
import { state, say, wireReasonDialog } from './admin/page.js';
import { loadList } from './admin/lists.js';
import { loadOverview, wireOverview } from './admin/overview.js';
import { wireUsers } from './admin/users.js';
import { wireGroups } from './admin/groups.js';
import { wireModeration } from './admin/moderation.js';
import { wireAnnounce } from './admin/announce.js';
import { loadAudit, wireAudit } from './admin/audit.js';

const TABS = ['overview', 'users', 'groups', 'moderation', 'announce', 'audit'];

/** What a tab fetches the first time it is shown (the overview: every time). */
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

function gate(message, linkText) {
  $('admin-gate-message').textContent = message;
  $('admin-gate-link').textContent = linkText;
  $('admin-gate-link').hidden = false;
}

function wire() {
  TABS.forEach((t) => $(`tab-${t}`).addEventListener('click', () => selectTab(t)));
  $('admin-tabs').addEventListener('keydown', onTabKey);
  wireOverview();
  wireUsers();
  wireGroups();
  wireModeration();
  wireAnnounce();
  wireAudit();
  wireReasonDialog();
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
