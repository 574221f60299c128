/**
 * Recruitment as new people live it, in a real Chromium: a candidate applies with no account, gets
 * the invitation by mail, chooses a password and sees the structures that see their profile; the
 * manager of one of those structures pre-selects them and enters the contract (the SMIC is checked
 * next to the field); the ANCT validates the recruitment; the candidate, now a conseiller, records an
 * activity, and one dated before the contract's start is refused. axe-core finds no WCAG 2.1 A/AA
 * violation on any recruitment page of the way (each page is audited with expect.soft, so that one
 * run lists them all).
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/audit/audit.js';
import { oublierProfil } from '../../src/activites/activites.js';
import { hashPassword } from '../../src/comptes/passwords.js';
import { createUser } from '../../src/comptes/users.js';
import { createJobWorker } from '../../src/platform/jobs/jobs.js';
import { parisCalendarDate } from '../../src/platform/paris.js';
import { audit, browserApp, chromiumMissing, loginWithForm, slowPage, submitForm, visit } from './helpers.js';

const CANDIDAT = { prenom: 'Inès', nom: 'Laurent', email: 'ines.laurent@exemple-candidat.test', telephone: '06 12 34 56 78' };
const CANDIDAT_PASSWORD = 'Une phrase de passe solide pour recruter';
/** The demo structure the candidate is paired with and that recruits them: 2 posts, none held in the demo. */
const STRUCTURE = 'Mission locale du Pays Messin';
const GESTIONNAIRE = { email: 'gestion@mission-locale-messin.test', password: 'Gestionnaire de la mission locale 2027' };
const MOTIVATION = "Bénévole à l'espace numérique de mon quartier depuis deux ans, j'aide chaque semaine des habitants dans leurs démarches en ligne : j'aimerais en faire mon métier.";

/** A calendar date (YYYY-MM-DD) `days` after `iso`. */
function plusDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
const frDate = (iso: string) => iso.split('-').reverse().join('/');
const digits = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));
/** Text with every run of spaces (the narrow no-break space of « 2 000,00 € » too) as one plain space. */
const plain = (s: string | null) => (s ?? '').replace(/\s+/g, ' ');

describe.skipIf(chromiumMissing)('recrutement : de la candidature d’un conseiller à sa première activité, dans Chromium', () => {
  const env = browserApp();

  const newPage = () => slowPage(env);
  const submit = (page: Page, button: string | RegExp, scope: Pick<Page, 'getByRole'> = page) => submitForm(page, button, { scope, exact: typeof button === 'string' });

  /** Every link of the error summary leads to a field of the page. */
  async function summaryLinksResolve(page: Page, what: string): Promise<void> {
    const hrefs = await page.locator('.fr-alert--error a[href^="#"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    for (const href of new Set(hrefs)) expect.soft(await page.locator(href).count(), `${what} : le lien ${href} du récapitulatif des erreurs mène à un champ`).toBe(1);
  }

  it(
    'candidature sans compte, invitation, présélection, contrat, validation ANCT, première activité (sans erreur axe)',
    async () => {
      const today = parisCalendarDate();
      const yesterday = plusDays(today, -1);
      const finContrat = plusDays(today, 365);

      // ——— 1. The candidate applies, with no account ———
      const candidat = await newPage();
      await visit(candidat, '/candidature/conseiller', '/candidature/conseiller (vide)');
      expect(await candidat.locator('h1').textContent()).toBe('Devenir conseiller numérique');

      // An empty form comes back with its errors, next to each field and in the summary.
      expect(await submit(candidat, 'Envoyer ma candidature')).toBe(400);
      expect(await candidat.locator('[aria-invalid="true"]').count()).toBeGreaterThanOrEqual(5);
      expect(await candidat.locator('#champ-situations-erreur').textContent()).toMatch(/Cochez au moins une situation/);
      expect(await candidat.locator('#champ-distance_max_km-erreur').textContent()).toMatch(/Choisissez une distance/);
      expect(await candidat.locator('#champ-motivation-erreur').textContent()).toMatch(/motive/);
      await summaryLinksResolve(candidat, '/candidature/conseiller (envoyé vide)');
      await audit(candidat, '/candidature/conseiller (envoyé vide, avec erreurs)');

      await candidat.getByLabel(/^Prénom/).fill(CANDIDAT.prenom);
      await candidat.getByLabel('Nom', { exact: true }).fill(CANDIDAT.nom);
      await candidat.getByLabel(/^Adresse électronique/).fill(CANDIDAT.email);
      await candidat.getByLabel(/^Téléphone/).fill(CANDIDAT.telephone);
      await candidat.getByLabel(/^Commune de résidence/).fill('Metz');
      // DSFR draws its own boxes and radios over the native ones: check them through their role and name.
      await candidat.getByRole('checkbox', { name: "Demandeur ou demandeuse d'emploi", exact: true }).check({ force: true });
      await candidat.getByLabel(/^Date de disponibilité/).fill(today);
      await candidat.getByRole('radio', { name: '20 km', exact: true }).check({ force: true });
      await candidat.getByLabel(/^Motivation/).fill(MOTIVATION);
      await Promise.all([candidat.waitForURL(/\/candidature\/conseiller\/envoyee$/), candidat.getByRole('button', { name: 'Envoyer ma candidature' }).click()]);
      expect(await candidat.locator('h1').textContent()).toBe('Votre candidature est envoyée');
      expect(await candidat.locator('main .fr-alert--success').textContent()).toContain('Nous avons bien reçu votre candidature');
      await audit(candidat, 'confirmation de la candidature');

      // ——— 2. The mails (the background job sends them; the test server runs no worker) ———
      const ran = await createJobWorker({ database: env.t.database, registry: env.t.app.jobs }).runDue();
      expect(ran).toBeGreaterThanOrEqual(1);
      const admin = await newPage();
      await loginWithForm(admin, 'admin@demo.test');
      await admin.goto(`/admin/courriels?destinataire=${encodeURIComponent(CANDIDAT.email)}`);
      /** The mails whose subject is `subject`. */
      const mail = (subject: string) => admin.locator('main article', { has: admin.getByRole('heading', { name: subject, exact: true }) });
      await expect.poll(() => mail('Votre compte Conseiller numérique').count()).toBe(1);
      expect(await mail('Candidature de conseiller numérique reçue').count()).toBe(1);
      expect(await mail('Candidature de conseiller numérique reçue').textContent()).toContain('Commune : Metz ; distance maximale : 20 km');
      const invitation = await mail('Votre compte Conseiller numérique').locator('.cn-pre').textContent();
      const link = /\/mot-de-passe\/nouveau\?jeton=[^\s]+/.exec(invitation ?? '')?.[0];
      expect(link, "lien d'invitation dans le courriel").toBeTruthy();

      await candidat.goto(link!);
      expect(await candidat.locator('h1').textContent()).toBe('Bienvenue : choisissez votre mot de passe');
      await candidat.getByLabel(/^Nouveau mot de passe/).fill(CANDIDAT_PASSWORD);
      await candidat.getByLabel(/^Confirmez le mot de passe/).fill(CANDIDAT_PASSWORD);
      await Promise.all([candidat.waitForURL(/\/tableau-de-bord/), candidat.getByRole('button', { name: 'Enregistrer le mot de passe' }).click()]);

      // The candidate signs in with the password just chosen, in a fresh browser: their dashboard, then « Mon profil ».
      const moi = await newPage();
      await loginWithForm(moi, CANDIDAT.email, CANDIDAT_PASSWORD);
      expect(new URL(moi.url()).pathname).toBe('/tableau-de-bord/candidat');
      await audit(moi, '/tableau-de-bord/candidat');
      const vues = digits(await moi.locator('.fr-tile', { hasText: 'Structures qui voient votre profil' }).locator('.cn-stat').textContent());
      expect(vues, 'structures appariées (tableau de bord)').toBeGreaterThanOrEqual(1);
      await Promise.all([moi.waitForURL((u) => u.pathname === '/candidature/profil'), moi.getByRole('link', { name: 'Ma candidature' }).first().click()]);
      await audit(moi, '/candidature/profil');
      expect(await moi.locator('h1').textContent()).toBe('Mon profil de candidat');
      const statut = await moi.locator('section[aria-labelledby="statut-titre"]').textContent();
      expect(statut).toContain('Ma candidature : disponible');
      expect(statut).toContain(`${vues} structure${vues > 1 ? 's voient' : ' voit'} votre profil.`);
      expect(statut).toContain(`Metz · 20 km · disponible à partir du ${frDate(today)}`);

      // The structure that recruits them: Mission locale du Pays Messin is paired (Ville de Metz's posts are all held).
      const [ml] = await env.t.database.query<{ id: string; commune_insee: string }>('select id, commune_insee from structures where nom = $1', [STRUCTURE]);
      expect(ml, `structure de démonstration « ${STRUCTURE} »`).toBeTruthy();
      const paires = await env.t.database.query<{ structure_id: string }>(
        'select m.structure_id from recrutement_mises_en_relation m join recrutement_candidats c on c.id = m.candidat_id where c.email = $1',
        [CANDIDAT.email],
      );
      expect(paires.length).toBe(vues);
      expect(paires.map((p) => p.structure_id), `la candidate est mise en relation avec ${STRUCTURE}`).toContain(ml!.id);
      // The demo has no manager for it: one is created, as the ANCT would have invited them.
      await createUser(env.t.database.db, SYSTEM_ACTOR, {
        email: GESTIONNAIRE.email,
        firstName: 'Nadia',
        lastName: 'Gestionnaire',
        passwordHash: await hashPassword(GESTIONNAIRE.password),
        roles: [{ role: 'structure', departement: null, structureId: ml!.id }],
      });

      // ——— 3. The structure's manager: the candidate in the list, pre-selection, the contract ———
      const structure = await newPage();
      await loginWithForm(structure, GESTIONNAIRE.email, GESTIONNAIRE.password);
      expect(new URL(structure.url()).pathname).toBe('/tableau-de-bord/structure');
      await audit(structure, '/tableau-de-bord/structure');
      const recrutement = structure.locator('section[aria-labelledby="titre-recrutement"]');
      expect(digits(await recrutement.locator('.fr-tile', { hasText: 'Postes à pourvoir' }).locator('.cn-stat').textContent())).toBe(2);
      await Promise.all([structure.waitForURL((u) => u.pathname === '/recrutement'), recrutement.getByRole('link', { name: 'voir les candidats de votre secteur' }).click()]);
      await audit(structure, '/recrutement');
      const main = structure.locator('main');
      expect(await main.textContent()).toContain(`${STRUCTURE} : 2 postes validés, 0 recrutement en cours ou validé, 2 à pourvoir.`);
      // The name shortened, no e-mail nor phone before pre-selection.
      const court = `${CANDIDAT.prenom} ${CANDIDAT.nom.slice(0, 1)}.`;
      const ligne = structure.locator('main table tbody tr', { has: structure.getByRole('link', { name: court, exact: true }) });
      expect(await ligne.count()).toBe(1);
      expect(await ligne.textContent()).toContain('Nouvelle');
      expect(await main.textContent()).not.toContain(CANDIDAT.email);
      expect(await main.textContent()).not.toContain(CANDIDAT.nom);
      await Promise.all([structure.waitForURL(/\/recrutement\/[0-9a-f-]{36}$/), ligne.getByRole('link', { name: court }).click()]);
      const fichePath = new URL(structure.url()).pathname;
      expect(await structure.locator('h1').textContent()).toBe(court);
      expect(await main.textContent()).toContain(MOTIVATION);
      expect(await main.textContent()).not.toContain(CANDIDAT.email);
      await audit(structure, `${fichePath} (avant la présélection)`);

      expect(await submit(structure, 'Présélectionner')).toBe(303);
      expect(new URL(structure.url()).pathname).toBe(fichePath);
      expect(await main.textContent()).toContain('Candidat présélectionné : ses coordonnées et son CV sont visibles.');
      expect(await structure.locator('h1').textContent()).toBe(`${CANDIDAT.prenom} ${CANDIDAT.nom}`);
      expect(await main.textContent()).toContain(`${CANDIDAT.email} · 0612345678`);
      await audit(structure, `${fichePath} (présélectionnée)`);

      // The contract: a salary under the SMIC first, refused next to the field.
      await structure.getByLabel(/^Type de contrat/).selectOption({ label: 'CDD' });
      await structure.getByLabel('Début', { exact: true }).fill(today);
      await structure.getByLabel(/^Fin/).fill(finContrat);
      await structure.getByLabel(/^Salaire brut mensuel/).fill('1000');
      expect(await submit(structure, 'Enregistrer le contrat')).toBe(400);
      expect(await structure.locator('#champ-salaire').getAttribute('aria-invalid')).toBe('true');
      expect(await structure.locator('#champ-salaire-erreur').textContent()).toMatch(/au moins le SMIC/);
      expect(await structure.locator('#champ-salaire').getAttribute('aria-describedby')).toContain('champ-salaire-erreur');
      // The summary leads to the field. (It also lists the message a second time, linked to
      // #champ-salaire_brut_mensuel_centimes, which the page does not have: reported, not asserted here.)
      expect(await structure.locator('.fr-alert--error a[href="#champ-salaire"]').count()).toBe(1);
      await audit(structure, `${fichePath} (salaire sous le SMIC)`);
      // What was typed is kept: only the salary changes.
      expect(await structure.getByLabel('Début', { exact: true }).inputValue()).toBe(today);
      await structure.getByLabel(/^Salaire brut mensuel/).fill('2000');
      expect(await submit(structure, 'Enregistrer le contrat')).toBe(303);
      expect(await main.textContent()).toContain("Contrat enregistré : l'ANCT va valider le recrutement.");
      expect(plain(await main.textContent())).toContain(`CDD du ${frDate(today)} au ${frDate(finContrat)}, 2 000,00 € brut par mois.`);
      await audit(structure, `${fichePath} (contrat saisi)`);

      // ——— 4. The ANCT validates the recruitment ———
      await visit(admin, '/admin/recrutements');
      const aValider = admin.locator('main table tbody tr', { hasText: `${CANDIDAT.prenom} ${CANDIDAT.nom}` });
      expect(await aValider.count()).toBe(1);
      expect(await aValider.textContent()).toContain(STRUCTURE);
      expect(plain(await aValider.textContent())).toContain(`CDD du ${frDate(today)} au ${frDate(finContrat)}, 2 000,00 €`);
      const conseillerHref = await aValider.getByRole('link', { name: `${CANDIDAT.prenom} ${CANDIDAT.nom}` }).getAttribute('href');
      expect(conseillerHref).toMatch(/^\/conseillers\/[0-9a-f-]{36}$/);
      expect(await submit(admin, 'Valider le recrutement', aValider)).toBe(303);
      expect(new URL(admin.url()).pathname).toBe('/admin/recrutements');
      expect(await admin.locator('main').textContent()).toContain('Recrutement validé : le conseiller a son accès à la structure.');
      expect(await admin.locator('main table tbody tr', { hasText: `${CANDIDAT.prenom} ${CANDIDAT.nom}` }).count()).toBe(0);
      await audit(admin, '/admin/recrutements (recrutement validé)');

      await visit(admin, '/conseillers', '/conseillers (admin)');
      const fiche = admin.locator('main table tbody tr', { has: admin.getByRole('link', { name: `${CANDIDAT.prenom} ${CANDIDAT.nom}`, exact: true }) });
      expect(await fiche.count()).toBe(1);
      expect(await fiche.textContent()).toContain(STRUCTURE);
      expect(await fiche.textContent()).toContain(`CDD depuis le ${frDate(today)}`);
      await Promise.all([admin.waitForURL((u) => u.pathname === conseillerHref), fiche.getByRole('link').click()]);
      await audit(admin, `${conseillerHref} (admin)`);
      expect(await admin.locator('h1').textContent()).toBe(`${CANDIDAT.prenom} ${CANDIDAT.nom}`);
      const contrat = await admin.locator('main table tbody').textContent();
      expect(contrat).toContain(`du ${frDate(today)} au ${frDate(finContrat)}`);
      expect(contrat).toContain('en cours');

      await visit(structure, fichePath, `${fichePath} (recrutement validé)`);
      expect(await structure.locator('main').textContent()).toContain('Contrat en cours');

      // ——— 5. The candidate, now a conseiller: a first activity, and none before the contract ———
      // The account is backdated a week, so that only the contract (not the account's creation) can refuse yesterday.
      const userId = conseillerHref!.split('/').pop()!;
      await env.t.database.query("update users set created_at = now() - interval '7 days' where id = $1", [userId]);
      oublierProfil(userId);
      const conseiller = await newPage();
      await loginWithForm(conseiller, CANDIDAT.email, CANDIDAT_PASSWORD);
      expect(new URL(conseiller.url()).pathname).toBe('/tableau-de-bord/conseiller');

      const saisir = async (date: string) => {
        await conseiller.goto('/activites/nouvelle');
        await conseiller.locator('#champ-date').fill(date);
        await conseiller.getByRole('radio', { name: 'Accompagnement individuel', exact: true }).check({ force: true });
        await conseiller.getByRole('checkbox', { name: 'E-mail', exact: true }).check({ force: true });
        return submit(conseiller, "Enregistrer l'activité");
      };
      expect(await saisir(today), 'activité du jour de la prise de fonction').toBe(303);
      expect(new URL(conseiller.url()).pathname).toBe('/activites/nouvelle');
      expect(await conseiller.locator('main').textContent()).toContain('Activité enregistrée.');
      await conseiller.goto('/activites');
      expect(await conseiller.locator('main table tbody tr').count()).toBe(1);
      expect(await conseiller.locator('main table tbody').textContent()).toContain(frDate(today));

      // The contract starts today: the day before is refused, with the reason next to the date.
      expect(await saisir(yesterday), 'activité de la veille de la prise de fonction').toBe(400);
      expect(await conseiller.locator('#champ-date').getAttribute('aria-invalid')).toBe('true');
      expect(await conseiller.locator('#champ-date-erreur').textContent()).toMatch(new RegExp(`(prise de fonction|contrat).*${frDate(today).replace(/\//g, '\\/')}`));
      await conseiller.goto('/activites');
      expect(await conseiller.locator('main table tbody tr').count()).toBe(1);
    },
    600_000,
  );
});
