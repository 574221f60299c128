/**
 * Issue 14, the finder and the place page for a person, in a real Chromium, mostly at phone width
 * (375 px): « Autour de moi » shows its words; applied filters collapse, the count and removable
 * chips come first (with and without JavaScript); an emptied list says why, when the next place
 * opens and offers the same search without the filter; far places are grouped under « Plus loin »;
 * the place page has tel:/mailto:/web links, directions, French dates and no raw fields. axe on each.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { browserApp, checkA11y, chromiumMissing } from './helpers.js';
import { SYSTEM_ACTOR } from '../../src/audit/audit.js';
import { createLieu } from '../../src/lieux/lieux.js';
import { validateLieuV1 } from '../../src/lieux/standard.js';

/** What the eye reads in each element: its text without the screen-reader-only parts. */
const seen = (l: Locator) =>
  l.evaluateAll((els) =>
    els.map((e) => {
      const c = e.cloneNode(true) as HTMLElement;
      c.querySelectorAll('.fr-sr-only').forEach((x) => x.remove());
      return (c.textContent ?? '').trim();
    }),
  );

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };

describe.skipIf(chromiumMissing)('trouver un lieu, sur un téléphone (375 px)', () => {
  const env = browserApp();
  let lieuContactId = '';

  beforeAll(async () => {
    const v = validateLieuV1({
      id: 'test-contact',
      pivot: '00000000000000',
      nom: 'Médiathèque de Stiring-Wendel',
      adresse: '2 rue de la Gare',
      commune: 'Stiring-Wendel',
      code_postal: '57350',
      latitude: '49.2010',
      longitude: '6.9290',
      telephone: '+33387000099',
      courriels: 'contact@mediatheque.example.org',
      site_web: 'https://www.mediatheque.example.org/',
      fiche_acces_libre: 'https://acceslibre.beta.gouv.fr/app/exemple/',
      horaires: 'Tu-Sa 10:00-12:00,14:00-18:00',
      date_maj: '2022-06-17',
      source: 'conseiller-numerique',
      services: 'Aide aux démarches administratives',
    });
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    lieuContactId = (await createLieu(env.t.database.db, SYSTEM_ACTOR, { v: v.value, structureId: null, public: true, permanences: [] })).id;
  });
  afterEach(() => vi.useRealTimers());

  async function phone(opts: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const page = await env.page({ ...PHONE, ...opts });
    page.setDefaultTimeout(60_000);
    page.setDefaultNavigationTimeout(60_000);
    return page;
  }

  it('« Autour de moi » shows its words, on a phone and on a desktop', async () => {
    for (const viewport of [PHONE.viewport, { width: 1280, height: 900 }]) {
      const page = await env.page({ viewport });
      await page.goto('/trouver');
      const bouton = page.getByRole('button', { name: 'Autour de moi' });
      await expect.poll(() => bouton.isVisible()).toBe(true); // the island shows it
      const m = await bouton.evaluate((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const text = range.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        return { clipped: el.scrollWidth > el.clientWidth, textRight: text.right, boxRight: box.right, width: box.width };
      });
      expect(m.clipped, `viewport ${viewport.width}`).toBe(false);
      expect(m.textRight).toBeLessThanOrEqual(m.boxRight);
      expect(m.width).toBeGreaterThan(100); // not a 40 px pin
    }
  });

  async function appliquerFiltres(page: Page) {
    await page.goto(`/trouver?q=${encodeURIComponent('Metz')}`);
    await page.locator('#filtres > summary').click();
    await page.locator('label[for="gratuit"]').click();
    await page.locator('label[for="publics-3"]').click(); // « Seniors »
    await Promise.all([page.waitForURL((u) => u.searchParams.get('gratuit') === '1'), page.getByRole('button', { name: 'Appliquer les filtres' }).click()]);
  }

  for (const js of [true, false]) {
    it(`after « Appliquer les filtres » (${js ? 'with' : 'without'} JavaScript): panel collapsed, count and chips, results first`, async () => {
      const page = await phone({ javaScriptEnabled: js });
      await appliquerFiltres(page);
      expect(await page.locator('#filtres').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      expect(await page.locator('#filtres > summary').textContent()).toBe('Modifier les filtres (2 actifs)');
      expect(await page.locator('#resultats-compte').innerText()).toMatch(/^\d+ lieux? à moins de 20 km$/);
      const puces = page.locator('.cn-puces a.fr-tag');
      expect(await seen(puces)).toEqual(['Accueil : Seniors', 'Gratuit']);
      expect(await puces.first().getAttribute('href')).not.toBeNull();
      // The results start within the first screen of the phone
      const top = await page.locator('#resultats-titre').evaluate((h) => h.getBoundingClientRect().top + window.scrollY);
      expect(top).toBeLessThan(740);
      const firstResult = await page.locator('.cn-resultats .cn-lieu').first().evaluate((h) => h.getBoundingClientRect().top + window.scrollY);
      expect(firstResult).toBeLessThan(740 * 1.5);
      // Plain words for each group of filters
      const legends = await page.locator('#filtres legend').allTextContents();
      expect(legends.join(' | ')).not.toMatch(/au moins un\)|Besoin \(/);
      expect(legends.map((l) => l.replace(/Cochez.*$/, '').trim())).toEqual(["Pour quoi avez-vous besoin d'aide ?", 'Un accueil pensé pour', 'Un accompagnement adapté en cas de', 'Prix et horaires', 'Un lieu fixe, ou qui se déplace ?']);
      if (js) expect(await checkA11y(page)).toEqual([]);
      // A chip is a plain link that removes that one filter
      await Promise.all([page.waitForURL((u) => !u.searchParams.has('gratuit')), puces.filter({ hasText: 'Gratuit' }).click()]);
      expect(new URL(page.url()).searchParams.getAll('publics')).toEqual(['Seniors']);
      expect(await seen(page.locator('.cn-puces a.fr-tag'))).toEqual(['Accueil : Seniors']);
    });
  }

  it('an emptied list says why, and links to the same search without the filter', async () => {
    const page = await phone();
    await page.goto(`/trouver?q=Forbach&publics=${encodeURIComponent('Femmes')}`);
    expect(await page.locator('#resultats-titre').innerText()).toBe('Aucun lieu à moins de 20 km de Forbach ne correspond à tous vos filtres');
    expect(await checkA11y(page)).toEqual([]);
    const lien = page.getByRole('link', { name: /^Voir les \d+ lieux à moins de 20 km sans le filtre « Femmes »$/ });
    await Promise.all([page.waitForURL((u) => !u.searchParams.has('publics')), lien.click()]);
    expect(new URL(page.url()).searchParams.get('q')).toBe('Forbach');
    expect(await page.locator('.cn-resultats h3').first().innerText()).toBe('La Turbine – coworking de Forbach');
  });

  it('« Ouvert maintenant » at night: why, the next opening, and the search without it', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(new Date('2025-01-15T20:00:00Z')); // Wednesday 21:00 in Paris: every demo place is closed
    const page = await phone({ javaScriptEnabled: false });
    await page.goto('/trouver?q=Forbach&ouvert=1');
    expect(await page.locator('#resultats-titre').innerText()).toBe('Aucun lieu ouvert maintenant à moins de 20 km de Forbach');
    expect(await page.locator('#prochaine-ouverture').innerText()).toMatch(/^Prochaine ouverture : demain à 9 h, .+ à (Forbach|Behren-lès-Forbach) \(à .+\)\.$/);
    const lien = page.getByRole('link', { name: /sans le filtre « Ouvert maintenant »$/ });
    await Promise.all([page.waitForURL((u) => !u.searchParams.has('ouvert')), lien.click()]);
    expect(await page.locator('.cn-resultats .cn-lieu').count()).toBeGreaterThan(0);
  });

  it('far places are grouped under « Plus loin »', async () => {
    const page = await phone();
    await page.goto('/trouver?q=Forbach');
    const near = await page.locator('ol[aria-labelledby="resultats-titre"] .cn-lieu').evaluateAll((els) => els.map((e) => e.querySelector('h3')!.textContent));
    const far = await page.locator('ol[aria-labelledby="plus-loin-titre"] .cn-lieu').evaluateAll((els) => els.map((e) => e.querySelector('h3')!.textContent));
    expect(near).toContain('La Turbine – coworking de Forbach');
    expect(near).toContain('Maison des Services de Behren-lès-Forbach');
    expect(far).toContain('Bibliothèque de Borny');
    expect(await page.getByRole('heading', { name: 'Plus loin', level: 2 }).isVisible()).toBe(true);
    expect(await checkA11y(page)).toEqual([]);
  });

  it('the place page is for a person: links, directions, French dates, no raw or internal fields', async () => {
    const page = await phone();
    await page.goto(`/lieux/${lieuContactId}`);
    expect(await seen(page.locator('a[href="tel:+33387000099"]'))).toEqual(['03 87 00 00 99']);
    expect(await page.locator('a[href="mailto:contact@mediatheque.example.org"]').count()).toBe(1);
    expect(await seen(page.locator('a[href="https://www.mediatheque.example.org/"]'))).toEqual(['www.mediatheque.example.org']);
    const itineraire = page.getByRole('link', { name: /^Calculer l'itinéraire/ });
    expect(await itineraire.getAttribute('href')).toMatch(/^https:\/\/www\.openstreetmap\.org\/directions\?route=%3B49\.201%2C6\.929/);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Informations mises à jour le 17 juin 2022');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).not.toContain('Tu-Sa');
    expect(text).not.toContain('Structure collectant la donnée');
    expect(text).not.toContain('conseiller-numerique');
    expect(await page.locator('address').evaluate((a) => getComputedStyle(a).fontStyle)).toBe('normal');
    const headings = await page.locator('main h2').allInnerTexts();
    const caption = await page.locator('table caption').innerText();
    expect(headings).not.toContain('Horaires');
    expect(headings.some((h) => caption.includes(h) || h.includes(caption))).toBe(false);
    expect(await checkA11y(page)).toEqual([]);
    // The data export keeps the raw fields
    const api = (await (await page.request.get('/api/v1/lieux.json')).json()) as unknown;
    const rows = (Array.isArray(api) ? api : ((api as { lieux?: unknown[] }).lieux ?? [])) as { nom: string; horaires: string; source: string; date_maj: string }[];
    expect(rows.find((r) => r.nom === 'Médiathèque de Stiring-Wendel')).toMatchObject({ horaires: 'Tu-Sa 10:00-12:00,14:00-18:00', source: 'conseiller-numerique', date_maj: '2022-06-17' });
  });
});
