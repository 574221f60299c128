/**
 * The weight of a first visit, in Chromium: no cache, the encodings the server sends (brotli or gzip),
 * the bytes Chromium counts on the wire per request (headers and body), summed by resource type.
 * Goal of issue 15: at most 70 KB for the results `/trouver?q=Forbach` and for a place page, with the
 * two subset Marianne faces only (no italic), no DSFR script, every request answered.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserApp, chromiumMissing } from './helpers.js';

const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));
const BUDGET = 70 * 1000;

interface Weight {
  total: number;
  requests: number;
  byType: Record<string, { requests: number; bytes: number }>;
  urls: { url: string; type: string; status: number; bytes: number; encoding: string }[];
}

/** Opens `path` in a fresh page (empty cache) and adds up what came over the wire until the network is idle. */
async function firstVisit(page: Page, path: string): Promise<Weight> {
  const pending: Promise<Weight['urls'][number]>[] = [];
  page.on('requestfinished', (request) => {
    pending.push(
      (async () => {
        const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
        return {
          url: new URL(request.url()).pathname,
          type: request.resourceType(),
          status: response?.status() ?? 0,
          bytes: sizes.responseHeadersSize + sizes.responseBodySize,
          encoding: (await response?.allHeaders())?.['content-encoding'] ?? '',
        };
      })(),
    );
  });
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()} : ${r.failure()?.errorText}`));
  const res = await page.goto(path, { waitUntil: 'networkidle' });
  expect(res?.status(), path).toBe(200);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  expect(failed, 'requêtes en échec').toEqual([]);
  const urls = await Promise.all(pending);
  const byType: Weight['byType'] = {};
  for (const u of urls) {
    const t = (byType[u.type] ??= { requests: 0, bytes: 0 });
    t.requests++;
    t.bytes += u.bytes;
  }
  return { total: urls.reduce((s, u) => s + u.bytes, 0), requests: urls.length, byType, urls };
}

function report(path: string, w: Weight): string {
  const types = Object.entries(w.byType)
    .map(([t, v]) => `${t} ${(v.bytes / 1000).toFixed(1)} Ko (${v.requests})`)
    .join(', ');
  return `${path} : ${(w.total / 1000).toFixed(1)} Ko en ${w.requests} requêtes — ${types}`;
}

describe.skipIf(chromiumMissing)('poids d’une première visite dans Chromium', () => {
  const env = browserApp();

  async function measure(path: string, shot: string): Promise<Weight> {
    const page = await env.page({ viewport: { width: 412, height: 823 }, bypassCSP: false });
    const w = await firstVisit(page, path);
    console.log(report(path, w));
    for (const u of w.urls) console.log(`    ${u.type.padEnd(10)} ${String(u.bytes).padStart(6)} o  ${u.encoding || '-'}  ${u.url}`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: `${RESULTS_DIR}poids-${shot}.png`, fullPage: false });
    for (const u of w.urls) expect(u.status, u.url).toBeLessThan(400);
    // Everything compressible came compressed; the fonts are WOFF2 (compressed already).
    for (const u of w.urls.filter((x) => ['document', 'stylesheet', 'script'].includes(x.type) && x.bytes > 1500)) expect(u.encoding, u.url).toMatch(/^(br|gzip)$/);
    // Two faces only, subset: no italic, light or medium Marianne, no Spectral.
    const fonts = w.urls.filter((u) => u.type === 'font').map((u) => u.url);
    expect(fonts).toHaveLength(2);
    for (const f of fonts) expect(f).toMatch(/^\/static\/build\/marianne-(400|700)-[0-9a-f]+\.woff2$/);
    // No DSFR script, no full DSFR sheet.
    expect(w.urls.map((u) => u.url).filter((u) => u.startsWith('/dsfr/') && !u.startsWith('/dsfr/favicon/'))).toEqual([]);
    // Without the DSFR script the menu is no modal: its links are on the page, the « Menu » button is not.
    expect(await page.locator('#navigation').isVisible()).toBe(true);
    expect(await page.locator('#bouton-menu').isVisible()).toBe(false);
    // The fonts are in use once loaded: the heading is in Marianne bold.
    expect(await page.evaluate(() => document.fonts.check('700 16px Marianne') && document.fonts.check('400 16px Marianne'))).toBe(true);
    return w;
  }

  it('résultats de /trouver?q=Forbach : 70 Ko au plus', async () => {
    const w = await measure('/trouver?q=Forbach', 'resultats');
    expect(w.byType.document!.requests).toBe(1);
    expect(w.total, report('/trouver?q=Forbach', w)).toBeLessThanOrEqual(BUDGET);
  });

  it('fiche d’un lieu : 70 Ko au plus', async () => {
    const html = await (await fetch(`${env.baseURL}/trouver?q=Forbach`)).text();
    const lieu = /href="(\/lieux\/[0-9a-f-]{36})"/.exec(html)![1]!;
    const w = await measure(lieu, 'lieu');
    expect(w.total, report(lieu, w)).toBeLessThanOrEqual(BUDGET);
  });

  it('sans JavaScript, la fiche d’un lieu a le même rendu : styles et polices sans script', async () => {
    const html = await (await fetch(`${env.baseURL}/trouver?q=Forbach`)).text();
    const lieu = /href="(\/lieux\/[0-9a-f-]{36})"/.exec(html)![1]!;
    const page = await env.page({ viewport: { width: 412, height: 823 }, javaScriptEnabled: false, bypassCSP: false });
    await page.goto(lieu, { waitUntil: 'networkidle' });
    const style = await page.evaluate(() => {
      const h1 = getComputedStyle(document.querySelector('h1')!);
      const header = getComputedStyle(document.querySelector('.fr-header')!);
      return { font: h1.fontFamily, weight: h1.fontWeight, shadow: header.boxShadow || header.filter };
    });
    expect(style.font).toMatch(/^Marianne/);
    expect(style.weight).toBe('700');
    mkdirSync(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: `${RESULTS_DIR}poids-lieu-sans-js.png`, fullPage: true });
  });
});
