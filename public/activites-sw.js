/*
 * Service worker of the activity entry (served at /activites/sw.js, scope /activites/).
 * - Navigations in scope: network first; the last good copy of each page is kept, so the entry form
 *   opens without network (the form queues entries itself, see activites-saisie.js).
 * - Styles and scripts of those pages: cache first, refreshed in the background.
 * - The entry form's post goes to the network; if the network fails (it may claim to be up while
 *   it is not), the entry is queued in IndexedDB under the form's UUID and the form opens again:
 *   the page sends the queue when the network returns. Every other non-GET request is left alone.
 *
 * Shared devices: the cached form holds its user's beneficiary names (the select) and user id. It is
 * therefore cached per user, under `/activites/nouvelle?utilisateur=<id>`, and served offline only to
 * the "current user": the id the server sends in the `x-cn-utilisateur` header of every page of
 * /activites/ (read from the online response, so it always reflects the session's real owner, never
 * what a page claims). When an online response names another user, the previous user's copy is
 * deleted at once; when the server answers "sign in" (redirect to /connexion) or 403, the current
 * user is forgotten and no form is served offline until an activity page is opened again online.
 * (Signing out also wipes this cache: Clear-Site-Data.)
 */
importScripts('/static/activites-file.js');

// v2: v1 held one unkeyed copy of the form (any user's); activate deletes it.
const CACHE = 'cn-activites-v2';
const FORM = '/activites/nouvelle';
const CURRENT = '/activites/sw-utilisateur-courant';
const formKey = (user) => `${FORM}?utilisateur=${encodeURIComponent(user)}`;
const ASSETS = [
  '/dsfr/dsfr.min.css',
  '/dsfr/utility/icons/icons.min.css',
  '/dsfr/dsfr.module.min.js',
  '/static/app.css',
  '/static/nojs.css',
  '/static/activites.css',
  '/static/activites-saisie.js',
  '/static/activites-file.js',
  '/static/commune.js',
  '/static/tables.js',
  '/static/activites-manifest.json',
];

async function currentUser(cache) {
  const r = await cache.match(CURRENT);
  return r ? (await r.text()) || null : null;
}

/** Follows an online response of /activites/: whose session it is, and the form copy of that user. */
async function observe(cache, url, res) {
  const user = res.headers.get('x-cn-utilisateur');
  if (user) {
    if ((await currentUser(cache)) !== user) {
      // Another person now: their predecessor's copy (names of their beneficiaries) goes.
      for (const req of await cache.keys()) if (new URL(req.url).pathname === FORM) await cache.delete(req);
      await cache.put(CURRENT, new Response(user));
    }
    if (res.ok && !res.redirected && url.pathname === FORM) await cache.put(formKey(user), res.clone());
    return;
  }
  const signIn = res.redirected && new URL(res.url).pathname === '/connexion';
  if (signIn || res.status === 401 || res.status === 403) await cache.delete(CURRENT);
}

async function cacheForm(cache) {
  try {
    const res = await fetch(FORM, { credentials: 'same-origin', redirect: 'follow' });
    await observe(cache, new URL(FORM, self.location.origin), res);
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
        let res;
        try {
          res = await fetch(req);
        } catch (e) {
          // Offline: only the current user's own copy of the form, never another's.
          const user = await currentUser(cache);
          const form = user ? await cache.match(formKey(user)) : undefined;
          if (form) return form;
          throw e;
        }
        await observe(cache, url, res).catch(() => undefined);
        return res;
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
