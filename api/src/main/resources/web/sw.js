// App-shell service worker: the UI opens without network, and Web Push (below). Network first (so a new version is
// picked up as soon as the server is reachable), the cached copy when offline. The API, the
// WebSocket and its HTTP fallback's event stream (/events, endless) are never cached or touched
// here: data lives in IndexedDB, managed by the app.
const CACHE = 'chat-shell-v9'; // a new name whenever the list changes: the old copy is dropped on activate
// every file the app (index.html) loads; admin.html is online only
const SHELL = ['/', '/index.html', '/style.css', '/favicon.svg',
  '/js/app.js', '/js/cursor.js', '/js/events.js', '/js/history.js', '/js/repaint.js', '/js/searching.js', '/js/sending.js', '/js/sync.js', '/js/ui.js',
  '/js/features/attachments.js', '/js/features/calls.js', '/js/features/huddles.js', '/js/features/push.js', '/js/features/reacting.js', '/js/features/reactions.js', '/js/features/voice.js',
  '/js/model/cursors.js', '/js/model/device.js', '/js/model/inbox.js', '/js/model/kept.js', '/js/model/matching.js', '/js/model/messages.js', '/js/model/outbox.js', '/js/model/pages.js', '/js/model/query.js', '/js/model/receipts.js', '/js/model/state.js', '/js/model/store.js', '/js/model/ticks.js', '/js/model/windows.js',
  '/js/net/api.js', '/js/net/links.js', '/js/net/socket.js', '/js/net/transport.js',
  '/js/views/auth.js', '/js/views/bubble.js', '/js/views/call.js', '/js/views/common.js', '/js/views/composer.js', '/js/views/conversation.js', '/js/views/groups.js', '/js/views/huddle.js', '/js/views/inbox.js', '/js/views/menu.js', '/js/views/messages.js', '/js/views/notifications.js', '/js/views/paint.js', '/js/views/people.js', '/js/views/pushes.js', '/js/views/recorder.js', '/js/views/search.js'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin
      || url.pathname.startsWith('/api/') || url.pathname.startsWith('/ws') || url.pathname.startsWith('/events') || url.pathname.startsWith('/health')) {
    return; // straight to the network
  }
  event.respondWith(fetch(event.request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((c) => c.put(event.request, copy));
      }
      return response;
    })
    .catch(() => caches.match(event.request, { ignoreSearch: true })
      .then((hit) => hit || (event.request.mode === 'navigate' ? caches.match('/index.html') : Response.error()))));
});

// Web Push: the server's payload (JSON: kind, conversation, title, body; docs/PROTOCOL.md, "Web
// Push") becomes a notification; one per conversation (its tag), so a chat's pushes replace each
// other instead of piling up. A call gets its own tag and stays until acted on.
self.addEventListener('push', (event) => {
  let p = {};
  try { p = event.data ? event.data.json() : {}; } catch { p = { body: event.data ? event.data.text() : '' }; }
  const call = p.kind === 'call';
  event.waitUntil(self.registration.showNotification(p.title || 'New message', {
    body: p.body || '', icon: '/favicon.svg', tag: call ? `call:${p.call}` : (p.conversation || 'chat'), renotify: true,
    requireInteraction: call, data: { conversation: p.conversation || null, kind: p.kind || 'message' },
  }));
});

// A click opens the chat: in a window of the app that is open (told by a message, then focused),
// else in a new one at /#chat=<id>. A named function so the end-to-end test can run the same code
// for a shown notification (headless Chromium has no notifications to click).
self.openFromNotification = (notification) => {
  notification.close();
  const conversation = notification.data && notification.data.conversation;
  return self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
    const open = windows.find((w) => new URL(w.url).origin === location.origin);
    if (open) {
      open.postMessage({ type: 'open-conversation', conversation });
      return open.focus().catch(() => open); // focusing needs a real click; the chat is open either way
    }
    return self.clients.openWindow(conversation ? `/#chat=${conversation}` : '/');
  });
};
self.addEventListener('notificationclick', (event) => event.waitUntil(self.openFromNotification(event.notification)));
