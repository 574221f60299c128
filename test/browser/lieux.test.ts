/**
 * The public finder in a real Chromium: a keyboard-only search that opens a place page, axe-core on
 * the finder, the results and the detail page, no CSP error (the JSON-LD block is data), and the
 * finder without JavaScript.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {browserApp, checkA11y, chromiumMissing } from './helpers.js';

describe.skipIf(chromiumMissing)('trouver un lieu dans Chromium', () => {
  const env = browserApp();
  const freshPage = env.page;

  const focused = (page: Page) => page.evaluate(() => ({ id: document.activeElement?.id ?? '', href: document.activeElement?.getAttribute('href') ?? '', text: document.activeElement?.textContent ?? '' }));

  it('au clavier seul : rechercher Behren-lès-Forbach, puis ouvrir la fiche du premier lieu', async () => {
    const page = await freshPage();
    await page.goto('/trouver');
    expect(await checkA11y(page)).toEqual([]);
    for (let i = 0; i < 80 && (await focused(page)).id !== 'q'; i++) await page.keyboard.press('Tab');
    expect((await focused(page)).id).toBe('q');
    await page.keyboard.type('Behren-lès-Forbach');
    await Promise.all([page.waitForURL((u) => u.pathname === '/trouver' && u.searchParams.has('q')), page.keyboard.press('Enter')]);
    await expect.poll(() => page.locator('.cn-resultats h3').first().textContent()).toBe('Maison des Services de Behren-lès-Forbach');
    expect(await page.locator('.cn-resultats h3').nth(1).textContent()).toBe('La Turbine – coworking de Forbach');
    expect(await checkA11y(page)).toEqual([]);
    // The focus is on the results' heading, not at the top: the first result is a few Tab stops away
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('resultats-titre');
    expect(await page.getByRole('link', { name: 'Aller aux résultats' }).count()).toBe(1);
    let stops = 0;
    for (; stops < 10; stops++) {
      const f = await focused(page);
      if (f.href.startsWith('/lieux/')) break;
      await page.keyboard.press('Tab');
    }
    expect(stops).toBeLessThanOrEqual(4);

    for (let i = 0; i < 200; i++) {
      const f = await focused(page);
      if (f.href.startsWith('/lieux/') && f.text === 'Maison des Services de Behren-lès-Forbach') break;
      await page.keyboard.press('Tab');
    }
    expect((await focused(page)).text).toBe('Maison des Services de Behren-lès-Forbach');
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/lieux/')), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').textContent()).toBe('Maison des Services de Behren-lès-Forbach');
    expect(await page.locator('table caption').first().textContent()).toBe('Horaires de la semaine');
    expect(await checkA11y(page)).toEqual([]);

    // A typo: the page answers 200 and the keyboard lands on the suggestion
    const typo = await page.goto(`/trouver?q=${encodeURIComponent('Behren-lès-Forbak')}`);
    expect(typo!.status()).toBe(200);
    await expect.poll(async () => (await focused(page)).text).toMatch(/^Behren-lès-Forbach/);
    expect(await checkA11y(page)).toEqual([]);
  });

  it('la fiche d’un lieu sous la CSP réelle : aucune erreur, données schema.org présentes', async () => {
    const page = await freshPage({ bypassCSP: false });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`/trouver?q=${encodeURIComponent('Metz')}`);
    await page.locator('.cn-resultats a').first().click();
    await page.waitForURL((u) => u.pathname.startsWith('/lieux/'));
    const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent()) ?? '{}');
    expect(ld['@type']).toBe('Place');
    await page.goto('/trouver?q=57460');
    expect(await page.locator('#autour-de-moi').isVisible()).toBe(true); // the island ran (module script allowed by the CSP)
    expect(errors).toEqual([]);
  });

  it('sans JavaScript, la recherche, les filtres et la pagination fonctionnent (formulaire GET)', async () => {
    const page = await freshPage({ javaScriptEnabled: false, bypassCSP: false });
    await page.goto('/trouver');
    await page.fill('#q', 'Metz');
    await page.locator('summary').click();
    await page.locator('label[for="publics-0"]').click(); // « Jeunes »
    expect(await page.locator('#publics-0').isChecked()).toBe(true);
    await Promise.all([page.waitForURL((u) => u.searchParams.get('publics') === 'Jeunes'), page.getByRole('button', { name: 'Appliquer les filtres' }).click()]);
    expect(await page.locator('.cn-resultats h3').allTextContents()).toEqual(['Mission locale du Pays Messin']);
    expect(await page.locator('#autour-de-moi').isVisible()).toBe(false); // the enhancement stays hidden
  });
});
