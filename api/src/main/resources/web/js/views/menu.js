// The open chat's menu: pin, mute, archive, clear, a contact's name, the group's panel, delete.
import { $, ask } from '../ui.js';
import { api } from '../net/api.js';
import { state } from '../model/state.js';
import { dropConversation } from '../model/messages.js';
import { onContact, onConversationUpdated } from '../events.js';
import { alertError } from './common.js';
import { openGroupPanel } from './groups.js';

export function closeMenu() { $('menu').hidden = true; $('menu-button').setAttribute('aria-expanded', 'false'); }
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
    const view = await act(action, c);
    if (view) onConversationUpdated(view);
  } catch (err) { alertError(err); }
});

/** Does what the menu item says; answers the conversation's new view when it changed. */
async function act(action, c) {
  if (action === 'pin') return api.change(c.id, { pinned: !c.pinned });
  if (action === 'mute') return api.change(c.id, { muted: !c.muted });
  if (action === 'archive') return api.change(c.id, { archived: !c.archived });
  if (action === 'clear') {
    const sure = await ask({ title: 'Clear history?', message: 'Clear this chat\u2019s history for you? The other people keep theirs.',
      actions: [{ label: 'Clear history', value: true, danger: true }] });
    return sure ? api.clear(c.id) : null;
  }
  if (action === 'alias' && c.peer) {
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
    dropConversation(c.id);
    $('back').click();
  }
  return null;
}
