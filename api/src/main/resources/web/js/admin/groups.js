// The groups tab: find groups by name, open one (members, channels), remove a member or delete the
// group; each change asks for a reason.
import { $, el, clear } from '../ui.js';
import { admin } from './api.js';
import { PAGE, state, say, run, askReason } from './page.js';
import { num, timeEl, row, emptyRow } from './format.js';
import { defineList, loadList, wireList } from './lists.js';

defineList('groups', { columns: 5, rowOf: groupRow, fetch: (offset) => admin.groups({ q: $('groups-q').value.trim(), limit: PAGE, offset }) });

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

export function wireGroups() {
  wireList('groups');
  $('group-delete').addEventListener('click', deleteGroup);
  $('group-close').addEventListener('click', () => { $('group-detail').hidden = true; $('groups-heading').focus(); });
}
