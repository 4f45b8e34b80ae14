// The chat client's entry point: it opens the app (from the device's copy first, then the
// server), connects the socket (or its HTTP fallback) to the event dispatcher and the sync, and loads every screen.
// What is where: net/ (REST, socket), model/ (state and rules, no DOM), events.js (live events →
// model → repaint), sync.js (catching up), sending.js (the outbox on its way), views/ (screens),
// features/ (attachments, voice, reactions). Order comes from the server's seq; events are merged
// by seq, so duplicates never show. User content is only ever inserted as text, never as HTML.
import { $, hue } from './ui.js';
import { api, ApiError } from './net/api.js';
import { ChatSocket } from './net/socket.js';
import * as attachments from './features/attachments.js';
import { state, socketOpen } from './model/state.js';
import { openDeviceCopy, writeEverything } from './model/device.js';
import { receipts } from './model/receipts.js';
import { onEvent } from './events.js';
import { onWelcome } from './sync.js';
import { showMe } from './views/common.js';
import { ME_KEY, confirmSession, onSignIn, showAuth } from './views/auth.js';
import { renderInbox } from './views/inbox.js';
import { openConversation, renderHeader } from './views/conversation.js';
import { offerJoin } from './views/groups.js';
import './views/people.js';
import './views/menu.js';
import './views/recorder.js';
import './views/search.js';
import './views/call.js';

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

async function showApp() {
  $('auth').hidden = true;
  $('app').hidden = false;
  showMe(state.me);
  $('me-avatar').style.setProperty('--hue', hue(state.me.id));
  $('admin-entry').hidden = state.me.role !== 'admin';
  state.socket = new ChatSocket({
    onEvent,
    onWelcome: (welcome) => { state.session = welcome.session; onWelcome(welcome); }, // calls tell my devices apart by it
    onState: onConnectionState,
    onSignedOut: () => showAuth('Your session has ended. Please log in again.'),
  });
  await openDeviceCopy();
  renderInbox();
  performance.mark('chat:inbox'); // the benchmark's "first render of the inbox from the device"
  state.socket.connect();
  offerJoin();
  openFromLink();
}

/** A notification's chat: /#chat=<id> (a new window), or the service worker's message (a window already open). */
function openFromLink() {
  const m = location.hash.match(/^#chat=([0-9a-f-]{36})$/);
  if (!m) return;
  history.replaceState(null, '', location.pathname);
  openConversation(m[1]);
}
navigator.serviceWorker?.addEventListener('message', (e) => {
  if (e.data && e.data.type === 'open-conversation' && e.data.conversation && state.me) openConversation(e.data.conversation);
});
onSignIn(showApp);

// data-ws-state: whether the connection is up, over either transport; data-transport: which ('ws', 'http')
function onConnectionState(s, transport) {
  const changed = document.body.dataset.wsState !== s;
  document.body.dataset.wsState = s;
  document.body.dataset.transport = transport;
  if (changed && state.me && !$('app').hidden) { renderInbox(); if (state.current) renderHeader(); }
  $('connection').textContent = s === 'open' ? (transport === 'http' ? 'Connected (HTTP fallback)' : '')
    : s === 'offline' ? 'Offline — messages will be sent when you are back.' : 'Connecting…';
}

// my cursors go over the socket; lost with the network, the next welcome starts again from what the server holds
receipts.send = (frame) => {
  if (socketOpen()) state.socket.send({ ...frame, id: frame.type[0] + frame.seq });
  else (frame.type === 'read' ? api.read(frame.conversation, frame.seq) : api.delivered(frame.conversation, frame.seq)).catch(() => {});
};

addEventListener('pagehide', writeEverything);
addEventListener('hashchange', () => { if (state.me && !$('app').hidden) { offerJoin(); openFromLink(); } });
attachments.initViewer();

start();
