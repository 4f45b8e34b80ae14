// The search screen, reachable from every screen (the magnifier buttons, Ctrl/Cmd+K): one field
// for messages and for people, groups and channels; results as you type (an answer that comes
// after a newer question is dropped), messages grouped by conversation with their snippet (text
// nodes and <mark>s, never HTML), sender and time; filters as buttons that edit the typed text
// (model/query.js). The keyboard walks the results (↑/↓, Enter opens, Esc closes and gives the
// focus back). Offline, what the device holds is searched, and says so.
import { $, el, clear, dayLabel, timeLabel } from '../ui.js';
import { api } from '../net/api.js';
import { state } from '../model/state.js';
import { parseQuery, isEmpty, withFilter, parseDate } from '../model/query.js';
import { groupResults, piecesOf } from '../model/matching.js';
import { findMessages, findChats, chatOf } from '../searching.js';
import { nameOf, titleOf, userName, avatar, groupAvatar, failure } from './common.js';
import { openConversation } from './conversation.js';
import { startChatWith } from './people.js';

const DEBOUNCE_MS = 250;
const dialog = $('search');
const input = $('search-input');
const list = $('search-results');

/** What the screen shows: the answers, which option is active, and the question they answer. */
const shown = { text: null, parsed: null, chat: null, messages: [], next: null, chats: [], people: [], local: false,
  active: -1, asked: 0, timer: 0, back: null, error: '', paging: false };

/** Opens the search screen over whatever is on screen; the focus comes back where it was when it closes. */
export function openSearch() {
  if (!dialog.open) {
    shown.back = document.activeElement;
    dialog.showModal();
    updateFilters();
    if (input.value.trim()) run(true);
  }
  input.focus();
  input.select();
}

function closeSearch(giveBack = true) {
  if (!giveBack) shown.back = null;
  dialog.close();
}

dialog.addEventListener('close', () => {
  clearTimeout(shown.timer);
  shown.asked++; // an answer still on its way is no longer wanted
  const back = shown.back;
  shown.back = null;
  if (back && back.isConnected && typeof back.focus === 'function') back.focus();
});

// ------------------------------------------------------------------ asking
input.addEventListener('input', () => { updateFilters(); schedule(); });

function schedule() {
  clearTimeout(shown.timer);
  shown.timer = setTimeout(() => run(false), DEBOUNCE_MS);
}

/** Asks the question in the field (again: force), unless it is the one on screen. */
async function run(force) {
  clearTimeout(shown.timer);
  const text = input.value;
  if (!force && text === shown.text) return;
  const parsed = parseQuery(text);
  const asked = ++shown.asked;
  Object.assign(shown, { text, parsed, messages: [], next: null, chats: [], people: [], active: -1, error: '', local: false });
  if (parsed.errors.length || isEmpty(parsed)) { shown.error = parsed.errors.join(' '); paint(); return; }
  const chat = chatOf(parsed);
  if (chat === undefined) { shown.error = `No chat of yours is called “${parsed.filters.in}”.`; paint(); return; }
  shown.chat = chat;
  status('Searching…');
  // both answers are painted together, so the options do not move under the keyboard as they come
  const [messages, chats] = await Promise.allSettled([findMessages(parsed, chat), findChats(parsed)]);
  if (asked !== shown.asked) return; // a newer question was asked meanwhile
  if (messages.status === 'fulfilled') {
    Object.assign(shown, { messages: messages.value.results, next: messages.value.next, local: messages.value.local });
  } else {
    shown.error = failure(messages.reason);
  }
  if (chats.status === 'fulfilled') Object.assign(shown, { chats: chats.value.chats, people: chats.value.people });
  paint();
  loadNamesFor(shown.messages);
}

/** The next page of message results, after those shown. */
async function more() {
  if (!shown.next || shown.paging) return; // one page at a time: the same cursor twice would repeat it
  shown.paging = true;
  const asked = shown.asked;
  const before = shown.messages.length;
  status('Searching…');
  try {
    const page = await findMessages(shown.parsed, shown.chat, shown.next);
    if (asked !== shown.asked) return;
    shown.messages = shown.messages.concat(page.results);
    shown.next = page.next;
  } catch (e) {
    if (asked !== shown.asked) return;
    shown.error = failure(e);
  } finally {
    shown.paging = false;
  }
  paint();
  const first = list.querySelector(`[data-index="${before}"]`);
  if (first) activate(Number(first.dataset.option));
  loadNamesFor(shown.messages);
}

/** The names of the senders in group channels, loaded once per group, then painted. */
function loadNamesFor(results) {
  const groups = new Set();
  for (const r of results) {
    const g = state.conversations.get(r.conversation)?.group;
    if (g && !state.namesOf.has(g.id)) groups.add(g.id);
  }
  for (const id of groups) {
    state.namesOf.add(id);
    api.groupMembers(id).then(({ members }) => {
      members.forEach((m) => state.names.set(m.id, m.displayName || m.username));
      if (dialog.open) paint();
    }).catch(() => state.namesOf.delete(id));
  }
}

// ------------------------------------------------------------------ painting
function status(text) {
  $('search-status').textContent = text;
}

function paint() {
  const keep = shown.active;
  clear(list);
  options.length = 0;
  dialog.classList.toggle('local', shown.local);
  const chatsAndPeople = shown.chats.length + shown.people.length;
  if (chatsAndPeople) list.append(chatsSection());
  groupResults(shown.messages).forEach((g, i) => list.append(conversationSection(g, i)));
  if (shown.next) list.append(option({ class: 'search-more', 'data-testid': 'search-more' }, () => more(), 'More results'));
  status(statusLine());
  list.hidden = options.length === 0;
  input.setAttribute('aria-expanded', String(options.length > 0));
  activate(Math.min(keep, options.length - 1));
}

function statusLine() {
  if (shown.error) return shown.error;
  if (shown.parsed == null || isEmpty(shown.parsed)) return '';
  const n = shown.messages.length;
  const where = shown.local ? 'Offline: searched only what is on this device. ' : '';
  if (!n) return `${where}No messages found.`;
  return `${where}${n}${shown.next ? '+' : ''} message${n === 1 ? '' : 's'} found.`;
}

/** Every option in order (the keyboard walks them): its node and what Enter does. */
const options = [];

function option(attrs, act, ...children) {
  const i = options.length;
  const node = el('div', { role: 'option', id: `search-option-${i}`, 'aria-selected': 'false', 'data-option': String(i), ...attrs,
    onclick: () => act(), onmousemove: () => { if (shown.active !== i) activate(i); } }, ...children);
  options.push({ node, act });
  return node;
}

function section(id, title, ...children) {
  return el('div', { role: 'group', class: 'search-group', 'aria-labelledby': id }, el('div', { id, class: 'search-group-title' }, ...title), ...children);
}

function chatsSection() {
  const chats = shown.chats.map((c) => option({ class: 'search-chat', 'data-testid': 'search-chat', 'data-id': c.id },
    () => { closeSearch(false); openConversation(c.id); },
    c.peer ? avatar(c.peer, false) : groupAvatar(c),
    el('span', { class: 'who' }, el('span', { class: 'name' }, titleOf(c)),
      el('span', { class: 'muted small' }, c.kind === 'channel' ? `Channel of ${c.group?.name || 'a group'}` : '@' + c.peer.username))));
  const people = shown.people.map((p) => option({ class: 'search-chat', 'data-testid': 'search-person' },
    () => { closeSearch(false); startChatWith(p.username); },
    avatar(p, false),
    el('span', { class: 'who' }, el('span', { class: 'name' }, nameOf(p)), el('span', { class: 'muted small' }, '@' + p.username)),
    el('span', { class: 'tag' }, 'Start chat')));
  return section('search-chats-title', ['People, groups and channels', shown.local ? localTag() : null], ...chats, ...people);
}

const localTag = () => el('span', { class: 'tag local-tag', 'data-testid': 'local-tag' }, 'on this device');

function conversationSection(group, i) {
  const c = state.conversations.get(group.conversation);
  const title = c ? [c.peer ? avatar(c.peer, false) : groupAvatar(c), el('span', { class: 'name' }, titleOf(c)),
    c.group ? el('span', { class: 'muted small' }, c.group.name) : null] : [el('span', { class: 'name' }, 'A chat you have left')];
  const results = group.results.map((r) => resultOption(c, r));
  return section(`search-conversation-${i}`, [...title, shown.local ? localTag() : null], ...results);
}

function resultOption(c, r) {
  const index = shown.messages.indexOf(r);
  const when = `${dayLabel(r.at)} ${timeLabel(r.at)}`;
  const snippet = piecesOf(r.snippet, r.highlights).map((p) => (p.mark ? el('mark', {}, p.text) : p.text));
  return option({ class: 'search-result', 'data-testid': 'search-result', 'data-conversation': r.conversation,
    'data-seq': String(r.seq), 'data-index': String(index) }, () => openResult(r),
  el('span', { class: 'result-head small' }, el('span', { class: 'result-sender' }, c ? userName(c, r.senderId) : 'Someone'),
    el('time', { datetime: r.at, class: 'muted' }, when)),
  el('span', { class: 'snippet' }, ...(snippet.length ? snippet : [r.message?.attachment?.name || 'Message'])));
}

function openResult(r) {
  if (!state.conversations.has(r.conversation)) {
    status('You are no longer in that chat, so it cannot be opened.');
    return;
  }
  closeSearch(false);
  openConversation(r.conversation, r.seq);
}

// ------------------------------------------------------------------ the keyboard
function activate(i) {
  options.forEach((o, k) => o.node.setAttribute('aria-selected', String(k === i)));
  shown.active = i;
  if (i >= 0 && options[i]) {
    input.setAttribute('aria-activedescendant', options[i].node.id);
    options[i].node.scrollIntoView({ block: 'nearest' });
  } else {
    input.removeAttribute('aria-activedescendant');
  }
}

input.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    const n = options.length;
    if (!n) return;
    activate(e.key === 'ArrowDown' ? (shown.active + 1) % n : (shown.active <= 0 ? n : shown.active) - 1);
  } else if (e.key === 'Enter' && !e.isComposing) {
    e.preventDefault();
    if (shown.active >= 0 && options[shown.active]) options[shown.active].act();
    else run(true);
  }
});

// ------------------------------------------------------------------ filters: buttons that edit the text
function setText(text) {
  input.value = text;
  updateFilters();
  run(false);
}

/** The filter buttons show what the typed text asks for. */
function updateFilters() {
  const f = parseQuery(input.value).filters;
  const here = state.current && state.conversations.get(state.current);
  $('filter-here').hidden = !here;
  $('filter-here').setAttribute('aria-pressed', String(!!here && !!f.in && chatOf({ filters: f }) === here.id));
  for (const b of document.querySelectorAll('#search [data-has]')) b.setAttribute('aria-pressed', String(f.has.includes(b.dataset.has)));
  $('filter-after').value = f.after && /^\d{4}-\d{2}-\d{2}$/.test(f.after) ? f.after : '';
  $('filter-before').value = f.before && /^\d{4}-\d{2}-\d{2}$/.test(f.before) ? f.before : '';
}

$('filter-here').addEventListener('click', () => {
  const c = state.conversations.get(state.current);
  if (!c) return;
  const on = $('filter-here').getAttribute('aria-pressed') !== 'true';
  setText(withFilter(input.value, 'in', on ? (c.kind === 'channel' ? '#' + c.name : c.peer.username) : null));
});
$('filter-from').addEventListener('click', () => {
  const text = withFilter(input.value, 'from', null);
  input.value = text + 'from:';
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
});
for (const b of document.querySelectorAll('#search [data-has]')) {
  b.addEventListener('click', () => setText(withFilter(input.value, 'has', b.dataset.has, b.getAttribute('aria-pressed') !== 'true')));
}
for (const key of ['after', 'before']) {
  $(`filter-${key}`).addEventListener('change', (e) => {
    const v = e.target.value;
    setText(withFilter(input.value, key, v && parseDate(v) ? v : null));
  });
}

$('search-close').addEventListener('click', () => closeSearch());
dialog.addEventListener('click', (e) => { if (e.target === dialog) closeSearch(); }); // the backdrop
for (const b of document.querySelectorAll('[data-open-search]')) b.addEventListener('click', openSearch);

// Ctrl+K (Cmd+K on a Mac) from anywhere in the app; not over another dialog
document.addEventListener('keydown', (e) => {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || e.key.toLowerCase() !== 'k' || $('app').hidden) return;
  const other = document.querySelector('dialog[open]:not(#search)');
  if (other) return;
  e.preventDefault();
  openSearch();
});
