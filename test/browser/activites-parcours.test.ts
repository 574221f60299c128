/**
 * A demo conseiller's day in a real Chromium: an individual accompaniment, a workshop of 8 and a
 * one-off help recorded through the form; they appear in the list, the CSV export and the dashboard;
 * an edit and a deletion update every figure.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserApp, checkA11y, chromiumMissing, loginWithForm } from './helpers.js';

describe.skipIf(chromiumMissing)('parcours d’un conseiller dans Chromium', () => {
  const env = browserApp();
  let page: Page;

  beforeAll(async () => {
    page = await env.page({ bypassCSP: false });
    await loginWithForm(page, 'conseiller@demo.test');
  });

  // DSFR draws its own radios and boxes over the native ones: check them through their role and name.
  const radio = (name: string) => page.getByRole('radio', { name, exact: true }).check({ force: true });
  const box = (name: string) => page.getByRole('checkbox', { name, exact: true }).check({ force: true });
  const save = () => page.getByRole('button', { name: "Enregistrer l'activité" }).click();
  async function stat(label: string): Promise<number> {
    await page.goto('/tableau-de-bord/conseiller');
    const text = await page.locator('.fr-tile', { hasText: label }).first().locator('.cn-stat').textContent();
    return Number((text ?? '').replace(/\D/g, ''));
  }

  it('records three activities, lists and exports them, and keeps the figures right after an edit and a deletion', async () => {
    await page.goto('/tableau-de-bord/conseiller');
    expect(await page.getByText('Aucune activité enregistrée pour le moment').count()).toBe(1); // the empty state says what to do
    await page.getByRole('link', { name: 'Enregistrer une activité' }).first().click(); // « À faire » says it first, the empty state again
    await page.waitForURL(/\/activites\/nouvelle$/);
    await radio('Accompagnement individuel');
    await box('E-mail');
    await radio('45 min');
    await save();
    await page.waitForURL(/\/activites\/nouvelle\?precedente=/);

    await radio('Atelier collectif');
    await box('Bureautique');
    await page.getByLabel("Titre de l'atelier").fill('Découvrir le traitement de texte');
    await page.getByLabel('Participants', { exact: true }).fill('8');
    await page.getByRole('spinbutton', { name: 'Féminin', exact: true }).fill('5');
    await page.getByRole('spinbutton', { name: 'Masculin', exact: true }).fill('3');
    await save();
    await page.waitForURL(/\/activites\/nouvelle\?precedente=/);

    await radio('Aide ponctuelle');
    await box('Navigation sur internet');
    await radio('15 min');
    await save();
    await page.waitForURL(/\/activites\/nouvelle\?precedente=/);

    await page.goto('/activites');
    const rows = page.locator('table tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.locator('table').textContent()).toContain('Découvrir le traitement de texte');

    const csv = await page.request.get('/activites/export.csv');
    expect(csv.status()).toBe(200);
    const text = await csv.text();
    expect(text).toContain('Découvrir le traitement de texte');
    expect(text.split('\n').filter((l) => /individuel|collectif|ponctuel/.test(l)).length).toBeGreaterThanOrEqual(3);

    expect(await stat('Mes activités')).toBe(3);
    expect(await stat('Mes accompagnements')).toBe(10); // a workshop counts one per participant

    // Edit the workshop: 10 participants
    await page.goto('/activites');
    await page.locator('tr', { hasText: 'Découvrir le traitement de texte' }).getByRole('link', { name: /Modifier/ }).click();
    await page.getByLabel('Participants', { exact: true }).fill('10');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.waitForLoadState();
    expect(await stat('Mes accompagnements')).toBe(12);

    // Delete it: the link names the workshop, a confirmation page says what goes, then it is gone
    await page.goto('/activites');
    const supprimer = page.locator('tr', { hasText: 'Découvrir le traitement de texte' }).getByRole('link', { name: /^Supprimer l'atelier « Découvrir le traitement de texte » du \d+(er)? \S+ \d{4}$/ });
    expect(await supprimer.count()).toBe(1);
    // axe on the confirmation page, in a second window (axe needs the CSP bypassed; this one keeps it)
    const audit = await env.page();
    await loginWithForm(audit, 'conseiller@demo.test');
    await audit.goto((await supprimer.getAttribute('href'))!);
    expect(await checkA11y(audit)).toEqual([]);
    await supprimer.click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toMatch(/^Supprimer l'atelier « Découvrir le traitement de texte » du .+ \?$/);
    await page.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await page.waitForLoadState();
    expect(await page.locator('.fr-alert').first().textContent()).toMatch(/L'atelier « Découvrir le traitement de texte » du .+ a été supprimé\./);
    expect(await stat('Mes activités')).toBe(2);
    expect(await stat('Mes accompagnements')).toBe(2);
  });
});
