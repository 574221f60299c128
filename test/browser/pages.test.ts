/**
 * End-to-end pages in a real Chromium on a real server (loopback): every demo role signs in through
 * the login form, and axe-core finds no WCAG 2.1 A/AA violation on any page, including error pages
 * and forms shown with their errors. Also: the site works without JavaScript.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestApp, type TestContext } from '../../src/platform/testing.js';
import { DEMO_ACCOUNTS } from '../../src/demo/seed.js';
import type { Role } from '../../src/platform/access.js';
import { checkA11y, chromiumMissing, launchBrowser, loginWithForm, loginWithKeyboard, newContext } from './helpers.js';

const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));
const KEYBOARD_ROLES = new Set<Role>(['conseiller', 'candidat']);

describe.skipIf(chromiumMissing)('pages dans Chromium', () => {
  let t: TestContext;
  let t2: TestContext | undefined;
  let browser: Browser;
  let baseURL: string;
  const contexts: BrowserContext[] = [];
  const sessions = new Map<Role, Page>();

  beforeAll(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    [t, browser] = await Promise.all([createTestApp(), launchBrowser()]);
    baseURL = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close().catch(() => {});
    await t?.close();
    if (t2) {
      await t2.app.close().catch(() => {});
      await t2.database.close().catch(() => {}); // already closed by the 500 test
    }
  });

  async function freshPage(opts: Parameters<typeof newContext>[2] = {}, base = baseURL): Promise<Page> {
    const context = await newContext(browser, base, opts);
    contexts.push(context);
    return context.newPage();
  }

  /** A page signed in as the demo account of `role` (signed in once, then reused). */
  async function as(role: Role): Promise<Page> {
    let page = sessions.get(role);
    if (!page) {
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      page = await freshPage();
      await (KEYBOARD_ROLES.has(role) ? loginWithKeyboard : loginWithForm)(page, account.email);
      sessions.set(role, page);
    }
    return page;
  }

  /** Opens `path`, checks the HTTP status and the h1, and returns the axe violations. */
  async function visit(page: Page, path: string, status: number, h1: string | RegExp): Promise<string[]> {
    const res = await page.goto(path);
    expect(res?.status(), `statut HTTP de ${path}`).toBe(status);
    await expect.poll(() => page.locator('h1').first().textContent()).toMatch(h1);
    return checkA11y(page);
  }

  describe('connexion de chaque rôle de démonstration', () => {
    for (const account of DEMO_ACCOUNTS) {
      const how = KEYBOARD_ROLES.has(account.role) ? 'au clavier seul' : 'à la souris';
      it(`${account.email} se connecte ${how} et arrive sur /tableau-de-bord/${account.role}`, async () => {
        const page = await as(account.role);
        expect(new URL(page.url()).pathname).toBe(`/tableau-de-bord/${account.role}`);
        expect(await page.locator('h1').textContent()).toBe('Tableau de bord');
        expect(await checkA11y(page)).toEqual([]);
      });
    }
  });

  describe('accessibilité (axe, WCAG 2.1 A et AA)', () => {
    it('contrôle du contrôle : axe signale bien un défaut ajouté à la page', async () => {
      const page = await freshPage();
      await page.goto('/');
      await page.evaluate(() => {
        const img = document.createElement('img');
        img.src = '/dsfr/favicon/favicon.svg';
        img.id = 'defaut-volontaire';
        document.querySelector('main')!.append(img);
      });
      const violations = await checkA11y(page);
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatch(/^\[image-alt\] \(critical\) .*\n {4}· #defaut-volontaire — /);
    });

    const publicPages: [path: string, status: number, h1: string | RegExp][] = [
      ['/', 200, /.+/],
      ['/connexion', 200, 'Se connecter'],
      ['/mot-de-passe/oublie', 200, 'Mot de passe oublié'],
      ['/mot-de-passe/nouveau?jeton=invalide', 410, 'Choisir un nouveau mot de passe'],
      ['/accessibilite', 200, /accessibilité/i],
      ['/mentions-legales', 200, /mentions légales/i],
      ['/donnees-personnelles', 200, /données personnelles/i],
      ['/nexiste-pas', 404, 'Page non trouvée'],
    ];
    let anon: Page | undefined;
    for (const [path, status, h1] of publicPages) {
      it(`${path} (${status})`, async () => {
        anon ??= await freshPage(); // anonymous visitor, shared by these read-only visits
        expect(await visit(anon, path, status, h1)).toEqual([]);
      });
    }

    it('/connexion après un échec (formulaire avec erreurs)', async () => {
      const page = await freshPage();
      await page.goto('/connexion');
      await page.getByRole('textbox', { name: /^Adresse électronique/ }).fill('admin@demo.test');
      await page.getByLabel('Mot de passe', { exact: true }).fill('pas-le-bon-mot-de-passe');
      const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Se connecter' }).click()]);
      expect(res.status()).toBe(401);
      await page.waitForLoadState('load');
      await expect.poll(() => page.locator('.fr-error-text').first().textContent()).toMatch(/incorrect/);
      expect(await page.locator('#champ-password').getAttribute('aria-invalid')).toBe('true');
      expect(await checkA11y(page)).toEqual([]);
    });

    it('403 : le conseiller ouvre /admin/journal', async () => {
      expect(await visit(await as('conseiller'), '/admin/journal', 403, 'Accès refusé')).toEqual([]);
    });

    const adminPages: [path: string, h1: string | RegExp][] = [
      ['/compte', /.+/],
      ['/structures', /structures/i],
      ['/structures/nouvelle', /structure/i],
      ['/admin/utilisateurs', /.+/],
      ['/admin/utilisateurs/inviter', /.+/],
      ['/admin/journal', /journal/i],
      ['/admin/courriels', /.+/],
      ['/admin/courriels?destinataire=demo', /.+/],
      ['/admin/taches', /tâches/i],
      ['/notifications', /notifications/i],
      ['/compte/notifications', /notifications/i],
    ];
    for (const [path, h1] of adminPages) {
      it(`${path} (admin)`, async () => {
        expect(await visit(await as('admin'), path, 200, h1)).toEqual([]);
      });
    }

    it('/compte pour chaque autre rôle', async () => {
      for (const role of ['conseiller', 'candidat'] as const) {
        expect(await visit(await as(role), '/compte', 200, /.+/), role).toEqual([]);
      }
    });

    it('fiche d’une structure et son formulaire de modification', async () => {
      const page = await as('admin');
      await page.goto('/structures');
      const href = await page.locator('main table a[href^="/structures/"]').first().getAttribute('href');
      expect(href).toMatch(/^\/structures\/[0-9a-f-]{36}$/);
      expect(await visit(page, href!, 200, /.+/)).toEqual([]);
      expect(await visit(page, `${href}/modifier`, 200, /.+/)).toEqual([]);
    });

    it('documents d’une structure : dépôt d’un PDF par le formulaire, liste, faux PDF refusé (sans erreur axe)', async () => {
      const page = await as('structure');
      await page.goto('/tableau-de-bord/structure');
      await page.goto('/structures');
      const href = await page.locator('main a[href^="/structures/"]').first().getAttribute('href');
      expect(await visit(page, `${href}/documents`, 200, /documents/i)).toEqual([]);
      // a real, minimal PDF built by the platform's own PDF helper
      const { buildPdf } = await import('../../src/platform/pdf/pdf.js');
      const pdf = await buildPdf({ title: 'Délibération du conseil', sections: [{ blocks: [{ type: 'paragraph', text: 'Texte de test.' }] }] }, { creationDate: new Date('2026-12-01T10:00:00Z') });
      await page.getByLabel(/Objet du document/).fill('Délibération 2026');
      await page.locator('#champ-fichier').setInputFiles({ name: 'deliberation.pdf', mimeType: 'application/pdf', buffer: pdf.bytes });
      await Promise.all([page.waitForURL(/\/documents/), page.getByRole('button', { name: 'Ajouter le document' }).click()]);
      await page.waitForLoadState('load');
      await expect.poll(() => page.locator('main').textContent()).toContain('Délibération 2026');
      expect(await checkA11y(page)).toEqual([]);
      // a file named .pdf that is not one: a French message next to the field
      await page.getByLabel(/Objet du document/).fill('Faux');
      await page.locator('#champ-fichier').setInputFiles({ name: 'faux.pdf', mimeType: 'application/pdf', buffer: Buffer.from('pas un PDF') });
      const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Ajouter le document' }).click()]);
      expect(res.status()).toBe(400);
      await page.waitForLoadState('load');
      await expect.poll(() => page.locator('.fr-error-text').first().textContent()).toMatch(/PDF/);
      expect(await checkA11y(page)).toEqual([]);
    });

    it('fiche d’un utilisateur (rôles, ajout de rôle)', async () => {
      const page = await as('admin');
      await page.goto('/admin/utilisateurs');
      const href = await page.locator('main table a[href^="/admin/utilisateurs/"]').first().getAttribute('href');
      expect(href).toMatch(/^\/admin\/utilisateurs\/[0-9a-f-]{36}$/);
      expect(await visit(page, href!, 200, /.+/)).toEqual([]);
    });

    it('/structures/nouvelle envoyé vide (erreurs affichées)', async () => {
      const page = await as('admin');
      await page.goto('/structures/nouvelle');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.locator('main form[action="/structures/nouvelle"] button[type="submit"]').click(),
      ]);
      expect(res.status()).toBe(400);
      await page.waitForLoadState('load');
      expect(await page.locator('.fr-alert--error[role="alert"]').count()).toBe(1);
      expect(await page.locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
      // The error summary has the focus and the title says there is an error (RGAA 11.10).
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('erreurs-formulaire');
      expect(await page.title()).toMatch(/^Erreur – /);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toMatch(/^#champ-/);
      expect(await checkA11y(page)).toEqual([]);
    });

    it('/admin/utilisateurs/inviter envoyé vide (erreurs affichées)', async () => {
      const page = await as('admin');
      await page.goto('/admin/utilisateurs/inviter');
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        page.locator('main form[action="/admin/utilisateurs/inviter"] button[type="submit"]').click(),
      ]);
      expect(res.status()).toBe(400);
      await page.waitForLoadState('load');
      expect(await page.locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
      expect(await checkA11y(page)).toEqual([]);
    });

    it('500 : la base tombe pendant une session, la page d’erreur s’affiche', async () => {
      t2 = await createTestApp();
      const base2 = await t2.app.listen({ port: 0, host: '127.0.0.1' });
      const page = await freshPage({}, base2);
      await loginWithForm(page, 'admin@demo.test');
      expect(new URL(page.url()).pathname).toBe('/tableau-de-bord/admin');
      await t2.database.close();
      expect(await visit(page, '/compte', 500, 'Erreur inattendue')).toEqual([]);
      expect(await page.locator('main code').textContent()).toMatch(/[0-9a-f-]{36}/); // request id for support
    });
  });

  it('sans JavaScript : la connexion et le tableau de bord fonctionnent', async () => {
    const page = await freshPage({ javaScriptEnabled: false, bypassCSP: false });
    await loginWithForm(page, 'structure@demo.test');
    expect(new URL(page.url()).pathname).toBe('/tableau-de-bord/structure');
    expect(await page.locator('h1').textContent()).toBe('Tableau de bord');
    // Without JS, the DSFR menu modal is not opened by script: the navigation links must still be reachable.
    await expect.poll(() => page.getByRole('link', { name: 'Structures', exact: true }).first().isVisible()).toBe(true);
    await page.getByRole('link', { name: 'Structures', exact: true }).first().click();
    expect(new URL(page.url()).pathname).toBe('/structures');
  });

  it('la politique CSP stricte ne bloque rien sur les pages (sans contournement)', async () => {
    const page = await freshPage({ bypassCSP: false });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    await page.goto('/', { waitUntil: 'load' });
    await loginWithForm(page, 'admin@demo.test');
    await page.waitForLoadState('load');
    expect(problems).toEqual([]);
  });

  it('captures d’écran pour relecture humaine (non vérifiées)', async () => {
    const home = await freshPage();
    await home.goto('/', { waitUntil: 'load' });
    await home.screenshot({ path: `${RESULTS_DIR}accueil.png`, fullPage: true });
    const admin = await as('admin');
    await admin.goto('/tableau-de-bord/admin', { waitUntil: 'load' });
    await admin.screenshot({ path: `${RESULTS_DIR}tableau-de-bord-admin.png`, fullPage: true });
  });
});
