import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from './testing.js';
import { migrate } from './migrate.js';

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
