/**
 * Training as its people live it, in a real Chromium: the provider opens a session from its dashboard
 * and records attendance (hours over the session's length are refused next to the field); the demo
 * conseiller sees their progress grow and chooses this year's module; ANCT, Banque des Territoires, a
 * structure read the record, the dashboard, the providers, the costs, the catalogue. axe-core finds no
 * WCAG 2.1 A/AA violation on any training page (each audited with expect.soft), no two elements share
 * an id, and every link of an error summary leads to its field.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { audit, browserApp, chromiumMissing, loginWithForm, slowPage, submitForm, visit } from './helpers.js';

const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

describe.skipIf(chromiumMissing)('formation : présences par l’organisme, progression et choix du module par le conseiller, dans Chromium', () => {
  const env = browserApp();
  const newPage = () => slowPage(env);

  async function uniqueIds(page: Page, what: string): Promise<void> {
    const dups = await page.evaluate(() => {
      const seen = new Map<string, number>();
      for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `#${id} ×${n}`);
    });
    expect.soft(dups, `${what} : identifiants en double`).toEqual([]);
  }

  async function summaryLinksResolve(page: Page, what: string): Promise<void> {
    const hrefs = await page.locator('.fr-alert--error a[href^="#"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    for (const href of new Set(hrefs)) expect.soft(await page.locator(href).count(), `${what} : le lien ${href} mène à un seul champ`).toBe(1);
  }

  it('the provider records attendance, the conseiller sees their progress and chooses this year’s module', async () => {
    const provider = await newPage();
    await loginWithForm(provider, 'organisme@demo.test');
    await visit(provider, '/tableau-de-bord/organisme_formation', 'tableau de bord de l’organisme');
    await uniqueIds(provider, 'tableau de bord de l’organisme');
    // An assessment with every field wrong: errors next to the fields, the summary links to them.
    await provider.getByLabel('Adresse électronique du conseiller').fill('personne@nulle.part');
    expect(await submitForm(provider, 'Enregistrer le positionnement', { exact: true })).toBe(400);
    await audit(provider, 'positionnement en erreur');
    await summaryLinksResolve(provider, 'positionnement en erreur');
    expect(plain(await provider.locator('#champ-email-erreur').textContent())).toBe("Aucun conseiller recruté n'a cette adresse électronique.");

    await provider.goto('/tableau-de-bord/organisme_formation');
    await Promise.all([provider.waitForEvent('load'), provider.getByRole('link', { name: 'Parcours initial · 2 : animer des ateliers collectifs' }).click()]);
    await audit(provider, 'page de session');
    await uniqueIds(provider, 'page de session');
    const heures = provider.getByLabel('Heures de présence de Camille Conseillère');
    await heures.fill('71');
    expect(await submitForm(provider, /^Enregistrer la présence de Camille Conseillère$/)).toBe(400);
    await audit(provider, 'présence en erreur');
    const champ = provider.getByLabel('Heures de présence de Camille Conseillère');
    expect(await champ.getAttribute('aria-invalid')).toBe('true');
    expect(plain(await provider.locator(`[id="${(await champ.getAttribute('aria-describedby'))!}"]`).textContent())).toBe('La session dure 70 h : la présence ne peut pas dépasser cette durée.');
    await champ.fill('35');
    expect(await submitForm(provider, /^Enregistrer la présence de Camille Conseillère$/)).toBe(303);
    expect(plain(await provider.locator('.fr-alert, .fr-notice').first().textContent())).toContain('Présence de 35 h enregistrée.');

    // Camille: 70 h before, 35 h more.
    const conseiller = await newPage();
    await loginWithForm(conseiller, 'conseiller@demo.test');
    await Promise.all([conseiller.waitForEvent('load'), conseiller.getByRole('link', { name: 'Ma formation' }).first().click()]);
    expect(new URL(conseiller.url()).pathname).toBe('/formation/moi');
    await audit(conseiller, 'ma formation');
    await uniqueIds(conseiller, 'ma formation');
    expect(plain(await conseiller.locator('#progression').textContent())).toBe('Parcours initial : 105 / 140 h');
    await Promise.all([conseiller.waitForEvent('load'), conseiller.getByRole('link', { name: /Choisir mon module thématique/ }).click()]);
    await audit(conseiller, 'catalogue (conseiller)');
    await uniqueIds(conseiller, 'catalogue (conseiller)');
    expect(await submitForm(conseiller, 'Choisir ce module', { exact: true })).toBe(400);
    await audit(conseiller, 'choix du module en erreur');
    // DSFR draws the radio in its label: a person clicks the label.
    await conseiller.locator('label', { hasText: 'Cybersécurité : repérer et déjouer les arnaques en ligne' }).click();
    expect(await conseiller.getByRole('radio', { name: /Cybersécurité : repérer et déjouer les arnaques en ligne/ }).isChecked()).toBe(true);
    expect(await submitForm(conseiller, 'Choisir ce module', { exact: true })).toBe(303);
    expect(plain(await conseiller.locator('.fr-callout').first().textContent())).toContain('Module choisi, à suivre');
    await conseiller.goto('/formation/moi');
    expect(plain(await conseiller.locator('main, #contenu').first().textContent())).toContain('Module choisi : Cybersécurité : repérer et déjouer les arnaques en ligne.');
  }, 300_000);

  it('every other training page, for each of its readers, passes axe', async () => {
    const structure = await newPage();
    await loginWithForm(structure, 'structure@demo.test');
    await visit(structure, '/formation/suivi', 'suivi (structure)');
    await Promise.all([structure.waitForEvent('load'), structure.getByRole('link', { name: 'Camille Conseillère' }).click()]);
    await audit(structure, 'fiche formation (structure)');
    expect(plain(await structure.locator('#progression').textContent())).toMatch(/^Parcours initial : \d+ \/ 140 h$/);

    const admin = await newPage();
    await loginWithForm(admin, 'admin@demo.test');
    await visit(admin, '/formation/suivi?statut=en_retard', 'suivi filtré (ANCT)');
    await uniqueIds(admin, 'suivi (ANCT)');
    await visit(admin, '/formation/organismes', 'organismes');
    expect(await submitForm(admin, "Créer l'organisme", { exact: true })).toBe(400);
    await audit(admin, 'organisme en erreur');
    await summaryLinksResolve(admin, 'organisme en erreur');
    await admin.goto('/formation/organismes');
    await Promise.all([admin.waitForEvent('load'), admin.getByRole('link', { name: 'Institut de la médiation numérique du Grand Est' }).click()]);
    await audit(admin, 'un organisme');
    await visit(admin, '/formation/catalogue', 'catalogue (ANCT)');
    await uniqueIds(admin, 'catalogue (ANCT)');
    await visit(admin, '/formation/bareme', 'barème');

    const banque = await newPage();
    await loginWithForm(banque, 'banque@demo.test');
    await visit(banque, '/formation/couts', 'coûts');

    const provider = await newPage();
    await loginWithForm(provider, 'organisme@demo.test');
    await provider.goto('/tableau-de-bord/organisme_formation');
    await Promise.all([provider.waitForEvent('load'), provider.getByRole('link', { name: /Module « Cybersécurité/ }).click()]);
    await audit(provider, 'un module (organisme)');
    await provider.goto('/tableau-de-bord/organisme_formation');
    await Promise.all([provider.waitForEvent('load'), provider.getByRole('link', { name: 'Parcours initial · 1 : accueillir et accompagner les publics' }).click()]);
    await Promise.all([provider.waitForEvent('load'), provider.getByRole('link', { name: 'Sarah Weber' }).click()]);
    await audit(provider, 'fiche formation (organisme, formulaires)');
    await uniqueIds(provider, 'fiche formation (organisme)');
    expect(await submitForm(provider, 'Ajuster le parcours', { exact: true })).toBe(400);
    await audit(provider, 'ajustement en erreur');
    await summaryLinksResolve(provider, 'ajustement en erreur');
  }, 300_000);
});
