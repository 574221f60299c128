/**
 * Every role's dashboard starts with what to do next (« À faire », links to where it is done), then
 * its own figures; every tile links somewhere; axe finds nothing — at phone width.
 */
import { describe, expect, it } from 'vitest';
import { browserApp, checkA11y, chromiumMissing, loginWithForm } from './helpers.js';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };

describe.skipIf(chromiumMissing)('tableaux de bord : les prochaines actions d’abord', () => {
  const env = browserApp();

  const comptes: [string, string, RegExp][] = [
    ['conseiller@demo.test', '/tableau-de-bord/conseiller', /^Enregistrer une activité/],
    ['coordinateur@demo.test', '/tableau-de-bord/coordinateur', /^Enregistrer une activité/],
    ['structure@demo.test', '/tableau-de-bord/structure', /./],
    ['prefecture57@demo.test', '/tableau-de-bord/prefecture', /^Donner votre avis sur \d+ candidatures?$/],
    ['banque@demo.test', '/tableau-de-bord/banque', /./],
    ['admin@demo.test', '/tableau-de-bord/admin', /Préparer un comité de sélection/],
  ];

  for (const [email, path, premiere] of comptes) {
    it(`${email} : « À faire » en premier, chaque tuile mène quelque part`, async () => {
      const page = await env.page(PHONE);
      page.setDefaultTimeout(45_000);
      await loginWithForm(page, email);
      const res = await page.goto(path);
      expect(res?.status()).toBe(200);
      const main = page.locator('main');
      expect(await main.locator('h2').first().textContent()).toBe('À faire');
      const actions = main.locator('.cn-a-faire a');
      if (email !== 'structure@demo.test' && email !== 'banque@demo.test') {
        expect(await actions.count()).toBeGreaterThan(0);
        expect(await actions.allTextContents()).toContainEqual(expect.stringMatching(premiere));
      }
      for (const href of await actions.evaluateAll((as) => as.map((a) => a.getAttribute('href')))) expect(href).toMatch(/^\//);
      // tiles without a link say nothing one can act on: there are none
      const tiles = await main.locator('.fr-tile').evaluateAll((ts) => ts.map((t) => ({ text: t.textContent, link: !!t.querySelector('a[href]') })));
      expect(tiles.filter((t) => !t.link)).toEqual([]);
      expect(await checkA11y(page)).toEqual([]);
      // the first action leads to a page
      if ((await actions.count()) > 0) {
        const first = await actions.first().getAttribute('href');
        expect((await page.goto(first!))?.status()).toBe(200);
      }
    }, 180_000);
  }

  it('le conseiller voit ses chiffres de la semaine et du mois, chacun relié à la liste filtrée', async () => {
    const page = await env.page(PHONE);
    page.setDefaultTimeout(45_000);
    await loginWithForm(page, 'conseiller@demo.test');
    await page.goto('/tableau-de-bord/conseiller');
    const table = page.getByRole('table', { name: 'Mes activités par période' });
    await table.waitFor();
    const semaine = table.getByRole('row', { name: /Cette semaine/ }).getByRole('link').first();
    const href = (await semaine.getAttribute('href'))!;
    expect(href).toMatch(/^\/activites\?du=\d{4}-\d{2}-\d{2}&au=\d{4}-\d{2}-\d{2}$/);
    const n = Number((await semaine.textContent())!.replace(/\s/g, ''));
    await page.goto(href);
    // the list shows as many activities as the figure said (one page of at most 50)
    if (n <= 50) expect(await page.locator('main table tbody tr').count()).toBe(n);
  }, 180_000);
});
