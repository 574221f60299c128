/**
 * The activity entry in a real Chromium on a real server: offline entry through the service worker
 * and the IndexedDB queue (network cut, two entries saved, network back: both stored exactly once,
 * a refused one shown back with its reason), strict CSP kept (no bypass), accessibility (axe) of
 * the activity and beneficiary pages, and the entry without JavaScript.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findUserByEmail } from '../../src/comptes/users.js';
import { getOwnActivite, listActivites } from '../../src/activites/activites.js';
import { createBeneficiaire } from '../../src/activites/beneficiaires.js';
import { SYSTEM_ACTOR } from '../../src/audit/audit.js';
import {browserApp, checkA11y, chromiumMissing, loginWithForm } from './helpers.js';

describe.skipIf(chromiumMissing)('saisie des activités dans Chromium', () => {
  const env = browserApp();
  const context = env.context;

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
    const conseillerId = (await findUserByEmail(env.t.database.db, 'conseiller@demo.test'))!.id;
    await expect
      .poll(() => page.evaluate(async (id) => !!(await (await caches.open('cn-activites-v2')).match(`/activites/nouvelle?utilisateur=${id}`)), conseillerId), { timeout: 15_000 })
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
    await page.getByRole('spinbutton', { name: 'Féminin', exact: true }).fill('5'); // the workshop's count, not the one person's radio
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

    const userId = (await findUserByEmail(env.t.database.db, 'conseiller@demo.test'))!.id;
    const rows = await listActivites(env.t.database.db, userId, {}, null, 100);
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
    expect((await listActivites(env.t.database.db, userId, {}, null, 100)).length).toBe(2);

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
    const userId = (await findUserByEmail(env.t.database.db, 'coordinateur@demo.test'))!.id;
    const before = (await listActivites(env.t.database.db, userId, {}, null, 100)).length;
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
    const rows = await listActivites(env.t.database.db, userId, {}, null, 100);
    expect(rows.length).toBe(before + 1);
    expect(rows.filter((r) => r.id === formId)).toHaveLength(1); // stored under the form's UUID
    expect(rows.find((r) => r.id === formId)?.thematiques).toEqual(['navigation_sur_internet']);
  });

  it('appareil partagé : la saisie hors ligne de A reste à A, B ne voit ni ses activités ni ses bénéficiaires', async () => {
    const db = env.t.database.db;
    const a = (await findUserByEmail(db, 'conseiller@demo.test'))!;
    const b = (await findUserByEmail(db, 'coordinateur@demo.test'))!;
    // A follows a person whose name must never reach B.
    await createBeneficiaire(db, SYSTEM_ACTOR, { conseillerId: a.id, structureId: null }, {
      prenom: 'Philomène', nom: 'Confidentielle', anneeNaissance: null, communeInsee: null, telephone: null, email: null, notes: null, consentement: true,
    });
    const ctx = await context({ bypassCSP: false });
    // Every activity posted by the browser, with the user the server stored it under.
    const posted: string[] = [];
    ctx.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/activites') posted.push((JSON.parse(r.postData() ?? '{}') as { id?: string }).id ?? '');
    });

    // 1. A opens the form (cached by the worker), goes offline and saves an entry.
    const pageA = await ctx.newPage();
    await loginWithForm(pageA, 'conseiller@demo.test');
    await pageA.goto('/activites/nouvelle');
    expect(await pageA.locator('#champ-beneficiaire_id').textContent()).toContain('Confidentielle');
    await expect.poll(() => pageA.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 15_000 }).toBe(true);
    await expect
      .poll(() => pageA.evaluate(async (id) => !!(await (await caches.open('cn-activites-v2')).match(`/activites/nouvelle?utilisateur=${id}`)), a.id), { timeout: 15_000 })
      .toBe(true);
    await ctx.setOffline(true);
    await expect.poll(() => pageA.evaluate(() => navigator.onLine)).toBe(false);
    await radio(pageA, 'Accompagnement individuel');
    await box(pageA, 'E-mail');
    await radio(pageA, '1 h 30');
    await pageA.getByLabel('Notes').fill('Note privée de A');
    await pageA.getByRole('button', { name: "Enregistrer l'activité" }).click();
    await expect.poll(() => panel(pageA).textContent()).toContain("1 activité en attente d'envoi");
    const queued = await pageA.evaluate(() => (self as unknown as { CnFileActivites: { all(): Promise<{ id: string; utilisateur: string }[]> } }).CnFileActivites.all());
    expect(queued.map((e) => e.utilisateur)).toEqual([a.id]);
    const entryId = queued[0]!.id;

    // 2. A walks away without signing out; their session ends (expired cookie). B signs in on the same browser.
    await pageA.close();
    await ctx.clearCookies();
    await ctx.setOffline(false);
    const pageB = await ctx.newPage();
    await loginWithForm(pageB, 'coordinateur@demo.test');
    await pageB.goto('/activites/nouvelle');
    await expect.poll(() => pageB.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 15_000 }).toBe(true);
    await pageB.waitForTimeout(1500); // the page's first sync has run
    expect(await panel(pageB).textContent()).not.toContain('attente');
    expect(await pageB.content()).not.toContain('Confidentielle');
    await pageB.goto('/activites');
    await pageB.waitForTimeout(1000);
    expect(await panel(pageB).textContent()).not.toContain('attente');
    expect(await pageB.getByRole('button', { name: 'Reprendre dans le formulaire' }).count()).toBe(0);

    // Offline, B gets B's own copy of the form, and the worker no longer holds A's.
    await pageB.goto('/activites/nouvelle');
    await expect
      .poll(() => pageB.evaluate(async (id) => !!(await (await caches.open('cn-activites-v2')).match(`/activites/nouvelle?utilisateur=${id}`)), b.id), { timeout: 15_000 })
      .toBe(true);
    await ctx.setOffline(true);
    const offline = await pageB.reload();
    expect(offline?.fromServiceWorker()).toBe(true);
    expect(await pageB.locator('#form-activite').getAttribute('data-utilisateur')).toBe(b.id);
    expect(await pageB.content()).not.toContain('Confidentielle');
    expect(await panel(pageB).textContent()).not.toContain('attente');
    const cachedTexts = await pageB.evaluate(async () => {
      const cache = await caches.open('cn-activites-v2');
      const out: string[] = [];
      for (const req of await cache.keys()) if (new URL(req.url).pathname === '/activites/nouvelle') out.push(await (await cache.match(req))!.text());
      return out;
    });
    expect(cachedTexts.length).toBe(1);
    expect(cachedTexts.join('')).not.toContain('Confidentielle');
    await ctx.setOffline(false);

    // A's entry was never posted under B, and it is still waiting in the queue, untouched.
    expect(posted).not.toContain(entryId);
    expect(await getOwnActivite(db, b.id, entryId)).toBeUndefined();
    expect(await getOwnActivite(db, a.id, entryId)).toBeUndefined();
    const left = await pageB.evaluate(() => (self as unknown as { CnFileActivites: { all(): Promise<{ id: string; statut: string }[]> } }).CnFileActivites.all());
    expect(left.filter((e) => e.id === entryId).map((e) => e.statut)).toEqual(['en_attente']);

    // 3. B's session ends, A signs in again on the device: A's entry is sent, under A.
    await pageB.close();
    await ctx.clearCookies();
    const pageA2 = await ctx.newPage();
    await loginWithForm(pageA2, 'conseiller@demo.test');
    await pageA2.goto('/activites/nouvelle');
    await expect.poll(() => panel(pageA2).textContent(), { timeout: 20_000 }).toContain('1 activité saisie hors ligne envoyée');
    expect(await getOwnActivite(db, a.id, entryId)).toMatchObject({ dureeMinutes: 90, notes: 'Note privée de A' });
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
