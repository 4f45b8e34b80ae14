// Finding people (the search field of the sidebar, a combobox) and starting a chat with them;
// my own profile.
import { showPushSettings } from './pushes.js';
import { $, el, clear } from '../ui.js';
import { api } from '../net/api.js';
import { state } from '../model/state.js';
import { refreshPresence } from '../sync.js';
import { nameOf, avatar, failure, showMe } from './common.js';
import { openConversation } from './conversation.js';

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

/** Opens the direct chat with someone (made if new), from the people search here or the search screen. */
export async function startChatWith(username) {
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
    $('new-chat-error').textContent = failure(err);
  }
}

// ------------------------------------------------------------------ my profile
$('me').addEventListener('click', () => {
  $('profile-username').textContent = '@' + state.me.username;
  $('profile-display-name').value = state.me.displayName || '';
  $('profile-bio').value = state.me.bio || '';
  $('profile-error').textContent = '';
  $('profile').showModal();
  showPushSettings();
});
$('profile-cancel').addEventListener('click', () => $('profile').close());
$('profile-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    state.me = await api.updateMe({ displayName: $('profile-display-name').value.trim(), bio: $('profile-bio').value.trim() });
    showMe(state.me);
    $('profile').close();
  } catch (err) {
    $('profile-error').textContent = failure(err);
  }
});
