/*
 * Service worker of the activity entry (served at /activites/sw.js, scope /activites/).
 * - Navigations in scope: network first; the last good copy of each page is kept, so the entry form
 *   opens without network (the form queues entries itself, see activites-saisie.js).
 * - Styles and scripts of those pages: cache first, refreshed in the background.
 * - The entry form's post goes to the network; if the network fails (it may claim to be up while
 *   it is not), the entry is queued in IndexedDB under the form's UUID and the form opens again:
 *   the page sends the queue when the network returns. Every other non-GET request is left alone.
 */
importScripts('/static/activites-file.js');

const CACHE = 'cn-activites-v1';
const FORM = '/activites/nouvelle';
const ASSETS = [
  '/dsfr/dsfr.min.css',
  '/dsfr/utility/icons/icons.min.css',
  '/dsfr/dsfr.module.min.js',
  '/static/app.css',
  '/static/nojs.css',
  '/static/activites.css',
  '/static/activites-saisie.js',
  '/static/activites-file.js',
  '/static/activites-manifest.json',
];

async function cacheForm(cache) {
  try {
    const res = await fetch(FORM, { credentials: 'same-origin', redirect: 'follow' });
    if (res.ok && !res.redirected) await cache.put(FORM, res);
  } catch {
    /* offline at install: the form is cached on its next visit */
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(ASSETS.map((a) => cache.add(a).catch(() => undefined)));
      await cacheForm(cache);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method === 'POST' && req.mode === 'navigate' && url.pathname === FORM) {
    const copy = req.clone();
    event.respondWith(
      fetch(req).catch(async () => {
        await self.CnFileActivites.queueForm(await copy.formData());
        return Response.redirect(`${FORM}?hors_ligne=1`, 303);
      }),
    );
    return;
  }
  if (req.method !== 'GET') return;
  if (req.mode === 'navigate') {
    if (!url.pathname.startsWith('/activites/')) return;
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        try {
          const res = await fetch(req);
          if (res.ok && !res.redirected && url.pathname === FORM) await cache.put(FORM, res.clone());
          return res;
        } catch (e) {
          const cached = await cache.match(url.pathname === FORM ? FORM : url.pathname, { ignoreSearch: true });
          if (cached) return cached;
          const form = await cache.match(FORM);
          if (form) return form;
          throw e;
        }
      })(),
    );
    return;
  }
  if (url.pathname.startsWith('/dsfr/') || url.pathname.startsWith('/static/')) {
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        const cached = await cache.match(req, { ignoreSearch: true });
        const fresh = fetch(req)
          .then((res) => {
            if (res.ok) cache.put(req, res.clone()).catch(() => undefined);
            return res;
          })
          .catch(() => undefined);
        if (cached) {
          event.waitUntil(fresh);
          return cached;
        }
        return (await fresh) ?? Response.error();
      })(),
    );
  }
});
