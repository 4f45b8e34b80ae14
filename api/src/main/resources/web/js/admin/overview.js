// The overview tab: the service's figures and the nodes alive, refreshed every ten seconds while
// the tab is shown.
import { $, el, clear } from '../ui.js';
import { admin } from './api.js';
import { state, run } from './page.js';
import { num, timeEl, row, emptyRow } from './format.js';

const REFRESH_MS = 10_000;

export async function loadOverview(button, quiet = false) {
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

function uptime(seconds) {
  if (seconds == null) return '–';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return m ? `${m}m ${s % 60}s` : `${s}s`;
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

export function wireOverview() {
  $('stats-refresh').addEventListener('click', () => loadOverview($('stats-refresh')));
  setInterval(() => { if (state.tab === 'overview' && !document.hidden) loadOverview(null, true); }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => { if (state.tab === 'overview' && !document.hidden) loadOverview(null, true); });
}
