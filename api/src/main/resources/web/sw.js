// App-shell service worker: the UI opens without network. Network first (so a new version is
// picked up as soon as the server is reachable), the cached copy when offline. The API and the
// WebSocket are never cached here: data lives in IndexedDB, managed by the app.
const CACHE = 'chat-shell-v3';
const SHELL = ['/', '/index.html', '/style.css', '/favicon.svg', '/js/app.js', '/js/api.js', '/js/socket.js', '/js/ui.js', '/js/store.js',
  '/js/attachments.js', '/js/voice.js', '/js/reactions.js',
  '/js/cursor.js'];

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
      || url.pathname.startsWith('/api/') || url.pathname.startsWith('/ws') || url.pathname.startsWith('/health')) {
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
