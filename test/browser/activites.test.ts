/**
 * The activity entry in a real Chromium on a real server: offline entry through the service worker
 * and the IndexedDB queue (network cut, two entries saved, network back: both stored exactly once,
 * a refused one shown back with its reason), strict CSP kept (no bypass), accessibility (axe) of
 * the activity and beneficiary pages, and the entry without JavaScript.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestApp, type TestContext } from '../../src/platform/testing.js';
import { findUserByEmail } from '../../src/comptes/users.js';
import { listActivites } from '../../src/activites/activites.js';
import { checkA11y, chromiumMissing, launchBrowser, loginWithForm, newContext } from './helpers.js';

describe.skipIf(chromiumMissing)('saisie des activités dans Chromium', () => {
  let t: TestContext;
  let browser: Browser;
  let baseURL: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([createTestApp(), launchBrowser()]);
    baseURL = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await t?.close();
  });

  async function context(opts: Parameters<typeof newContext>[2] = {}): Promise<BrowserContext> {
    const c = await newContext(browser, baseURL, opts);
    contexts.push(c);
    return c;
  }

  const panel = (page: Page) => page.locator('#file-attente');
  // DSFR draws its own radios and boxes over the native ones: check them through their role and name.
  const radio = (page: Page, name: string) => page.getByRole('radio', { name, exact: true }).check({ force: true });
  const box = (page: Page, name: string, on = true) => page.getByRole('checkbox', { name, exact: true }).setChecked(on, { force: true });

  it('hors ligne : deux activités gardées puis envoyées une seule fois, une refusée revient avec son motif', async () => {
    // No CSP bypass: the worker and the island must work under the real policy.
    const ctx = await context({ bypassCSP: false });
    const page = await ctx.newPage();
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });
    await loginWithForm(page, 'conseiller@demo.test');
    await page.goto('/activites/nouvelle');
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 15_000 }).toBe(true);
    await expect
      .poll(() => page.evaluate(async () => !!(await (await caches.open('cn-activites-v1')).match('/activites/nouvelle'))), { timeout: 15_000 })
      .toBe(true);

    await ctx.setOffline(true);
    await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);

    // 1. an individual accompaniment
    await radio(page, 'Accompagnement individuel');
    await box(page, 'E-mail');
    await radio(page, '45 min');
    await page.getByRole('button', { name: "Enregistrer l'activité" }).click();
    await expect.poll(() => panel(page).textContent()).toContain("1 activité en attente d'envoi");

    // The page reloads without network: served by the service worker, the queue is still there.
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Nouvelle activité');
    await expect.poll(() => panel(page).textContent()).toContain("1 activité en attente d'envoi");

    // 2. a workshop of 8
    await radio(page, 'Atelier collectif');
    await box(page, 'Bureautique');
    await page.getByLabel("Titre de l'atelier").fill('Atelier hors ligne');
    await page.getByLabel('Participants', { exact: true }).fill('8');
    await page.getByLabel('Féminin', { exact: true }).fill('5');
    await page.getByRole('button', { name: "Enregistrer l'activité" }).click();
    await expect.poll(() => panel(page).textContent()).toContain("2 activités en attente d'envoi");

    // 3. an invalid one: a workshop without any theme
    await box(page, 'Bureautique', false);
    await page.getByRole('button', { name: "Enregistrer l'activité" }).click();
    await expect.poll(() => panel(page).textContent()).toContain("3 activités en attente d'envoi");

    await ctx.setOffline(false);
    await expect.poll(() => panel(page).textContent(), { timeout: 20_000 }).toContain('2 activités saisies hors ligne envoyées');
    const text = (await panel(page).textContent()) ?? '';
    expect(text).toContain('refusée');
    expect(text).toContain('Choisissez au moins une thématique.');

    const userId = (await findUserByEmail(t.database.db, 'conseiller@demo.test'))!.id;
    const rows = await listActivites(t.database.db, userId, {}, null, 100);
    expect(rows.map((r) => r.type).sort()).toEqual(['collectif', 'individuel']);
    expect(rows.find((r) => r.type === 'collectif')?.accompagnements).toBe(8);

    // A replay of what was sent (same UUIDs) changes nothing.
    const replays = await page.evaluate(async (ids: string[]) => {
      const csrf = (document.querySelector('input[name="_csrf"]') as HTMLInputElement).value;
      const out: number[] = [];
      for (const id of ids) {
        const a = await (await fetch(`/api/v1/activites/${id}`)).json();
        const r = await fetch('/api/v1/activites', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: JSON.stringify(a) });
        out.push(r.status);
      }
      return out;
    }, rows.map((r) => r.id));
    expect(replays).toEqual([200, 200]);

    await page.goto('/activites');
    expect(await page.locator('tbody tr[data-id]').count()).toBe(2);
    expect(await page.getByText('Atelier hors ligne').count()).toBe(1);
    expect((await listActivites(t.database.db, userId, {}, null, 100)).length).toBe(2);

    // The refused entry is still shown on the list page, and can be removed.
    await expect.poll(() => panel(page).textContent()).toContain('Choisissez au moins une thématique.');
    await page.getByRole('button', { name: 'Retirer' }).click();
    await expect.poll(() => panel(page).textContent()).not.toContain('refusée');
    expect(cspErrors).toEqual([]);
  });

  it('réseau annoncé présent mais en panne : le service worker garde la saisie et la page l’envoie ensuite', async () => {
    const ctx = await context({ bypassCSP: false });
    const page = await ctx.newPage();
    await loginWithForm(page, 'coordinateur@demo.test');
    const userId = (await findUserByEmail(t.database.db, 'coordinateur@demo.test'))!.id;
    const before = (await listActivites(t.database.db, userId, {}, null, 100)).length;
    await page.goto('/activites/nouvelle');
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 15_000 }).toBe(true);
    const formId = await page.locator('input[name="id"]').inputValue();
    // The form post fails at the network level while navigator.onLine stays true.
    let broken = true;
    await ctx.route('**/activites/nouvelle', (route) =>
      broken && route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue(),
    );
    await box(page, 'Navigation sur internet');
    await radio(page, '30 min');
    await Promise.all([page.waitForURL(/hors_ligne=1/), page.getByRole('button', { name: "Enregistrer l'activité" }).click()]);
    broken = false;
    // back on the form: the page sends the queue at once (the network is up again)
    await expect.poll(() => panel(page).textContent(), { timeout: 20_000 }).toContain('1 activité saisie hors ligne envoyée');
    const rows = await listActivites(t.database.db, userId, {}, null, 100);
    expect(rows.length).toBe(before + 1);
    expect(rows.filter((r) => r.id === formId)).toHaveLength(1); // stored under the form's UUID
    expect(rows.find((r) => r.id === formId)?.thematiques).toEqual(['navigation_sur_internet']);
  });

  it('sans JavaScript : la saisie fonctionne par formulaire', async () => {
    const ctx = await context({ javaScriptEnabled: false, bypassCSP: false });
    const page = await ctx.newPage();
    await loginWithForm(page, 'coordinateur@demo.test');
    await page.goto('/activites/nouvelle');
    await radio(page, 'Aide ponctuelle');
    await box(page, 'Sécurité numérique');
    await radio(page, '15 min');
    await Promise.all([page.waitForURL(/precedente=/), page.getByRole('button', { name: "Enregistrer l'activité" }).click()]);
    expect(await page.locator('.fr-alert--success').textContent()).toContain('Activité enregistrée.');
    // defaults from the previous entry
    expect(await page.getByRole('radio', { name: 'Aide ponctuelle', exact: true }).isChecked()).toBe(true);
    expect(await page.getByRole('radio', { name: '15 min', exact: true }).isChecked()).toBe(true);
    await page.goto('/activites');
    expect(await page.locator('tbody tr[data-id]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByText('Sécurité numérique').count()).toBeGreaterThanOrEqual(1);
  });

  it('accessibilité (axe) des pages de saisie, de liste et des bénéficiaires', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    await loginWithForm(page, 'conseiller@demo.test');
    for (const path of ['/activites/nouvelle', '/activites', '/beneficiaires', '/beneficiaires/nouveau']) {
      const res = await page.goto(path);
      expect(res?.status(), path).toBe(200);
      expect(await checkA11y(page), path).toEqual([]);
    }
    // a form with its errors
    await page.goto('/activites/nouvelle');
    await radio(page, 'Accompagnement individuel');
    await page.evaluate(() => {
      for (const i of document.querySelectorAll<HTMLInputElement>('input[name="thematiques"]')) i.checked = false;
      (document.getElementById('form-activite') as HTMLFormElement).submit();
    });
    await page.waitForLoadState('load');
    await expect.poll(() => page.locator('.fr-alert--error').first().textContent()).toContain('Le formulaire contient');
    expect(await checkA11y(page)).toEqual([]);
  });
});
