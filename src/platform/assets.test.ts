/**
 * The public pages' purged style sheet (scripts/build-assets.mjs, built by the test run's globalSetup):
 * every public page, rendered here in its states (empty, results, filters, errors, signed in), links
 * it and no full DSFR; every class those pages use that the full DSFR (or app.css, nojs.css, lieux.css) styles
 * is styled by it too; its icons are inlined and its only faces are the two subset Marianne ones.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from './testing.js';
import { ASSETS_DIR, ASSETS_PREFIX, publicAssets } from './assets.js';
import { DEMO_ACCOUNTS } from '../demo/seed.js';

const require = createRequire(import.meta.url);
const DSFR = require.resolve('@gouvfr/dsfr/package.json').replace(/package\.json$/, 'dist/');

/** The class names that a style sheet's selectors name (at-rule preludes and declarations aside). */
function selectorClasses(css: string): Set<string> {
  const out = new Set<string>();
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/url\((?:"[^"]*"|'[^']*'|[^)]*)\)/g, 'url()');
  for (const m of text.matchAll(/(?:^|[{};])([^{};]+)\{/g)) {
    const prelude = m[1]!.trim();
    if (prelude.startsWith('@')) continue;
    for (const c of prelude.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)) out.add(c[1]!);
  }
  return out;
}

/** The classes of an HTML page, from its class attributes. */
function pageClasses(html: string): Set<string> {
  const out = new Set<string>();
  for (const m of html.matchAll(/\sclass="([^"]*)"/g)) for (const c of m[1]!.split(/\s+/)) if (c) out.add(c);
  return out;
}

describe('feuille de style des pages publiques', () => {
  let t: TestContext;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp();
    const anon = new TestClient(t.app);
    const get = async (label: string, url: string, client = anon, status = 200) => {
      const res = await client.get(url);
      expect(res.statusCode, `${label} : ${url}`).toBe(status);
      pages.set(label, res.body);
      return res.body;
    };
    await get('accueil', '/');
    await get('trouver', '/trouver');
    const resultats = await get('résultats', '/trouver?q=Forbach');
    await get('résultats page 2', '/trouver?q=Forbach&page=2');
    await get('résultats filtrés', '/trouver?q=Forbach&gratuit=1&services=Aide+aux+d%C3%A9marches+administratives&itinerance=Fixe');
    await get('rien de proche', '/trouver?q=Forbach&ouvert=1&gratuit=1&pec=Surdit%C3%A9&publics=Seniors');
    await get('commune inconnue', '/trouver?q=Forbachh');
    await get('plusieurs communes', '/trouver?q=Saint-Denis');
    const lieu = /href="(\/lieux\/[0-9a-f-]{36})"/.exec(resultats)![1]!;
    await get('fiche de lieu', lieu);
    await get('accessibilité', '/accessibilite');
    await get('mentions légales', '/mentions-legales');
    await get('données personnelles', '/donnees-personnelles');
    await get('candidature structure', '/candidature/structure');
    await get('candidature structure envoyée', '/candidature/structure/envoyee?numero=12');
    await get('candidature conseiller', '/candidature/conseiller');
    await get('candidature conseiller envoyée', '/candidature/conseiller/envoyee');
    // Forms sent empty come back with their errors.
    const s = await anon.post('/candidature/structure', {});
    expect(s.statusCode).toBe(400);
    pages.set('candidature structure avec erreurs', s.body);
    await anon.get('/candidature/conseiller');
    const c = await anon.post('/candidature/conseiller', {});
    expect(c.statusCode).toBe(400);
    pages.set('candidature conseiller avec erreurs', c.body);
    // Signed in, the header has other tools and the place page its edit button.
    const admin = new TestClient(t.app);
    await admin.login(DEMO_ACCOUNTS.find((a) => a.role === 'admin')!.email);
    await get('accueil (connecté)', '/', admin);
    await get('fiche de lieu (connecté)', lieu, admin);
    await get('résultats (connecté)', '/trouver?q=Forbach', admin);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('est construite, et chaque page publique la prend à la place du DSFR complet et de son script', () => {
    const assets = publicAssets();
    expect(assets, 'dist/assets/manifest.json (node scripts/build-assets.mjs)').not.toBeNull();
    for (const [label, html] of pages) {
      expect(html, label).toContain(`<link rel="stylesheet" href="${assets!.css}"/>`);
      for (const f of assets!.fonts) expect(html, label).toContain(`<link rel="preload" href="${f}" as="font" type="font/woff2" crossorigin="anonymous"/>`);
      expect(html, label).not.toContain('/dsfr/dsfr.min.css');
      expect(html, label).not.toContain('icons.min.css');
      expect(html, label).not.toContain('dsfr.module');
    }
  });

  it('style chaque classe que le DSFR complet style sur ces pages', () => {
    const full = new Set<string>();
    for (const f of [DSFR + 'dsfr.min.css', DSFR + 'utility/icons/icons.min.css', 'public/app.css', 'public/nojs.css', 'public/lieux.css']) {
      for (const c of selectorClasses(readFileSync(f, 'utf8'))) full.add(c);
    }
    const lean = selectorClasses(readFileSync(ASSETS_DIR + publicAssets()!.css.slice(ASSETS_PREFIX.length), 'utf8'));
    const missing: string[] = [];
    let checked = 0;
    for (const [label, html] of pages) {
      for (const c of pageClasses(html)) {
        if (!full.has(c)) continue;
        checked++;
        if (!lean.has(c)) missing.push(`${c} (${label})`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(missing, 'classes absentes de la feuille purgée : ajoutez leur source à CONTENT ou leur motif à SAFELIST (scripts/build-assets.mjs)').toEqual([]);
  });

  it('les classes vérifiées le sont vraiment : une classe du DSFR hors des pages publiques en est absente', () => {
    const lean = selectorClasses(readFileSync(ASSETS_DIR + publicAssets()!.css.slice(ASSETS_PREFIX.length), 'utf8'));
    expect(lean.has('fr-btn')).toBe(true);
    expect(lean.has('fr-accordion__btn')).toBe(false);
    expect(lean.has('fr-icon-lock-line')).toBe(true);
    expect(lean.has('fr-icon-airplay-fill')).toBe(false);
  });

  it('ses icônes sont dans la feuille, ses seules polices sont Marianne normale et grasse, réduites, en WOFF2, en swap', () => {
    const css = readFileSync(ASSETS_DIR + publicAssets()!.css.slice(ASSETS_PREFIX.length), 'utf8');
    const urls = [...css.matchAll(/url\(("?)([^)"]*)\1\)/g)].map((m) => m[2]!).filter((u) => !u.startsWith('data:'));
    expect(urls.sort()).toEqual(publicAssets()!.fonts.map((f) => f.slice(ASSETS_PREFIX.length)).sort());
    const faces = css.match(/@font-face\{[^}]*\}/g) ?? [];
    expect(faces).toHaveLength(2);
    for (const f of faces) {
      expect(f).toContain('font-family:Marianne');
      expect(f).toContain('font-style:normal');
      expect(f).toContain('font-display:swap');
      expect(f).toContain('format("woff2")');
      expect(f).toMatch(/unicode-range:U\+20-7E,U\+A0-FF/);
    }
    expect(faces.map((f) => /font-weight:(\d+)/.exec(f)![1]).sort()).toEqual(['400', '700']);
    for (const f of publicAssets()!.fonts) {
      const bytes = readFileSync(ASSETS_DIR + f.slice(ASSETS_PREFIX.length));
      expect(bytes.subarray(0, 4).toString('latin1'), f).toBe('wOF2');
      expect(bytes.length, f).toBeLessThan(20_000);
    }
  });

  it('est servie compressée au niveau maximal avec un cache d’un an ; les polices aussi en cache long', async () => {
    const assets = publicAssets()!;
    const br = await t.app.inject({ method: 'GET', url: assets.css, headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^text\/css/);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.rawPayload.length).toBe(readFileSync(ASSETS_DIR + assets.css.slice(ASSETS_PREFIX.length) + '.br').length);
    const gz = await t.app.inject({ method: 'GET', url: assets.css, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const font = await t.app.inject({ method: 'GET', url: assets.fonts[0]!, headers: { 'accept-encoding': 'br, gzip' } });
    expect(font.statusCode).toBe(200);
    expect(font.headers['content-type']).toBe('font/woff2');
    expect(font.headers['content-encoding']).toBeUndefined();
    expect(font.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('le back-office garde le DSFR complet', async () => {
    const admin = new TestClient(t.app);
    await admin.login(DEMO_ACCOUNTS.find((a) => a.role === 'admin')!.email);
    const res = await admin.get('/compte');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('/dsfr/dsfr.min.css');
    expect(res.body).not.toContain(ASSETS_PREFIX);
  });
});
