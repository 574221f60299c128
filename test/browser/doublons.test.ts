/**
 * The administrators' review list of likely duplicates held at import: reached from the import
 * page, one form per pair, decided with the mouse and with JavaScript off, axe at zero on the way
 * (desktop and phone width).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/audit/audit.js';
import { importerLieux } from '../../src/lieux/import.js';
import { browserApp, checkA11y, chromiumMissing, loginWithForm, submitForm } from './helpers.js';

const CSV = [
  'id,pivot,nom,commune,code_postal,adresse,date_maj',
  'n1,,Espace numérique du Sablon,Metz,57000,12 rue du Sablon,2024-01-01',
  'n2,,ESPACE NUMERIQUE DU SABLON,Metz,57000,12 RUE DU SABLON,2024-01-01',
  'n3,,Maison des associations,Metz,57000,40 rue Haute-Seille,2024-01-01',
  'n4,,Maison des associations de Metz,Metz,57000,40 rue Haute Seille,2024-01-01',
].join('\n');

describe.skipIf(chromiumMissing)('doublons possibles : liste de vérification (admin)', () => {
  const env = browserApp();

  async function admin(opts: Parameters<typeof env.page>[0] = {}): Promise<Page> {
    const page = await env.page(opts);
    page.setDefaultTimeout(30_000);
    await loginWithForm(page, 'admin@demo.test');
    return page;
  }

  it('from the import page to the list; each pair decided; axe at zero', async () => {
    const r = await importerLieux(env.t.database.db, SYSTEM_ACTOR, CSV, { source: 'navigateur' });
    expect(r.doublons).toHaveLength(2);
    const page = await admin();
    await page.goto('/admin/lieux/import');
    await Promise.all([page.waitForURL('**/admin/lieux/doublons'), page.getByRole('link', { name: 'doublons possibles à vérifier' }).click()]);
    await expect.poll(() => page.locator('#doublons-total').textContent()).toContain('2 doublons possibles à vérifier');
    expect(await page.getByRole('heading', { level: 2, name: /« Espace Numerique du Sablon » ressemble à « Espace numérique du Sablon »/ }).count()).toBe(1);
    expect(await checkA11y(page)).toEqual([]);

    // Publish both: the page says so, one pair is left.
    const pair = page.getByRole('region', { name: /Espace Numerique du Sablon/ });
    expect(await submitForm(page, /^Publier les deux/, { scope: pair })).toBe(303);
    await expect.poll(() => page.locator('body').textContent()).toContain('sont publiés tous les deux');
    await expect.poll(() => page.locator('#doublons-total').textContent()).toContain('1 doublon possible à vérifier');
    expect(await checkA11y(page)).toEqual([]);
    const json = (await (await page.request.get('/api/v1/lieux.json')).json()) as { nom: string }[];
    expect(json.map((l) => l.nom)).toContain('Espace Numerique du Sablon');
    expect(json.map((l) => l.nom)).not.toContain('Maison des associations de Metz');
  });

  it('the import report names the rows to check and the held duplicates, with a link to the list; axe at zero', async () => {
    const page = await admin();
    await page.goto('/admin/lieux/import');
    const csv = ['id,pivot,nom,commune,code_postal,adresse,date_maj', 'r1,,CCAS DE BEHREN-LÈS-FORBACH,Behren-lès-Forbach,57460,2 RUE DES ECOLES,2024-01-01', 'r2,,CCAS de Behren-lès-Forbach,Behren-lès-Forbach,57460,2 rue des Écoles,2024-01-01'].join('\n');
    await page.locator('#fichier').setInputFiles({ name: 'lieux.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByLabel(/^Source/).fill('rapport-navigateur');
    expect(await submitForm(page, 'Importer', { exact: true })).toBe(200);
    expect(await page.getByRole('table', { name: /Lignes importées à vérifier/ }).textContent()).toContain('« CCAS DE BEHREN-LÈS-FORBACH » écrit « CCAS de Behren-lès-Forbach »');
    expect(await page.getByRole('table', { name: /Doublons possibles, non publiés/ }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Vérifier les doublons possibles' }).getAttribute('href')).toBe('/admin/lieux/doublons');
    expect(await checkA11y(page)).toEqual([]);
    // Left for the next test to decide: the list starts with the two pairs of the first test, then this one.
  });

  it('without JavaScript: keep the existing place; at phone width, the empty list passes axe', async () => {
    const page = await admin({ javaScriptEnabled: false, viewport: { width: 375, height: 800 } });
    await page.goto('/admin/lieux/doublons');
    const pair = page.getByRole('region', { name: /Maison des associations de Metz/ });
    expect(await submitForm(page, /^Garder le lieu existant/, { scope: pair })).toBe(303);
    await expect.poll(() => page.locator('body').textContent()).toContain('« Maison des associations de Metz » est écarté');
    await expect.poll(() => page.locator('#doublons-total').textContent()).toContain('1 doublon possible à vérifier');
    // The pair of the import report: keep the new place (the other one is set aside).
    const ccas = page.getByRole('region', { name: /CCAS de Behren/ });
    expect(await submitForm(page, /^Garder le nouveau lieu/, { scope: ccas })).toBe(303);
    await expect.poll(() => page.locator('#doublons-total').textContent()).toContain('Aucun doublon possible à vérifier.');
    const json = (await (await page.request.get('/api/v1/lieux.json')).json()) as { nom: string }[];
    expect(json.map((l) => l.nom)).toContain('Maison des associations');
    expect(json.map((l) => l.nom)).not.toContain('Maison des associations de Metz');
    // axe needs JavaScript: the same page at phone width in a context where it runs.
    const phone = await admin({ viewport: { width: 375, height: 800 } });
    await phone.goto('/admin/lieux/doublons');
    expect(await checkA11y(phone)).toEqual([]);
  });
});
