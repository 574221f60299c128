/**
 * The programme as a new structure lives it, in a real Chromium: it applies with no account, gets
 * its invitation by mail, chooses a password and follows its file; the préfecture gives its opinion;
 * the ANCT decides in a selection committee and closes it; the structure sees its posts validated and
 * the préfecture the envelope's use updated. axe-core finds no WCAG 2.1 A/AA violation on any page
 * of the way (each page is audited with expect.soft, so that one run lists them all).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createJobWorker } from '../../src/platform/jobs/jobs.js';
import { parisCalendarDate } from '../../src/platform/paris.js';
import { withLuhnKey } from '../../src/structures/siret.js';
import { audit, browserApp, chromiumMissing, loginWithForm, slowPage, submitForm, visit } from './helpers.js';

const SIRET = withLuhnKey('99700000000' + '42'); // valid Luhn key, far from the demo's SIRETs
const NOM = 'Tiers-lieu numérique de Yutz';
const CONTACT_EMAIL = 'marie.durand@tiers-lieu-yutz.test';
const CONTACT_PASSWORD = 'Une phrase de passe solide pour 2027';
const MOSELLE = 'Moselle (57)';
/** The national row of /programme/postes, and its option in « Nouvelle vague ». */
const NATIONAL = { ligne: 'France entière', option: 'Enveloppe nationale' };

/** A calendar date (YYYY-MM-DD) `days` after `iso`. */
function plusDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const digits = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));

describe.skipIf(chromiumMissing)('programme : de la candidature d’une structure à ses postes validés, dans Chromium', () => {
  const env = browserApp();

  const newPage = () => slowPage(env);
  const submit = (page: Page, button: string | RegExp) => submitForm(page, button);

  /** The figures of a territory's row on /programme/postes (the page must be open). */
  async function postesRow(page: Page, libelle: string): Promise<{ enveloppe: number; valides: number }> {
    const row = page.locator('main table tbody tr', { has: page.getByRole('rowheader', { name: libelle, exact: true }) });
    expect(await row.count(), `ligne « ${libelle} » de /programme/postes`).toBe(1);
    const cells = row.locator('td');
    return { enveloppe: digits(await cells.nth(0).textContent()), valides: digits(await cells.nth(1).textContent()) };
  }

  it(
    'candidature sans compte, invitation, avis du préfet, comité de sélection, postes validés (sans erreur axe)',
    async () => {
      const today = parisCalendarDate();

      // ——— 1. The structure applies, with no account ———
      const structure = await newPage();
      await visit(structure, '/candidature/structure', '/candidature/structure (vide)');
      expect(await structure.locator('h1').textContent()).toMatch(/Devenir structure d'accueil/);

      // An empty form comes back with its errors, next to each field and in the summary.
      expect(await submit(structure, 'Envoyer ma candidature')).toBe(400);
      expect(await structure.locator('[aria-invalid="true"]').count()).toBeGreaterThan(5);
      expect(await structure.locator('#champ-engagement-erreur').textContent()).toMatch(/engagement/);
      await audit(structure, '/candidature/structure (envoyé vide, avec erreurs)');

      await structure.getByLabel(/^Numéro SIRET/).fill(SIRET);
      await structure.getByLabel(/^Type de structure/).selectOption({ label: 'Association' });
      await structure.getByLabel(/^Raison sociale/).fill(NOM);
      await structure.getByLabel(/^Adresse \(numéro et voie\)/).fill('12 rue de la Paix');
      await structure.getByRole('combobox', { name: /^Commune/ }).fill('Yutz');
      await structure.getByLabel(/^Code postal/).fill('57970');
      await structure.getByLabel(/^Prénom/).fill('Marie');
      await structure.getByLabel('Nom', { exact: true }).fill('Durand');
      await structure.getByLabel(/^Fonction/).fill('Directrice');
      await structure.getByLabel(/^Adresse électronique/).fill(CONTACT_EMAIL);
      await structure.getByLabel(/^Téléphone/).fill('03 82 56 00 00');
      await structure.getByLabel(/^Nombre de postes souhaités/).fill('2');
      await structure.getByLabel(/^Date de début souhaitée/).fill(plusDays(today, 30));
      await structure.getByLabel(/^Motivation/).fill('Accompagner les habitants de Yutz éloignés du numérique : démarches en ligne, ateliers au tiers-lieu et permanences en mairie.');
      // DSFR draws its own boxes over the native ones: check them through their role and name.
      await structure.getByRole('checkbox', { name: /^Nous nous engageons/ }).check({ force: true });
      await Promise.all([structure.waitForURL(/\/candidature\/structure\/envoyee\?numero=\d+$/), structure.getByRole('button', { name: 'Envoyer ma candidature' }).click()]);
      const title = await structure.locator('main .fr-alert--success .fr-alert__title').textContent();
      expect(title).toMatch(/^Dossier n° \d+$/);
      const numero = digits(title);
      expect(new URL(structure.url()).searchParams.get('numero')).toBe(String(numero));
      await audit(structure, 'confirmation de la candidature');

      // ——— 2. The invitation mail (the background job sends it; the test server runs no worker) ———
      const ran = await createJobWorker({ database: env.t.database, registry: env.t.app.jobs }).runDue();
      expect(ran).toBeGreaterThanOrEqual(1);
      const admin = await newPage();
      await loginWithForm(admin, 'admin@demo.test');
      await admin.goto(`/admin/courriels?destinataire=${encodeURIComponent(CONTACT_EMAIL)}`);
      const mails = admin.locator('main article');
      await expect.poll(() => mails.count()).toBe(2);
      expect(await mails.filter({ hasText: `Candidature n° ${numero} reçue` }).count()).toBe(1);
      const invitation = await mails.filter({ hasText: 'Votre compte Conseiller numérique' }).locator('.cn-pre').textContent();
      const link = /\/mot-de-passe\/nouveau\?jeton=[^\s]+/.exec(invitation ?? '')?.[0];
      expect(link, "lien d'invitation dans le courriel").toBeTruthy();

      await structure.goto(link!);
      expect(await structure.locator('h1').textContent()).toBe('Bienvenue : choisissez votre mot de passe');
      await audit(structure, "/mot-de-passe/nouveau (lien d'invitation)");
      await structure.getByLabel(/^Nouveau mot de passe/).fill(CONTACT_PASSWORD);
      await structure.getByLabel(/^Confirmez le mot de passe/).fill(CONTACT_PASSWORD);
      await Promise.all([structure.waitForURL(/\/tableau-de-bord/), structure.getByRole('button', { name: 'Enregistrer le mot de passe' }).click()]);

      // The new contact signs in with the password just chosen, in a fresh browser.
      const contact = await newPage();
      await loginWithForm(contact, CONTACT_EMAIL, CONTACT_PASSWORD);
      expect(new URL(contact.url()).pathname).toBe('/tableau-de-bord/structure');
      const candidature = contact.locator('section[aria-labelledby="titre-candidature"]');
      expect(await candidature.textContent()).toContain(`Dossier n° ${numero} · En attente de l'avis du préfet`);
      await audit(contact, '/tableau-de-bord/structure (dossier déposé)');
      await Promise.all([contact.waitForURL(/\/structures\/[0-9a-f-]{36}\/dossier$/), candidature.getByRole('link', { name: 'Voir le dossier' }).click()]);
      const dossierPath = new URL(contact.url()).pathname;
      expect(await contact.locator('h1').textContent()).toBe(`Dossier n° ${numero} · ${NOM}`);
      expect(await contact.locator('main').textContent()).toContain("En attente de l'avis du préfet");
      await audit(contact, `${dossierPath} (structure, dossier déposé)`);

      // ——— 3. The préfecture of Moselle gives a favourable opinion ———
      const prefecture = await newPage();
      await loginWithForm(prefecture, 'prefecture57@demo.test');
      expect(new URL(prefecture.url()).pathname).toBe('/tableau-de-bord/prefecture');
      await audit(prefecture, '/tableau-de-bord/prefecture');
      await visit(prefecture, '/programme/dossiers', '/programme/dossiers (préfecture)');
      await prefecture.getByLabel(/^Nom, SIRET ou numéro/).fill(SIRET);
      await Promise.all([prefecture.waitForURL(/\/programme\/dossiers\?q=/), prefecture.getByRole('button', { name: 'Filtrer' }).click()]);
      const ligne = prefecture.locator('main table tbody tr', { hasText: NOM });
      expect(await ligne.count()).toBe(1);
      expect(await ligne.textContent()).toContain("En attente de l'avis du préfet");
      await audit(prefecture, '/programme/dossiers (filtré)');
      await Promise.all([prefecture.waitForURL((u) => u.pathname === dossierPath), ligne.getByRole('link', { name: NOM }).click()]);
      await audit(prefecture, `${dossierPath} (préfecture, avant l'avis)`);
      await prefecture.getByRole('radio', { name: 'Favorable', exact: true }).check({ force: true });
      await prefecture.getByLabel(/^Commentaire/).fill('Projet solide, porté par un tiers-lieu reconnu sur le territoire.');
      expect(await submit(prefecture, "Enregistrer l'avis")).toBe(303);
      expect(new URL(prefecture.url()).pathname).toBe(dossierPath);
      expect(await prefecture.locator('main').textContent()).toMatch(/Favorable, le .* : « Projet solide/);
      await audit(prefecture, `${dossierPath} (préfecture, avis donné)`);

      await visit(prefecture, '/programme/postes', '/programme/postes (préfecture)');
      const avantPrefecture = await postesRow(prefecture, MOSELLE);

      // ——— 4. The ANCT: envelope, committee, decision, closure ———
      await visit(admin, '/tableau-de-bord/admin');
      await visit(admin, '/programme/postes', '/programme/postes (admin)');
      for (const { ligne: territoire, option } of [{ ligne: MOSELLE, option: MOSELLE }, NATIONAL]) {
        const { enveloppe, valides } = await postesRow(admin, territoire);
        if (enveloppe - valides >= 2) continue;
        // Not enough room for 2 more posts: a new wave raises the envelope.
        await admin.getByLabel(/^Territoire/).selectOption({ label: option });
        await admin.getByLabel(/^Enveloppe \(postes\)/).fill(String(Math.max(enveloppe, valides) + 1000));
        await admin.getByLabel(/^Libellé/).fill('Vague de test');
        expect(await submit(admin, 'Enregistrer la vague'), `nouvelle vague pour ${territoire}`).toBe(303);
        expect(await admin.locator('main').textContent()).toContain('Enveloppe enregistrée');
        const after = await postesRow(admin, territoire);
        expect(after.enveloppe - after.valides).toBeGreaterThanOrEqual(2);
      }
      const avantAdmin = await postesRow(admin, MOSELLE);

      await visit(admin, '/programme/coselec');
      await admin.getByLabel(/^Date du nouveau comité/).fill(today);
      await Promise.all([admin.waitForURL(/\/programme\/coselec\/[0-9a-f-]{36}$/), admin.getByRole('button', { name: 'Créer un comité' }).click()]);
      const coselecPath = new URL(admin.url()).pathname;
      expect(await admin.locator('h1').textContent()).toMatch(/^Comité de sélection n° \d+ du /);
      await audit(admin, `${coselecPath} (ouvert, sans décision)`);

      await admin.getByLabel(/^Dossiers du département/).selectOption({ label: MOSELLE });
      await Promise.all([admin.waitForURL(/departement=57/), admin.getByRole('button', { name: 'Filtrer' }).click()]);
      const option = admin.locator('#champ-dossier_id option', { hasText: `n° ${numero} · ${NOM}` });
      expect(await option.count(), "le dossier est proposé à l'ordre du jour").toBe(1);
      await admin.getByLabel('Dossier', { exact: true }).selectOption((await option.getAttribute('value'))!);
      await admin.getByLabel(/^Décision/).selectOption({ label: 'Positif' });
      await admin.getByLabel(/^Postes accordés/).fill('2');
      expect(await submit(admin, 'Enregistrer la décision')).toBe(303);
      const decision = admin.locator('main table tbody tr', { hasText: `n° ${numero} · ${NOM}` });
      expect(await decision.count()).toBe(1);
      expect(await decision.textContent()).toContain('Positif');
      await audit(admin, `${coselecPath} (une décision)`);

      expect(await submit(admin, /^Clore le comité n° \d+$/), 'clôture du comité').toBe(303);
      expect(await admin.locator('main').textContent()).toMatch(/Le comité n° \d+ est clos : 1 décision est en vigueur\./);
      await audit(admin, `${coselecPath} (clos)`);
      await visit(admin, `${coselecPath}/releve`);
      expect(await admin.locator('main table tbody').textContent()).toContain(NOM);

      // ——— 5. The structure sees its posts, the préfecture the envelope's use ———
      await visit(contact, '/tableau-de-bord/structure', '/tableau-de-bord/structure (dossier validé)');
      const validee = await contact.locator('section[aria-labelledby="titre-candidature"]').textContent();
      expect(validee).toContain(`Dossier n° ${numero} · Validée en comité de sélection`);
      expect(validee).toContain('2 postes validés.');
      await visit(contact, dossierPath, `${dossierPath} (structure, dossier validé)`);
      expect(await contact.locator('main').textContent()).toContain('Validée en comité de sélection');

      await visit(prefecture, '/programme/postes', '/programme/postes (préfecture, après le comité)');
      const apresPrefecture = await postesRow(prefecture, MOSELLE);
      expect(apresPrefecture.valides).toBe(avantPrefecture.valides + 2);
      await admin.goto('/programme/postes');
      expect((await postesRow(admin, MOSELLE)).valides).toBe(avantAdmin.valides + 2);
    },
    600_000,
  );
});
