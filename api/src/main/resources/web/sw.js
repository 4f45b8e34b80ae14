// App-shell service worker: the UI opens without network. Network first (so a new version is
// picked up as soon as the server is reachable), the cached copy when offline. The API, the
// WebSocket and its HTTP fallback's event stream (/events, endless) are never cached or touched
// here: data lives in IndexedDB, managed by the app.
const CACHE = 'chat-shell-v8'; // a new name whenever the list changes: the old copy is dropped on activate
// every file the app (index.html) loads; admin.html is online only
const SHELL = ['/', '/index.html', '/style.css', '/favicon.svg',
  '/js/app.js', '/js/cursor.js', '/js/events.js', '/js/history.js', '/js/repaint.js', '/js/searching.js', '/js/sending.js', '/js/sync.js', '/js/ui.js',
  '/js/features/attachments.js', '/js/features/calls.js', '/js/features/huddles.js', '/js/features/reacting.js', '/js/features/reactions.js', '/js/features/voice.js',
  '/js/model/cursors.js', '/js/model/device.js', '/js/model/inbox.js', '/js/model/kept.js', '/js/model/matching.js', '/js/model/messages.js', '/js/model/outbox.js', '/js/model/pages.js', '/js/model/query.js', '/js/model/receipts.js', '/js/model/state.js', '/js/model/store.js', '/js/model/ticks.js', '/js/model/windows.js',
  '/js/net/api.js', '/js/net/links.js', '/js/net/socket.js', '/js/net/transport.js',
  '/js/views/auth.js', '/js/views/bubble.js', '/js/views/call.js', '/js/views/common.js', '/js/views/composer.js', '/js/views/conversation.js', '/js/views/groups.js', '/js/views/huddle.js', '/js/views/inbox.js', '/js/views/menu.js', '/js/views/messages.js', '/js/views/notifications.js', '/js/views/paint.js', '/js/views/people.js', '/js/views/recorder.js', '/js/views/search.js'];

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
