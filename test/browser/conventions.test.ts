/**
 * Agreements (conventions) as their readers live them, in a real Chromium: a structure opens « Ma
 * convention », downloads its PDF, signs it (an empty form first, its errors next to the fields);
 * Banque des Territoires finds it in the national table (by region, département, structure), validates
 * it and records a payment (one over the committed amount is refused next to the amount); the
 * structure sees the payment; the ANCT reads the funding regimes; the Moselle préfecture reads its
 * département's agreements. axe-core finds no WCAG 2.1 A/AA violation on any agreements page of the
 * way (each page is audited with expect.soft, so that one run lists them all), no two elements share
 * an id, and every link of an error summary leads to its field.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/audit/audit.js';
import { hashPassword } from '../../src/comptes/passwords.js';
import { createUser } from '../../src/comptes/users.js';
import { parisCalendarDate } from '../../src/platform/paris.js';
import { audit, browserApp, chromiumMissing, loginWithForm, slowPage, submitForm, visit } from './helpers.js';

/** A demo structure whose agreement waits for its signature (src/conventions/demo.ts); the demo has no account for it. */
const STRUCTURE = 'Ville de Sarreguemines';
const GESTIONNAIRE = { email: 'isabelle.hoffmann@sarreguemines-conventions.test', password: 'Une phrase de passe pour signer la convention' };
const SIGNATAIRE = { nom: 'Isabelle Hoffmann', fonction: 'Directrice générale adjointe des services, par délégation du maire' };
const REFERENCE = 'VIR-2026-SARREGUEMINES-001';

const frDate = (iso: string) => iso.split('-').reverse().join('/');
/** Text with every run of spaces (the narrow no-break space of « 50 000,00 € » too) as one plain space. */
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
/** Cents from « 115 000,00 € ». */
const cents = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));

describe.skipIf(chromiumMissing)('conventions : signature par la structure, validation et versement par la Banque des Territoires, dans Chromium', () => {
  const env = browserApp();

  const newPage = () => slowPage(env);
  const submit = (page: Page, button: string | RegExp, scope: Pick<Page, 'getByRole'> = page) => submitForm(page, button, { scope, exact: typeof button === 'string' });

  /** Every link of the error summary leads to exactly one field of the page. */
  async function summaryLinksResolve(page: Page, what: string): Promise<void> {
    const hrefs = await page.locator('.fr-alert--error a[href^="#"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect.soft(hrefs.length, `${what} : le récapitulatif des erreurs a des liens`).toBeGreaterThan(0);
    for (const href of new Set(hrefs)) expect.soft(await page.locator(href).count(), `${what} : le lien ${href} du récapitulatif des erreurs mène à un seul champ`).toBe(1);
  }

  /** The error shown next to a field: it is marked invalid and described by its message (returned, spaces made plain). */
  async function erreurDe(page: Page, field: Locator, what: string): Promise<string> {
    expect(await field.getAttribute('aria-invalid'), `${what} : aria-invalid`).toBe('true');
    const ids = (await field.getAttribute('aria-describedby'))?.split(/\s+/).filter((id) => id.endsWith('-erreur')) ?? [];
    expect(ids.length, `${what} : aria-describedby mène au message d'erreur`).toBe(1);
    const message = page.locator(`[id="${ids[0]}"]`);
    expect(await message.getAttribute('class'), `${what} : le message est un texte d'erreur DSFR`).toContain('fr-error-text');
    return plain(await message.textContent());
  }

  /** No two elements of the page share an id (the labels' `for`, the summary's links and aria-describedby rely on them). */
  async function uniqueIds(page: Page, what: string): Promise<void> {
    const dups = await page.evaluate(() => {
      const seen = new Map<string, number>();
      for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `#${id} ×${n}`);
    });
    expect.soft(dups, `${what} : identifiants en double`).toEqual([]);
  }

  /** audit, and the ids checked too. */
  async function check(page: Page, what: string): Promise<void> {
    await audit(page, what);
    await uniqueIds(page, what);
  }

  /** visit (status, axe), and the ids checked too. */
  async function open(page: Page, path: string, what = path): Promise<void> {
    await visit(page, path, what);
    await uniqueIds(page, what);
  }

  /** The amount of a row (« Conventionné », « Versé »…) of the « Montants » table. */
  async function montant(page: Page, ligne: string): Promise<number> {
    const row = page.locator('main table tbody tr', { has: page.getByRole('rowheader', { name: ligne, exact: true }) });
    expect(await row.count(), `ligne « ${ligne} » des montants`).toBe(1);
    return cents(await row.locator('td').textContent());
  }

  it(
    'la structure signe, la Banque valide et verse, la structure voit le versement ; ANCT et préfecture (sans erreur axe)',
    async () => {
      const today = parisCalendarDate();

      // ——— 0. A manager for the demo structure whose agreement waits for its signature ———
      const [conv] = await env.t.database.query<{ id: string; structure_id: string; numero: number; etat: string }>(
        'select id, structure_id, numero, etat from conventions_conventions where nom = $1',
        [STRUCTURE],
      );
      expect(conv, `convention de démonstration de « ${STRUCTURE} »`).toBeTruthy();
      expect(conv!.etat).toBe('en_construction');
      await createUser(env.t.database.db, SYSTEM_ACTOR, {
        email: GESTIONNAIRE.email,
        firstName: 'Isabelle',
        lastName: 'Hoffmann',
        passwordHash: await hashPassword(GESTIONNAIRE.password),
        roles: [{ role: 'structure', departement: null, structureId: conv!.structure_id }],
      });
      const conventionPath = `/conventions/${conv!.id}`;

      // ——— 1. The structure opens « Ma convention », reads the PDF and signs ———
      const structure = await newPage();
      await loginWithForm(structure, GESTIONNAIRE.email, GESTIONNAIRE.password);
      await Promise.all([
        structure.waitForURL((u) => u.pathname === conventionPath),
        structure.getByRole('navigation', { name: 'Menu principal' }).getByRole('link', { name: 'Ma convention', exact: true }).click(),
      ]);
      const main = structure.locator('main');
      expect(await structure.locator('h1').textContent()).toBe('Ma convention');
      expect(plain(await main.textContent())).toContain(`${STRUCTURE} — convention n° ${conv!.numero}`);
      expect(await main.textContent()).toContain('En construction (à signer par la structure)');
      await check(structure, `${conventionPath} (structure, à signer)`);
      // GET /ma-convention itself answers with a redirection to the agreement.
      const direct = await structure.request.get('/ma-convention', { maxRedirects: 0 });
      expect(direct.status()).toBe(303);
      expect(direct.headers().location).toBe(conventionPath);

      // The PDF: the link of the signature section, and the download of the documents' table.
      const signer = structure.locator('section[aria-labelledby="signer-titre"]');
      const signature = signer.locator('form[action$="/signature"]');
      expect(await signer.getByRole('heading', { name: 'Signer la convention' }).count()).toBe(1);
      const pdfHref = await signer.getByRole('link', { name: /^le document \(version \d+, PDF\)$/ }).getAttribute('href');
      expect(pdfHref).toMatch(new RegExp(`^${conventionPath}/documents/[0-9a-f-]{36}$`));
      const pdf = await structure.request.get(pdfHref!);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toMatch(/^application\/pdf/);
      expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const lien = main.locator(`table a[href="${pdfHref}"]`);
      expect(await lien.count(), 'le document à signer est dans le tableau des documents').toBe(1);
      const [download] = await Promise.all([structure.waitForEvent('download'), lien.click()]);
      expect(download.suggestedFilename()).toMatch(/\.pdf$/i);
      const downloaded = await readFile((await download.path())!);
      expect(downloaded.subarray(0, 5).toString('latin1')).toBe('%PDF-');

      // An empty signature comes back with its errors next to each field and in the summary.
      expect(await submit(structure, 'Signer la convention')).toBe(400);
      expect(await structure.locator('h1').textContent()).toBe('Ma convention');
      expect(await signer.locator('.fr-alert--error').count()).toBe(1);
      expect(await erreurDe(structure, signature.getByLabel(/^Nom et prénom du représentant légal/), 'nom du signataire')).toMatch(/^Indiquez le nom du représentant légal qui signe\.$/);
      expect(await erreurDe(structure, signature.getByLabel(/^Fonction/), 'fonction du signataire')).toMatch(/^Indiquez sa fonction/);
      const certifie = signature.getByRole('checkbox', { name: /^Je certifie être le représentant légal/ });
      const ids = (await certifie.getAttribute('aria-describedby'))?.split(/\s+/) ?? [];
      expect(ids.length, 'la case à cocher est décrite par son message d’erreur').toBe(1);
      expect(await structure.locator(`[id="${ids[0]}"]`).textContent()).toMatch(/^Cochez la case/);
      expect(await signature.getByLabel(/^Nom et prénom du représentant légal/).inputValue(), 'le champ reste vide').toBe('');
      await summaryLinksResolve(structure, `${conventionPath} (signature vide)`);
      // The other way to sign, the countersigned PDF: each of its fields has its own label.
      const contresigne = structure.locator('form[action*="/contresigne"]');
      for (const label of ['Nom du signataire', 'Fonction du signataire', 'Convention signée (PDF)']) {
        expect.soft(await contresigne.getByLabel(label).count(), `${conventionPath} : le champ « ${label} » du dépôt de la convention contresignée porte son étiquette`).toBe(1);
      }
      await check(structure, `${conventionPath} (signature envoyée vide, avec erreurs)`);

      await signature.getByLabel(/^Nom et prénom du représentant légal/).fill(SIGNATAIRE.nom);
      await signature.getByLabel(/^Fonction/).fill(SIGNATAIRE.fonction);
      // DSFR draws its own boxes over the native ones: check them through their role and name.
      await certifie.check({ force: true });
      expect(await submit(structure, 'Signer la convention')).toBe(303);
      expect(new URL(structure.url()).pathname).toBe(conventionPath);
      expect(await main.textContent()).toContain('Document signé : la Banque des Territoires instruit maintenant votre convention.');
      expect(await main.textContent()).toContain('En instruction (Banque des Territoires)');
      expect(await main.textContent()).not.toContain('En construction (à signer par la structure)');
      expect(await structure.locator('section[aria-labelledby="signer-titre"]').count(), 'plus de formulaire de signature').toBe(0);
      expect(plain(await main.locator('table', { hasText: 'Empreinte SHA-256' }).textContent())).toContain(`Signé par ${SIGNATAIRE.nom} (${SIGNATAIRE.fonction})`);
      await check(structure, `${conventionPath} (structure, signée, en instruction)`);

      // ——— 2. Banque des Territoires: the table, the agreement, validation and payments ———
      const banque = await newPage();
      await loginWithForm(banque, 'banque@demo.test');
      await open(banque, '/conventions', '/conventions (Banque, par région)');
      expect(await banque.locator('h1').textContent()).toBe('Conventions et versements');
      expect(await banque.locator('main table caption').textContent()).toBe('Conventions par région');
      expect(await banque.getByRole('rowheader', { name: 'Grand Est' }).count()).toBe(1);
      await open(banque, '/conventions?par=departement', '/conventions?par=departement (Banque)');
      expect(await banque.locator('main table caption').textContent()).toBe('Conventions par département');
      expect(await banque.locator('main table tbody th[scope="row"]', { hasText: 'Moselle' }).count()).toBe(1);
      await open(banque, '/conventions?par=structure', '/conventions?par=structure (Banque)');
      expect(await banque.locator('main table caption').textContent()).toMatch(/^Conventions par structure \(\d+/);

      // Find it with the filter (a GET form), then open it.
      await banque.getByRole('searchbox', { name: /^Structure/ }).fill('Sarreguemines');
      await Promise.all([banque.waitForURL((u) => u.searchParams.get('q') === 'Sarreguemines'), banque.getByRole('button', { name: 'Appliquer les filtres' }).click()]);
      expect(new URL(banque.url()).searchParams.get('par')).toBe('structure');
      const ligne = banque.locator('main table tbody tr', { has: banque.getByRole('link', { name: STRUCTURE, exact: true }) });
      expect(await ligne.count()).toBe(1);
      expect(await ligne.textContent()).toContain('En instruction (Banque des Territoires)');
      expect(await banque.locator('main table tbody tr').count()).toBe(1);
      await check(banque, '/conventions?par=structure&q=Sarreguemines (Banque, filtré)');
      await Promise.all([banque.waitForURL((u) => u.pathname === conventionPath), ligne.getByRole('link', { name: STRUCTURE, exact: true }).click()]);
      const bmain = banque.locator('main');
      expect(await banque.locator('h1').textContent()).toBe(`Convention n° ${conv!.numero} — ${STRUCTURE}`);
      await check(banque, `${conventionPath} (Banque, en instruction)`);

      expect(await submit(banque, 'Valider la convention')).toBe(303);
      expect(new URL(banque.url()).pathname).toBe(conventionPath);
      expect(await bmain.textContent()).toContain('Convention validée : vous pouvez enregistrer les versements.');
      expect(await bmain.textContent()).toContain('Conventionnement validé');
      await check(banque, `${conventionPath} (Banque, validée)`);

      const conventionne = await montant(banque, 'Conventionné');
      expect(conventionne, 'montant conventionné').toBeGreaterThan(5_000_000);
      expect(await montant(banque, 'Versé')).toBe(0);

      const versement = banque.locator('form[action$="/versements"]');
      await versement.getByLabel(/^Date du versement/).fill(today);
      await versement.getByLabel(/^Montant en euros/).fill('50 000,00');
      await versement.getByLabel(/^Référence/).fill(REFERENCE);
      expect(await submit(banque, 'Enregistrer le versement')).toBe(303);
      expect(new URL(banque.url()).pathname).toBe(conventionPath);
      expect(await bmain.textContent()).toContain('Versement enregistré.');
      expect(await montant(banque, 'Versé')).toBe(5_000_000);
      await check(banque, `${conventionPath} (Banque, versement enregistré)`);

      // A payment over what remains is refused, in French, next to the amount; what was typed is kept.
      const reste = conventionne - 5_000_000;
      const trop = reste + 100_000; // 1 000 € more than what remains
      const tropEuros = `${String(Math.floor(trop / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')},${String(trop % 100).padStart(2, '0')}`;
      await versement.getByLabel(/^Date du versement/).fill(today);
      await versement.getByLabel(/^Montant en euros/).fill(tropEuros);
      await versement.getByLabel(/^Référence/).fill(`${REFERENCE}-BIS`);
      expect(await submit(banque, 'Enregistrer le versement')).toBe(409);
      const champMontant = versement.getByLabel(/^Montant en euros/);
      const erreur = await erreurDe(banque, champMontant, 'montant du versement');
      expect(erreur).toContain('Ce versement dépasserait le montant conventionné');
      expect(erreur).toContain('50 000,00 € déjà versés');
      expect(erreur).toContain(`il reste au plus ${plain(new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2 }).format(reste / 100))} € à verser`);
      expect(await champMontant.inputValue()).toBe(tropEuros);
      expect(await versement.getByLabel(/^Référence/).inputValue()).toBe(`${REFERENCE}-BIS`);
      expect(await versement.getByLabel(/^Date du versement/).inputValue()).toBe(today);
      expect(await versement.locator('[aria-invalid="true"]').count(), 'seul le montant est en erreur').toBe(1);
      await summaryLinksResolve(banque, `${conventionPath} (versement trop élevé)`);
      await check(banque, `${conventionPath} (Banque, versement au-delà du montant conventionné)`);
      expect(await montant(banque, 'Versé'), 'le versement refusé n’est pas compté').toBe(5_000_000);

      // ——— 3. The structure sees the payment ———
      await structure.reload();
      expect(await structure.locator('h1').textContent()).toBe('Ma convention');
      const versements = main.locator('table', { has: structure.locator('caption', { hasText: 'Versements de la Banque des Territoires' }) });
      expect(await versements.locator('tbody tr').count()).toBe(1);
      const vl = plain(await versements.locator('tbody tr').textContent());
      expect(vl).toContain(frDate(today));
      expect(vl).toContain('50 000,00 €');
      expect(vl).toContain(REFERENCE);
      expect(await montant(structure, 'Versé')).toBe(5_000_000);
      expect(await montant(structure, 'Reste à verser')).toBe(reste);
      expect(await main.textContent()).toContain('Conventionnement validé');
      expect(await structure.locator('form[action$="/versements"]').count(), 'la structure ne saisit pas de versement').toBe(0);
      await check(structure, `${conventionPath} (structure, validée et payée)`);

      // The demo's Ville de Metz: validated and paid, renewal offered.
      const metz = await newPage();
      await loginWithForm(metz, 'structure@demo.test');
      await Promise.all([metz.waitForURL(/\/conventions\/[0-9a-f-]{36}$/), metz.goto('/ma-convention')]);
      expect(await metz.locator('h1').textContent()).toBe('Ma convention');
      expect(await metz.locator('main').textContent()).toContain('Ville de Metz');
      expect(await metz.locator('main table', { hasText: 'Versements de la Banque des Territoires' }).locator('tbody tr').count()).toBe(2);
      await check(metz, '/ma-convention (Ville de Metz, validée et payée)');

      // ——— 4. ANCT: the funding regimes ———
      const admin = await newPage();
      await loginWithForm(admin, 'admin@demo.test');
      await open(admin, '/conventions', '/conventions (ANCT)');
      await Promise.all([admin.waitForURL((u) => u.pathname === '/conventions/regimes'), admin.locator('main').getByRole('link', { name: 'Régimes de financement' }).click()]);
      expect(await admin.locator('h1').textContent()).toBe('Régimes de financement');
      await check(admin, '/conventions/regimes');
      const regime = admin.locator('main table tbody tr a').first();
      const regimeNom = (await regime.textContent())!.trim();
      await Promise.all([admin.waitForURL(/\/conventions\/regimes\/[0-9a-f-]{36}$/), regime.click()]);
      expect(await admin.locator('h1').textContent()).toBe(regimeNom);
      expect(await admin.getByLabel(/^Nom du régime/).inputValue()).toBe(regimeNom);
      await check(admin, `${new URL(admin.url()).pathname} (régime)`);
      // The ANCT reads the agreement, but neither signs nor instructs it.
      await open(admin, conventionPath, `${conventionPath} (ANCT)`);
      expect(await admin.getByRole('button', { name: 'Enregistrer le versement' }).count()).toBe(0);

      // ——— 5. The Moselle préfecture: its département's agreements ———
      const prefecture = await newPage();
      await loginWithForm(prefecture, 'prefecture57@demo.test');
      await open(prefecture, '/conventions', '/conventions (préfecture de la Moselle)');
      const pmain = prefecture.locator('main');
      expect(await prefecture.locator('main table caption').textContent()).toMatch(/^Conventions par structure/);
      expect(await pmain.getByRole('link', { name: STRUCTURE, exact: true }).count()).toBe(1);
      const departements = await pmain.locator('table tbody tr td:nth-child(2)').allTextContents();
      expect(new Set(departements.map((d) => d.trim()))).toEqual(new Set(['Moselle']));
      await open(prefecture, '/conventions?par=departement', '/conventions?par=departement (préfecture de la Moselle)');
      await open(prefecture, conventionPath, `${conventionPath} (préfecture de la Moselle)`);
      expect(await prefecture.getByRole('button', { name: 'Valider la convention' }).count()).toBe(0);
    },
    600_000,
  );
});
