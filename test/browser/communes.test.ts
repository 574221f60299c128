/**
 * A commune is asked by its name or postcode, on a phone (375 px): with JavaScript, suggestions as
 * you type (ARIA combobox, keyboard only); without, an ambiguous name comes back as a choice. The
 * commune disappears when a lieu d'activité is chosen; one person is described in one click per line.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { findUserByEmail } from '../../src/comptes/users.js';
import { listActivites } from '../../src/activites/activites.js';
import { browserApp, checkA11y, chromiumMissing, loginWithForm, submitForm } from './helpers.js';

const PHONE = { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true };

describe.skipIf(chromiumMissing)('la commune par son nom, et la personne accompagnée', () => {
  const env = browserApp();
  const radio = (page: Page, name: string) => page.getByRole('radio', { name, exact: true }).check({ force: true });
  const box = (page: Page, name: string) => page.getByRole('checkbox', { name, exact: true }).check({ force: true });
  const stored = async () => {
    const id = (await findUserByEmail(env.t.database.db, 'conseiller@demo.test'))!.id;
    return listActivites(env.t.database.db, id, {}, null, 1000);
  };

  it('au téléphone, avec JavaScript : « Forb », flèche du bas, Entrée → Forbach ; la personne en un clic par ligne', async () => {
    const page = await env.page(PHONE);
    page.setDefaultTimeout(45_000);
    await loginWithForm(page, 'conseiller@demo.test');
    await page.goto('/activites/nouvelle');
    await radio(page, 'Accompagnement individuel');
    await radio(page, '30 min');
    await box(page, 'E-mail');

    // a lieu d'activité carries its commune: the field goes away
    const communeField = page.getByRole('combobox', { name: /^Commune/ });
    await radio(page, "Bibliothèque de Borny (lieu d'activité)");
    await expect.poll(() => communeField.isVisible()).toBe(false);
    await radio(page, 'Autre lieu');
    await expect.poll(() => communeField.isVisible()).toBe(true);

    // the structure's commune comes first (Metz): replaced by typing
    expect(await communeField.inputValue()).toBe('Metz (57)');
    await communeField.fill('');
    await page.keyboard.type('Forb');
    const forbach = page.getByRole('option', { name: /^Forbach \(57\)/ });
    await forbach.waitFor();
    expect(await communeField.getAttribute('aria-expanded')).toBe('true');
    expect(await checkA11y(page)).toEqual([]);
    // down the list to Forbach, with the keyboard only
    for (let i = 0; i < 8 && (await forbach.getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('ArrowDown');
    expect(await communeField.getAttribute('aria-activedescendant')).toBe(await forbach.getAttribute('id'));
    await page.keyboard.press('Enter');
    expect(await communeField.inputValue()).toBe('Forbach (57)');
    expect(await communeField.getAttribute('aria-expanded')).toBe('false');

    await radio(page, 'Féminin');
    await radio(page, '70 ans et plus');
    await radio(page, 'Retraité');
    const before = (await stored()).length;
    expect(await submitForm(page, "Enregistrer l'activité")).toBe(303);
    const rows = await stored();
    expect(rows.length).toBe(before + 1);
    const a = rows.find((r) => r.communeInsee === '57227' && r.type === 'individuel');
    expect(a?.participants).toMatchObject({ total: 1, genres: { feminin: 1 }, tranches_age: { soixante_dix_plus: 1 }, statuts: { retraite: 1 } });

    // the choice offered for a shared name passes axe too
    await page.goto('/activites/nouvelle');
    await radio(page, 'Aide ponctuelle');
    await page.getByRole('combobox', { name: /^Commune/ }).fill('Saint-Martin');
    await page.keyboard.press('Escape');
    expect(await submitForm(page, "Enregistrer l'activité")).toBe(400);
    await page.getByRole('group', { name: 'Quelle commune ?' }).waitFor();
    expect(await checkA11y(page)).toEqual([]);
  }, 240_000);

  it('sans JavaScript : un nom porté par plusieurs communes revient avec le choix, puis est enregistré', async () => {
    const page = await env.page({ ...PHONE, javaScriptEnabled: false });
    page.setDefaultTimeout(45_000);
    await loginWithForm(page, 'conseiller@demo.test');
    await page.goto('/activites/nouvelle');
    await radio(page, 'Aide ponctuelle');
    await radio(page, '15 min');
    await radio(page, 'À domicile');
    await box(page, 'E-mail');
    await page.getByRole('textbox', { name: /^Commune/ }).fill('Saint-Martin');
    expect(await submitForm(page, "Enregistrer l'activité")).toBe(400);
    const choix = page.getByRole('group', { name: 'Quelle commune ?' });
    await choix.waitFor();
    expect(await page.title()).toMatch(/^Erreur – /);
    const first = choix.getByRole('radio').first();
    const code = await first.getAttribute('value');
    await first.check({ force: true });
    expect(await submitForm(page, "Enregistrer l'activité")).toBe(303);
    expect((await stored()).some((r) => r.communeInsee === code && r.lieuType === 'domicile')).toBe(true);
  }, 240_000);
});
