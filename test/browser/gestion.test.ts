/** Accessibility (axe) of the management pages of places, the import page, the API docs and the structure's activity figures. */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserApp, checkA11y, chromiumMissing, loginWithForm } from './helpers.js';

describe.skipIf(chromiumMissing)('pages de gestion : axe', () => {
  const env = browserApp();

  async function as(email: string): Promise<Page> {
    const page = await env.page();
    await loginWithForm(page, email);
    return page;
  }

  async function check(page: Page, path: string): Promise<void> {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    expect(await checkA11y(page), path).toEqual([]);
  }

  it('lieux, formulaire de lieu, import, documentation de l’API (admin)', async () => {
    const page = await as('admin@demo.test');
    for (const path of ['/lieux', '/lieux/nouveau', '/admin/lieux/import', '/api/docs']) await check(page, path);
    await page.goto('/lieux');
    const edit = await page.locator('main a[href$="/modifier"]').first().getAttribute('href');
    expect(edit).toMatch(/^\/lieux\/[0-9a-f-]{36}\/modifier$/);
    await check(page, edit!);
  });

  it('chiffres et export de la structure (responsable de structure)', async () => {
    const page = await as('structure@demo.test');
    await check(page, '/activites/structure');
    await check(page, '/lieux');
  });

  it('fiche d’un bénéficiaire suivi (conseiller)', async () => {
    const page = await as('conseiller@demo.test');
    await page.goto('/beneficiaires/nouveau');
    await page.getByLabel('Prénom').fill('Jeanne');
    await page.getByLabel('Nom', { exact: true }).fill('Martin');
    await page.locator('#champ-consentement').check({ force: true });
    await page.locator('main form button[type="submit"]').first().click();
    await page.waitForLoadState('load');
    await page.goto('/beneficiaires');
    const href = await page.locator('main a[href^="/beneficiaires/"]').filter({ hasText: /Martin|Jeanne/ }).first().getAttribute('href');
    expect(href).toMatch(/^\/beneficiaires\/[0-9a-f-]{36}$/);
    await check(page, href!);
  });
});
