import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from './testing.js';
import { migrate } from './migrate.js';
import { renderToString } from 'preact-render-to-string';
import { createHttpServer } from './http.js';
import { dbFlashStore, FLASH_MAX_LENGTH, FLASH_TTL_MS, memoryFlashStore, type FlashKind, type FlashStore } from './flash.js';
import { Layout } from './views/layout.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('HTTP platform', () => {
  it('reports health with the database kind and version', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite', version: t.config.version });
  });

  it('sends a strict CSP, a request id, and no-store on pages', async () => {
    const res = await t.app.inject({ url: '/', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(res.body).not.toMatch(/\sstyle="/); // no inline style
    expect(res.body).toContain('République');
    expect(res.body).toContain('href="#contenu"');
  });

  it('a page with form errors: title starts with « Erreur – », the summary takes the focus; other pages keep their title', async () => {
    const c = new TestClient(t.app);
    await c.get('/connexion');
    const failed = await c.post('/mot-de-passe/oublie', { email: '' });
    expect(failed.statusCode).toBe(400);
    expect(failed.body).toMatch(/<title>Erreur – [^<]+<\/title>/);
    expect(failed.body).toMatch(/<div[^>]*id="erreurs-formulaire"[^>]*>/);
    expect(/<div[^>]*id="erreurs-formulaire"[^>]*>/.exec(failed.body)![0]).toMatch(/tabindex="-1"[^>]*autofocus|autofocus[^>]*tabindex="-1"/);
    const ok = await c.get('/mot-de-passe/oublie');
    expect(ok.body).not.toContain('Erreur – ');
    expect(ok.body).not.toContain('erreurs-formulaire');
  });

  it('a 403 page names whom to ask, by role, with the support address', async () => {
    const conseiller = new TestClient(t.app);
    await conseiller.login('conseiller@demo.test');
    const refused = await conseiller.get('/admin/journal');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('demandez au responsable de votre structure');
    expect(refused.body).toContain(`href="mailto:${t.config.supportEmail}"`);
    expect(refused.body).not.toContain('contactez votre administrateur');
    const prefecture = new TestClient(t.app);
    await prefecture.login('prefecture57@demo.test');
    expect((await prefecture.get('/admin/journal')).body).toContain("l'équipe nationale du dispositif (ANCT)");
  });

  it('SUPPORT_EMAIL: an address, or the default; anything else stops the start', async () => {
    const { supportEmail } = await import('./config.js');
    expect(supportEmail(undefined)).toBe('support@conseiller-numerique.local');
    expect(supportEmail(' aide@anct.gouv.fr ')).toBe('aide@anct.gouv.fr');
    expect(() => supportEmail('pas une adresse')).toThrow(/SUPPORT_EMAIL/);
  });

  it('SMTP_URL: checked at start, although the mail library loads at the first mail', async () => {
    const { smtpUrl } = await import('./config.js');
    expect(smtpUrl(undefined)).toBeUndefined();
    expect(smtpUrl('smtp://u:p@mail.example.fr:587')).toBe('smtp://u:p@mail.example.fr:587');
    expect(() => smtpUrl('mail.example.fr:587')).toThrow(/SMTP_URL/);
    expect(() => smtpUrl('https://mail.example.fr')).toThrow(/SMTP_URL/);
  });

  it('answers a French 404 page, and a problem+json 404 under /api', async () => {
    const page = await t.app.inject({ url: '/nulle-part' });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('Page non trouvée');
    const api = await t.app.inject({ url: '/api/v1/rien' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses an oversized body with 413, not a 500', async () => {
    const c = new TestClient(t.app);
    await c.get('/connexion');
    const res = await c.post('/connexion', { email: 'a@b.fr', password: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.statusCode).toBe(413);
    expect(res.body).toContain('trop volumineux');
  });

  it('refuses U+0000 in a query or a body with a 400, never a 500', async () => {
    const api = await t.app.inject({ url: '/api/v1/communes?q=me%00tz' });
    expect(api.statusCode).toBe(400);
    expect(api.headers['content-type']).toContain('application/problem+json');
    const c = new TestClient(t.app);
    await c.get('/connexion');
    const form = await c.post('/connexion', { email: 'a\u0000@b.fr', password: 'x' });
    expect(form.statusCode).toBe(400);
    expect(form.body).toContain('caractère invalide');
  });

  it('clears the browser storage of a person who logs out (shared devices)', async () => {
    const c = new TestClient(t.app);
    await c.login('conseiller@demo.test');
    const out = await c.post('/deconnexion');
    expect(out.headers['clear-site-data']).toBe('"cache", "storage"');
  });

  it('validates the commune lookup parameter with a problem naming it', async () => {
    const bad = await t.app.inject({ url: '/api/v1/communes?q=a' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().invalid_params[0].name).toBe('q');
    const ok = await t.app.inject({ url: '/api/v1/communes?q=57600' });
    expect(ok.json().communes.map((c: { nom: string }) => c.nom)).toContain('Forbach');
  });

  it('serves the DSFR assets', async () => {
    const res = await t.app.inject({ url: '/dsfr/dsfr.min.css' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/css');
    expect((await t.app.inject({ url: '/dsfr/dsfr.min.css.map' })).statusCode).toBe(404);
  });

  it('applies migrations once: a second run changes nothing', async () => {
    expect(await migrate(t.database)).toEqual([]);
  });

  it('stops on a migration whose own SQL violates a unique constraint (never skips it silently)', async () => {
    const bad = [{ name: '9999_bad', sql: `create table zz_dup(x int); insert into zz_dup values (1), (1); create unique index zz_dup_x on zz_dup(x);` }];
    await expect(migrate(t.database, bad)).rejects.toThrow(/9999_bad/);
    expect(await t.database.query(`select 1 from schema_migrations where name = '9999_bad'`)).toEqual([]);
  });
});

describe('flash messages', () => {
  async function flashServer(store?: FlashStore) {
    const app = await createHttpServer({
      config: t.config,
      proconnect: false,
      auth: { fromSession: async () => null, fromBearer: async () => null },
      ...(store ? { flash: store } : {}),
    });
    app.get('/poser', { config: { access: 'public' } }, async (request, reply) => {
      const q = request.query as { kind?: FlashKind; n?: string };
      return reply.flash('x'.repeat(Number(q.n ?? 10)), q.kind).redirect('/lire', 303);
    });
    app.get('/lire', { config: { access: 'public' } }, async (request) => ({ flash: request.flash, kind: request.flashKind }));
    await app.ready();
    return app;
  }

  it('never puts the message in the cookie: only a short id, read once on the next page', async () => {
    const app = await flashServer(dbFlashStore(t.database.db));
    const set = await app.inject({ url: '/poser?n=300000&kind=erreur' });
    const cookie = set.cookies.find((c) => c.name === 'cn_flash')!;
    expect(cookie.value.length).toBeLessThan(200);
    expect(String(set.headers['set-cookie']).length).toBeLessThan(1000);
    const read = await app.inject({ url: '/lire', headers: { cookie: `cn_flash=${cookie.value}` } });
    expect(read.json().kind).toBe('erreur');
    expect(read.json().flash.length).toBeLessThanOrEqual(FLASH_MAX_LENGTH);
    const again = await app.inject({ url: '/lire', headers: { cookie: `cn_flash=${cookie.value}` } });
    expect(again.json().flash).toBeNull();
    await app.close();
  });

  it('defaults to a success message; an unsigned or forged id shows nothing', async () => {
    const app = await flashServer();
    const set = await app.inject({ url: '/poser' });
    const cookie = set.cookies.find((c) => c.name === 'cn_flash')!;
    const read = await app.inject({ url: '/lire', headers: { cookie: `cn_flash=${cookie.value}` } });
    expect(read.json()).toEqual({ flash: 'x'.repeat(10), kind: 'succes' });
    const forged = await app.inject({ url: '/lire', headers: { cookie: `cn_flash=${cookie.value.split('.')[0]}` } });
    expect(forged.json().flash).toBeNull();
    await app.close();
  });

  it('expires unread messages and bounds the in-process store', async () => {
    let now = 0;
    const mem = memoryFlashStore(2, () => now);
    mem.put('a', { message: 'A', kind: 'info' });
    mem.put('b', { message: 'B', kind: 'info' });
    mem.put('c', { message: 'C', kind: 'info' });
    expect(mem.take('a')).toBeNull();
    now = FLASH_TTL_MS + 1;
    expect(mem.take('b')).toBeNull();
  });

  it('shows an error flash in a red alert, not a green one', () => {
    const ctx = { user: null, csrf: '', path: '/', demo: false, flash: 'Refusé.', flashKind: 'erreur' as const, proconnect: false };
    const html = renderToString(Layout({ ctx, title: 'T' }));
    expect(html).toContain('fr-alert--error');
    expect(html).not.toContain('fr-alert--success');
    expect(renderToString(Layout({ ctx: { ...ctx, flashKind: 'succes' }, title: 'T' }))).toContain('fr-alert--success');
  });
});
