/**
 * The statistics pages in a real browser: the public page and a département's work without
 * JavaScript (figures, charts and their tables, « < 5 »), and axe finds nothing on them nor on the
 * signed-in page of a conseiller, a préfecture and ANCT (with the charts' data tables opened).
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/audit/audit.js';
import { createApiToken } from '../../src/comptes/tokens.js';
import { findUserByEmail } from '../../src/comptes/users.js';
import { parisDate } from '../../src/activites/dates.js';
import { browserApp, checkA11y, chromiumMissing, loginWithForm } from './helpers.js';

describe.skipIf(chromiumMissing)('statistiques', () => {
  const env = browserApp();
  const today = parisDate(new Date());

  beforeAll(async () => {
    const db = env.t.database.db;
    const token = (await createApiToken(db, SYSTEM_ACTOR, (await findUserByEmail(db, 'conseiller@demo.test'))!.id, 'test')).token;
    const base = { date: today, duree_minutes: 60, lieu: { type: 'domicile', commune_insee: '57463' }, thematiques: ['email'] };
    for (const body of [
      { ...base, id: randomUUID(), type: 'individuel' },
      { ...base, id: randomUUID(), type: 'collectif', titre_atelier: 'Atelier', participants: { total: 8, genres: { feminin: 5, masculin: 3 } } },
    ]) {
      const res = await env.t.app.inject({ method: 'POST', url: '/api/v1/activites', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      expect(res.statusCode).toBe(201);
    }
  });

  it('/statistiques and a département work without JavaScript, small numbers shown « < 5 »', async () => {
    const page = await env.page({ javaScriptEnabled: false });
    expect((await page.goto('/statistiques'))?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Statistiques publiques du dispositif Conseiller numérique');
    expect(await page.getByRole('img', { name: /Accompagnements par mois/ }).count()).toBe(1);
    const moselle = page.getByRole('row', { name: /Moselle \(57\)/ });
    expect(await moselle.getByRole('cell').allTextContents()).toEqual(['< 5', '9', '9', '< 5']);
    // the drill-down by the form, without script
    await page.getByLabel('Voir un département').selectOption('57');
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL(/departement=57/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Moselle (57)');
    const cells = await page.locator('td.cn-num').allTextContents();
    for (const c of cells.filter((x) => x && !x.endsWith('%'))) expect(c === '< 5' || c === '0' || Number(c.replace(/\s/g, '')) >= 5, c).toBe(true);
  }, 120_000);

  for (const path of ['/statistiques', '/statistiques?departement=57']) {
    it(`axe : aucune violation sur ${path}`, async () => {
      const page = await env.page();
      expect((await page.goto(path))?.status()).toBe(200);
      for (const d of await page.locator('details').all()) await d.locator('summary').click();
      expect(await checkA11y(page)).toEqual([]);
    }, 120_000);
  }

  for (const email of ['conseiller@demo.test', 'prefecture57@demo.test', 'admin@demo.test']) {
    it(`axe : aucune violation sur la page de statistiques de ${email}`, async () => {
      const page = await env.page();
      page.setDefaultTimeout(45_000);
      await loginWithForm(page, email);
      expect((await page.goto('/statistiques/perimetre'))?.status()).toBe(200);
      expect(await page.locator('.cn-stat').first().textContent()).toBe('2');
      for (const d of await page.locator('details').all()) await d.locator('summary').click();
      expect(await page.getByRole('table', { name: "Accompagnements par type d'activité" }).getByRole('row', { name: /Atelier collectif/ }).getByRole('cell').allTextContents()).toEqual(['8', '89 %']);
      expect(await checkA11y(page)).toEqual([]);
    }, 180_000);
  }

  it('the scope and the filters are chosen by name without JavaScript; printed, the page keeps its figures, charts and whole tables, and no menu, form or button', async () => {
    const page = await env.page({ javaScriptEnabled: false });
    page.setDefaultTimeout(45_000);
    await loginWithForm(page, 'admin@demo.test');
    expect((await page.goto('/statistiques/perimetre'))?.status()).toBe(200);
    await page.getByLabel('Périmètre').selectOption({ label: 'Moselle (57)' });
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL(/perimetre=departement%3A57/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Statistiques — Moselle (57)');
    await page.getByRole('combobox', { name: /^Conseiller/ }).selectOption({ label: 'Camille Conseillère' });
    await page.getByLabel("Commune de l'activité").selectOption({ label: 'Metz (57)' });
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL(/conseillers=[0-9a-f]/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Statistiques — Moselle (57)');
    expect(await page.locator('.cn-stat').first().textContent()).toBe('2');
    // The same view with JavaScript: axe finds nothing, then printed.
    const url = page.url();
    const js = await env.page();
    js.setDefaultTimeout(45_000);
    await loginWithForm(js, 'admin@demo.test');
    expect((await js.goto(url))?.status()).toBe(200);
    expect(await checkA11y(js)).toEqual([]);
    await printed(js);
    // Several conseillers at once (a shared link): one multiple list, still without violation.
    await js.emulateMedia({ media: 'screen' });
    const ids = await js.locator('#champ-conseillers option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    const plusieurs = await env.page();
    await loginWithForm(plusieurs, 'admin@demo.test');
    expect((await plusieurs.goto(`/statistiques/perimetre?perimetre=departement:57&conseillers=${ids.slice(0, 2).join(',')}`))?.status()).toBe(200);
    expect(ids.length, ids.join()).toBeGreaterThan(1);
    expect(await plusieurs.locator('#champ-conseillers[multiple]').count()).toBe(1);
    expect(await checkA11y(plusieurs)).toEqual([]);
  }, 180_000);

  async function printed(page: Awaited<ReturnType<typeof env.page>>) {
    await page.emulateMedia({ media: 'print' });
    for (const sel of ['header.fr-header', 'footer.fr-footer', 'form[action="/statistiques/perimetre"]', '.fr-btns-group']) expect(await page.locator(sel).first().isVisible(), sel).toBe(false);
    expect(await page.getByRole('img', { name: /Accompagnements des 12 derniers mois/ }).isVisible()).toBe(true);
    // the charts' data tables print open and whole (no sideways scroll)
    const table = page.getByRole('table', { name: "Accompagnements par type d'activité" });
    expect(await table.isVisible()).toBe(true);
    expect(await table.evaluate((t) => getComputedStyle(t).display)).toBe('table');
    expect(await table.evaluate((t) => getComputedStyle(t).overflowX)).toBe('visible');
  }

  it('axe : aucune violation sur /couverture (préfecture), qui marche sans JavaScript', async () => {
    const page = await env.page();
    page.setDefaultTimeout(45_000);
    await loginWithForm(page, 'prefecture57@demo.test');
    expect((await page.goto('/couverture'))?.status()).toBe(200);
    expect(await page.getByRole('img', { name: /Carte des communes/ }).count()).toBe(1);
    expect(await page.getByRole('table', { name: /Les communes les plus éloignées/ }).getByRole('row').count()).toBeGreaterThan(1);
    expect(await checkA11y(page)).toEqual([]);
    const nojs = await env.page({ javaScriptEnabled: false });
    await loginWithForm(nojs, 'admin@demo.test');
    expect((await nojs.goto('/couverture'))?.status()).toBe(200);
    await nojs.getByLabel('Département').selectOption('54');
    await nojs.getByRole('button', { name: 'Afficher' }).click();
    await nojs.waitForURL(/departement=54/);
    expect(await nojs.getByRole('heading', { level: 1 }).textContent()).toContain('Meurthe-et-Moselle (54)');
  }, 180_000);
});
