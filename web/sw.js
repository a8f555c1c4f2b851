// The service worker (served as /sw.js, scope /): the app shell offline, so an officer
// without a signal can open safeharbor and identify a youth. It keeps only the app's own
// files (index.html and /assets/), never an API answer: case data never reaches its cache.
// The identification itself waits in the page's encrypted queue (js/offline.js).
const CACHE = 'safeharbor-shell';
// what the identification screen needs, besides what index.html names
const FILES = ['app.css', 'icon.svg', 'js/main.js', 'js/dom.js', 'js/api.js', 'js/auth.js',
  'js/factor.js', 'js/offline.js', 'js/steps.js', 'js/views/identify.js', 'js/i18n.js',
  'i18n/en.json', 'i18n/es.json'];

// The shell from the network: index.html, and the files of its version.
async function fetchShell() {
  const res = await fetch('/', { cache: 'no-cache', credentials: 'same-origin' });
  if (!res.ok) throw new Error(`the app shell answered ${res.status}`);
  const cache = await caches.open(CACHE);
  const html = await res.clone().text();
  const version = html.match(/\/assets\/([^/"]+)\//)?.[1];
  if (version) await cache.addAll(FILES.map((f) => `/assets/${version}/${f}`));
  await cache.put('/', res);
  // files of older versions are of no use any more
  if (version) {
    for (const req of await cache.keys()) {
      const m = new URL(req.url).pathname.match(/^\/assets\/([^/]+)\//);
      if (m && m[1] !== version) await cache.delete(req);
    }
  }
}

self.addEventListener('install', (ev) => {
  ev.waitUntil(fetchShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (ev) => {
  const req = ev.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js') return; // the network's, always
  if (req.mode === 'navigate') {
    // the network first (a new version, a signed-out page), the shell when there is none
    ev.respondWith(fetch(req).then((res) => {
      if (res.ok) ev.waitUntil(fetchShell().catch(() => { /* kept the older one */ }));
      return res;
    }).catch(async () => (await caches.match('/')) ?? Response.error()));
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // versioned files never change: the cache first, and what is fetched is kept
    ev.respondWith(caches.match(req).then((hit) => hit ?? fetch(req).then(async (res) => {
      if (res.ok) await (await caches.open(CACHE)).put(req, res.clone());
      return res;
    })));
  }
});
