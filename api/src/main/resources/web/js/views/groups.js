// Groups: creating one, its panel (channels, invites, members and roles, for its admins), and
// joining by an invite link (https://host/#join=TOKEN).
import { $, el, clear, ask } from '../ui.js';
import { api } from '../net/api.js';
import { state } from '../model/state.js';
import { failure } from './common.js';
import { renderInbox } from './inbox.js';
import { openConversation } from './conversation.js';

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
  } catch (err) { $('group-create-error').textContent = failure(err); }
});

async function openFirstChannel(g) {
  const { conversations } = await api.conversations();
  conversations.forEach((c) => state.conversations.set(c.id, c));
  renderInbox();
  const general = conversations.find((c) => c.group?.id === g.id && c.name === 'general')
    || conversations.find((c) => c.group?.id === g.id);
  if (general) openConversation(general.id);
}

// ------------------------------------------------------------------ the group's panel
let panelGroup = null;
export async function openGroupPanel(groupId) {
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
  renderChannels(g.channels);
  if (admin) await renderInvites();
  renderMembers(g, members, admin);
}

function renderChannels(list) {
  const channels = $('channel-list');
  clear(channels);
  for (const ch of list) {
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
}

async function renderInvites() {
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

function renderMembers(g, members, admin) {
  const list = $('member-list');
  clear(list);
  for (const m of members) {
    state.names.set(m.id, m.displayName || m.username);
    list.append(el('li', { 'data-testid': 'member' },
      el('span', { class: 'who' }, m.displayName || m.username, ' ', el('span', { class: 'muted small' }, '@' + m.username)),
      el('span', { class: 'role' }, m.role), ...memberActions(g, m, admin)));
  }
}

/** What I may do to a member: an owner changes roles and hands the group over; admins remove members. */
function memberActions(g, m, admin) {
  const actions = [];
  if (m.id === state.me.id || m.role === 'owner') return actions;
  if (g.myRole === 'owner') {
    const next = m.role === 'admin' ? 'member' : 'admin';
    actions.push(el('button', { type: 'button', onclick: () => groupAction(() => api.setRole(panelGroup, m.id, next)) },
      next === 'admin' ? 'Make admin' : 'Make member'));
    actions.push(el('button', { type: 'button', 'aria-label': `Make ${m.username} the owner`, onclick: async () => {
      if (await ask({ title: 'Hand over the group?', message: `Make @${m.username} the owner? You will stay as an admin.`,
        actions: [{ label: 'Make owner', value: true }] })) groupAction(() => api.transfer(panelGroup, m.id));
    } }, 'Make owner'));
  }
  if (admin && (m.role === 'member' || g.myRole === 'owner')) {
    actions.push(el('button', { type: 'button', 'aria-label': `Remove ${m.username}`,
      onclick: () => groupAction(() => api.removeMember(panelGroup, m.id)) }, 'Remove'));
  }
  return actions;
}

async function groupAction(action) {
  $('group-panel-error').textContent = '';
  try { await action(); await renderGroupPanel(); } catch (err) {
    $('group-panel-error').textContent = failure(err);
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

// ------------------------------------------------------------------ joining by an invite link
/** A link like https://host/#join=TOKEN: show the group, then join on request. */
export async function offerJoin() {
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
      } catch (err) { $('join-error').textContent = failure(err); }
    };
    $('join').showModal();
  } catch (err) {
    $('connection').textContent = failure(err);
  }
}
