/**
 * Training end to end, as people use it: the provider records an entry assessment (140 h), enrols a
 * conseiller in two sessions and records 70 h (a form and the API); every role in scope reads
 * « 70 / 140 h », nobody outside the scope sees the record; bad input is named; a conseiller whose
 * contract started 5 months ago shows as late on the dashboards and in the export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { parisCalendarDate } from '../platform/paris.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { auditLog } from '../audit/schema.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { hashPassword } from '../comptes/passwords.js';
import { createApiToken } from '../comptes/tokens.js';
import { findStructureBySiret } from '../structures/structures.js';
import { DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';
import { candidats, contrats, equipeMembres, misesEnRelation } from '../recrutement/schema.js';
import { synchroniserStructures } from '../recrutement/recrutement.js';
import { Appariement } from '../recrutement/matching.js';
import { creerOrganisme } from './formation.js';
import { personnels, sessions } from './schema.js';
import { addMonths } from './regles.js';
import { relancerRetards } from './jobs.js';
import { createMailer, listOutbox } from '../platform/mail.js';

let t: TestContext;
const PASSWORD = 'Une phrase de passe solide pour 2027';
const today = parisCalendarDate();
const db = () => t.database.db;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replace(/\u202f|\u00a0/g, ' ');

let metzId = '';
let nancyId = '';
let leaId = '';
const sessionsIds: string[] = [];
const clients = new Map<string, TestClient>();
const tokens = new Map<string, string>();

async function account(email: string, role: string, scope: { departement?: string; structureId?: string } = {}) {
  const u = await createUser(db(), SYSTEM_ACTOR, { email, firstName: 'Test', lastName: email.split('@')[0]!, passwordHash: await hashPassword(PASSWORD), roles: [{ role: role as never, departement: scope.departement ?? null, structureId: scope.structureId ?? null }] });
  return u;
}

async function client(email: string, password = PASSWORD): Promise<TestClient> {
  const c = new TestClient(t.app);
  await c.login(email, password);
  return c;
}

async function token(email: string): Promise<string> {
  const u = (await findUserByEmail(db(), email))!;
  return (await createApiToken(db(), SYSTEM_ACTOR, u.id, 'test')).token;
}

function api(method: 'GET' | 'POST', url: string, tok: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${tok}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
}

/** A conseiller under a validated contract in the structure, as recruitment records one (test setup). */
async function conseillerSousContrat(email: string, structureId: string, debut: string) {
  const u = await account(email, 'conseiller', { structureId });
  const [cand] = await db()
    .insert(candidats)
    .values({ userId: u.id, prenom: 'Léa', nom: 'Lambert', email: u.email, telephone: '0600000000', communeInsee: '57463', departement: '57', lat: 49.1, lng: 6.2, situations: ['diplome'], dateDisponibilite: debut, distanceMaxKm: 20, motivation: 'x', statut: 'recrute' })
    .returning();
  const [mer] = await db().insert(misesEnRelation).values({ candidatId: cand!.id, structureId, statut: 'finalisee', distanceM: 100 }).returning();
  await db().insert(contrats).values({ miseEnRelationId: mer!.id, candidatId: cand!.id, userId: u.id, structureId, type: 'CDI', dateDebut: debut, salaireCentimes: 200_000, statut: 'valide' });
  return u;
}

beforeAll(async () => {
  t = await createTestApp();
  await synchroniserStructures(db(), new Appariement(), today);
  const idOf = async (key: string) => (await findStructureBySiret(db(), demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === key))))!.id;
  metzId = await idOf('metz');
  nancyId = await idOf('nancy');
  // Léa: recruited at Ville de Metz five months ago, in the demo coordinator's team.
  leaId = (await conseillerSousContrat('lea@formation.test', metzId, addMonths(today, -5))).id;
  const karim = (await findUserByEmail(db(), 'coordinateur@demo.test'))!;
  await db().insert(equipeMembres).values({ coordinateurId: karim.id, conseillerId: leaId, debut: addMonths(today, -5) });
  // Outside the scope: a préfecture of the 54, Nancy's manager, another provider's staff.
  await account('prefet54@formation.test', 'prefecture', { departement: '54' });
  await account('nancy@formation.test', 'structure', { structureId: nancyId });
  const autre = await creerOrganisme(db(), SYSTEM_ACTOR, { nom: 'Autre organisme', tauxHoraireCentimes: 3_000 });
  const autreStaff = await account('autre@formation.test', 'organisme_formation');
  await db().insert(personnels).values({ organismeId: autre.id, userId: autreStaff.id });
  for (const e of ['admin@demo.test', 'banque@demo.test', 'prefecture57@demo.test', 'structure@demo.test', 'coordinateur@demo.test', 'organisme@demo.test', 'conseiller@demo.test', 'candidat@demo.test']) {
    clients.set(e, await client(e, 'demo-conseiller-numerique'));
    tokens.set(e, await token(e));
  }
  for (const e of ['lea@formation.test', 'prefet54@formation.test', 'nancy@formation.test', 'autre@formation.test']) {
    clients.set(e, await client(e));
    tokens.set(e, await token(e));
  }
}, 240_000);
afterAll(async () => t.close());

describe('the provider records the path, the sessions and the attendance', () => {
  it('records the entry assessment: Pix level 2 gives a 140-hour path', async () => {
    const c = clients.get('organisme@demo.test')!;
    await c.get('/tableau-de-bord/organisme_formation');
    const bad = await c.post('/formation/positionnements', { email: 'personne@nulle.part', niveau: '4', competence1: '2', competence2: '2', competence3: '2', date: '2999-01-01' });
    expect(bad.statusCode).toBe(400);
    for (const f of ['email', 'niveau', 'date']) expect(bad.body, f).toContain(`id="champ-${f}-erreur"`);
    expect(text(bad.body)).toContain('ne peut pas être dans le futur');
    const ok = await c.post('/formation/positionnements', { email: 'lea@formation.test', niveau: '2', competence1: '2', competence2: '1', competence3: '2', date: today });
    expect([ok.statusCode, ok.headers.location]).toEqual([303, `/formation/conseillers/${leaId}`]);
    const page = await c.get(`/formation/conseillers/${leaId}`);
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain('Parcours initial : 0 / 140 h');
    // The way back is the provider's dashboard (the compliance dashboard is not theirs).
    expect(page.body).toContain('class="fr-breadcrumb__link" href="/tableau-de-bord/organisme_formation"');
  });

  it('adjusts the path only within 70–315 h and with a reason, audited', async () => {
    const c = clients.get('organisme@demo.test')!;
    await c.get(`/formation/conseillers/${leaId}`);
    const bad = await c.post(`/formation/conseillers/${leaId}/ajustement`, { heures: '400', motif: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="champ-heures-erreur"');
    expect(bad.body).toContain('id="champ-motif-erreur"');
    expect((await c.post(`/formation/conseillers/${leaId}/ajustement`, { heures: '175', motif: 'Besoin de renfort sur les ateliers' })).statusCode).toBe(303);
    expect((await c.post(`/formation/conseillers/${leaId}/ajustement`, { heures: '140', motif: 'Retour au barème après entretien' })).statusCode).toBe(303);
    const audits = await db().select().from(auditLog).where(eq(auditLog.action, 'formation.parcours_ajuste'));
    expect(audits.map((a) => a.summary)).toEqual(expect.arrayContaining(['Parcours ajusté de 140 h à 175 h : Besoin de renfort sur les ateliers', 'Parcours ajusté de 175 h à 140 h : Retour au barème après entretien']));
    expect(audits.find((a) => a.summary.includes('175 h à 140 h'))!.before).toEqual({ heures: 175, motif: 'Besoin de renfort sur les ateliers' });
  });

  it('publishes two sessions and enrols the conseiller, not beyond capacity nor twice', async () => {
    const c = clients.get('organisme@demo.test')!;
    await c.get('/tableau-de-bord/organisme_formation');
    const bad = await c.post('/formation/sessions', { titre: '', debut: today, fin: addMonths(today, -1), heures: '0', capacite: '0' });
    expect(bad.statusCode).toBe(400);
    for (const f of ['titre', 'fin', 'heures', 'capacite', 'lieu']) expect(bad.body, f).toContain(`id="champ-${f}-erreur"`);
    for (const titre of ['Accueillir les publics', 'Animer un atelier']) {
      const res = await c.post('/formation/sessions', { titre, debut: today, fin: today, heures: '35', lieu: 'Metz', capacite: titre === 'Animer un atelier' ? '1' : '12' });
      expect(res.statusCode).toBe(303);
      sessionsIds.push(/\/formation\/sessions\/([0-9a-f-]{36})$/.exec(res.headers.location as string)![1]!);
    }
    for (const id of sessionsIds) {
      await c.get(`/formation/sessions/${id}`);
      expect((await c.post(`/formation/sessions/${id}/inscriptions`, { email: 'lea@formation.test' })).statusCode).toBe(303);
    }
    const twice = await c.post(`/formation/sessions/${sessionsIds[0]}/inscriptions`, { email: 'lea@formation.test' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('id="champ-email-erreur"');
    const full = await c.post(`/formation/sessions/${sessionsIds[1]}/inscriptions`, { email: 'conseiller@demo.test' });
    expect(full.statusCode).toBe(409);
    expect(text(full.body)).toContain('La session est complète (1 places)');
    const unknown = await c.post(`/formation/sessions/${sessionsIds[0]}/inscriptions`, { email: 'candidat@demo.test' });
    expect(unknown.statusCode).toBe(400);
  });

  it('records attendance by the form and by the API, refusing hours over the length or a conseiller not enrolled', async () => {
    const c = clients.get('organisme@demo.test')!;
    await c.get(`/formation/sessions/${sessionsIds[0]}`);
    const over = await c.post(`/formation/sessions/${sessionsIds[0]}/presences`, { conseiller_id: leaId, heures: '36' });
    expect(over.statusCode).toBe(400);
    expect(text(over.body)).toContain('La session dure 35 h');
    expect((await c.post(`/formation/sessions/${sessionsIds[0]}/presences`, { conseiller_id: leaId, heures: '35' })).statusCode).toBe(303);

    const tok = tokens.get('organisme@demo.test')!;
    const url = `/api/v1/sessions-formation/${sessionsIds[1]}/presences`;
    const overApi = await api('POST', url, tok, { conseiller_id: leaId, heures: 40 });
    expect(overApi.statusCode).toBe(400);
    expect(overApi.headers['content-type']).toContain('application/problem+json');
    expect(overApi.json().invalid_params).toEqual([{ name: 'heures', reason: expect.stringContaining('35 h') }]);
    const camille = (await findUserByEmail(db(), 'conseiller@demo.test'))!;
    const notEnrolled = await api('POST', url, tok, { conseiller_id: camille.id, heures: 7 });
    expect(notEnrolled.statusCode).toBe(400);
    expect(notEnrolled.json().invalid_params).toEqual([{ name: 'conseiller_id', reason: "Ce conseiller n'est pas inscrit à cette session." }]);
    const missing = await api('POST', url, tok, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().invalid_params.map((p: { name: string }) => p.name).sort()).toEqual(['conseiller_id', 'heures']);
    // Only the session's provider: another provider's staff do not see it, a conseiller may not record.
    expect((await api('POST', url, tokens.get('autre@formation.test')!, { conseiller_id: leaId, heures: 35 })).statusCode).toBe(404);
    expect((await api('POST', url, tokens.get('lea@formation.test')!, { conseiller_id: leaId, heures: 35 })).statusCode).toBe(403);
    const ok = await api('POST', url, tok, { conseiller_id: leaId, heures: 35 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ session_id: sessionsIds[1], conseiller_id: leaId, heures: 35, formation: { heures_requises: 140, heures_realisees: 70 } });
  });
});

describe('« 70 / 140 h » for every role in scope, nothing for anyone outside', () => {
  const inScope = ['admin@demo.test', 'banque@demo.test', 'prefecture57@demo.test', 'structure@demo.test', 'coordinateur@demo.test', 'organisme@demo.test'];
  const outside = ['prefet54@formation.test', 'nancy@formation.test', 'autre@formation.test', 'conseiller@demo.test'];

  it('the record page and the API agree for every role in scope', async () => {
    for (const e of inScope) {
      const page = await clients.get(e)!.get(`/formation/conseillers/${leaId}`);
      expect(page.statusCode, e).toBe(200);
      expect(text(page.body), e).toContain('Parcours initial : 70 / 140 h');
      const res = await api('GET', `/api/v1/conseillers/${leaId}/formation`, tokens.get(e)!);
      expect(res.statusCode, e).toBe(200);
      expect(res.json(), e).toMatchObject({ heures_requises: 140, heures_realisees: 70, ccp1: null, module_annuel: { annee: Number(today.slice(0, 4)) } });
    }
  });

  it('the conseiller reads their own, as « moi »', async () => {
    const page = await clients.get('lea@formation.test')!.get('/formation/moi');
    expect(text(page.body)).toContain('Parcours initial : 70 / 140 h');
    const res = await api('GET', '/api/v1/conseillers/moi/formation', tokens.get('lea@formation.test')!);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ heures_requises: 140, heures_realisees: 70, statut_parcours: 'en_retard', pix: { niveau_positionnement: 2, score_certification: null } });
  });

  it('nobody outside the scope sees it: 404 on the page and the API, 403 for a role without training', async () => {
    for (const e of outside) {
      const page = await clients.get(e)!.get(`/formation/conseillers/${leaId}`);
      expect(page.statusCode, e).toBe(404);
      expect(page.body, e).not.toContain('70 / 140 h');
      const res = await api('GET', `/api/v1/conseillers/${leaId}/formation`, tokens.get(e)!);
      expect(res.statusCode, e).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await clients.get('candidat@demo.test')!.get(`/formation/conseillers/${leaId}`)).statusCode).toBe(403);
    expect((await api('GET', `/api/v1/conseillers/${leaId}/formation`, tokens.get('candidat@demo.test')!)).statusCode).toBe(403);
    // Another provider's staff may not adjust the path either.
    const autre = clients.get('autre@formation.test')!;
    expect((await autre.post(`/formation/conseillers/${leaId}/ajustement`, { heures: '70', motif: 'x' })).statusCode).toBe(404);
  });
});

describe('the compliance dashboard', () => {
  it('shows the conseiller who started 5 months ago with an incomplete path as late, for ANCT and the structure, and in the exports', async () => {
    for (const e of ['admin@demo.test', 'structure@demo.test', 'prefecture57@demo.test', 'coordinateur@demo.test', 'banque@demo.test']) {
      const page = await clients.get(e)!.get('/formation/suivi?statut=en_retard');
      expect(page.statusCode, e).toBe(200);
      const row = text(page.body).split('Léa Lambert')[1] ?? '';
      expect(row.slice(0, 200), e).toMatch(/^ Ville de Metz Moselle \(57\) .* 70 \/ 140 h En retard/);
    }
    const csv = await clients.get('admin@demo.test')!.get('/formation/suivi/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const line = csv.body.split('\n').find((l) => l.startsWith('Léa Lambert'))!;
    expect(line.split(';').map((c) => c.replace(/^"|"$/g, ''))).toEqual(['Léa Lambert', 'Ville de Metz', 'Moselle (57)', expect.stringMatching(/^\d{1,2} \S+ \d{4}$/), '140', '70', 'En retard', 'Non', expect.any(String)]);
    expect(csv.body).not.toContain(leaId);
    const xlsx = await clients.get('structure@demo.test')!.get('/formation/suivi/export.xlsx?statut=en_retard');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('lists nobody outside the scope', async () => {
    for (const e of ['prefet54@formation.test', 'nancy@formation.test']) {
      const page = await clients.get(e)!.get('/formation/suivi');
      expect(page.statusCode, e).toBe(200);
      expect(page.body, e).not.toContain('Léa Lambert');
      expect(page.body, e).not.toContain('Camille');
      const csv = await clients.get(e)!.get('/formation/suivi/export.csv');
      expect(csv.body, e).not.toContain('Lambert');
    }
    expect((await clients.get('conseiller@demo.test')!.get('/formation/suivi')).statusCode).toBe(403);
    expect((await clients.get('organisme@demo.test')!.get('/formation/suivi')).statusCode).toBe(403);
  });

  it('filters by status: a path in progress is not late', async () => {
    const page = await clients.get('admin@demo.test')!.get('/formation/suivi?statut=termine');
    expect(text(page.body)).not.toContain('Léa Lambert');
    expect(text(page.body)).toContain('Sarah Weber');
  });
});

describe('reminders', () => {
  it('mail a late conseiller and their structure once, then not again for 30 days', async () => {
    const mailer = createMailer({ from: 'test@formation.test', db: db() });
    const n = await relancerRetards(db(), mailer, 'https://cn.test', today);
    expect(n).toBeGreaterThanOrEqual(1);
    const mine = await listOutbox(db(), 10, 'lea@formation.test');
    expect(mine.map((m) => m.subject)).toEqual(['Votre formation initiale est en retard']);
    expect(mine[0]!.text).toContain('Vous avez réalisé 70 h sur 140 h.');
    expect(mine[0]!.text).toContain('https://cn.test/formation/moi');
    const manager = await listOutbox(db(), 50, 'structure@demo.test');
    expect(manager.map((m) => m.subject)).toContain('Formation en retard : Léa Lambert');
    // Nancy's manager hears nothing of a Metz conseiller.
    expect((await listOutbox(db(), 50, 'nancy@formation.test')).length).toBe(0);
    expect(await relancerRetards(db(), mailer, 'https://cn.test', today)).toBe(0);
    expect((await listOutbox(db(), 10, 'lea@formation.test')).length).toBe(1);
  });
});

describe('certification', () => {
  it('the provider records CCP1 and Pix; a date in the future is refused next to its field', async () => {
    const c = clients.get('organisme@demo.test')!;
    await c.get(`/formation/conseillers/${leaId}`);
    const future = await c.post(`/formation/conseillers/${leaId}/certification`, { ccp1_resultat: 'obtenu', ccp1_date: '2999-01-01', pix_score: '480', pix_date: today });
    expect(future.statusCode).toBe(400);
    expect(future.body).toContain('id="champ-ccp1_date-erreur"');
    expect(text(future.body)).toContain('La date ne peut pas être dans le futur.');
    expect((await c.post(`/formation/conseillers/${leaId}/certification`, { ccp1_resultat: 'obtenu', ccp1_date: today, pix_score: '480', pix_date: today, ccp2_resultat: 'reporte', ccp2_date: today })).statusCode).toBe(303);
    const page = text((await clients.get('structure@demo.test')!.get(`/formation/conseillers/${leaId}`)).body);
    expect(page).toContain("CCP1 du titre « Responsable d'espace de médiation numérique » : Obtenu");
    expect(page).toContain('Certification Pix : 480 pix');
    expect(page).toContain('CCP2 (facultatif) : Reporté');
    const res = await api('GET', `/api/v1/conseillers/${leaId}/formation`, tokens.get('prefecture57@demo.test')!);
    expect(res.json()).toMatchObject({ ccp1: { resultat: 'obtenu', date: today }, pix: { score_certification: 480, date_certification: today }, certifie: true });
    // Another provider may not record it.
    expect((await clients.get('autre@formation.test')!.post(`/formation/conseillers/${leaId}/certification`, { ccp1_resultat: 'obtenu', ccp1_date: today })).statusCode).toBe(404);
  });
});

describe('the annual module', () => {
  let moduleId = '';
  it('ANCT publishes a module of 7 or 14 hours only', async () => {
    const admin = clients.get('admin@demo.test')!;
    const page = await admin.get('/formation/catalogue');
    const organismeId = /<option value="([0-9a-f-]{36})"[^>]*>Institut de la médiation numérique du Grand Est/.exec(page.body)![1]!;
    const bad = await admin.post('/formation/catalogue/modules', { annee: today.slice(0, 4), titre: 'Ateliers photo', heures: '10', organisme_id: organismeId });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="champ-heures-erreur"');
    expect((await admin.post('/formation/catalogue/modules', { annee: today.slice(0, 4), titre: 'Ateliers photo', heures: '7', organisme_id: organismeId })).statusCode).toBe(303);
    const after = await admin.get('/formation/catalogue');
    expect(text(after.body)).toContain('Ateliers photo 7 h Institut de la médiation numérique du Grand Est');
  });

  it('the conseiller chooses it, the provider records its completion, everyone reads the status', async () => {
    const lea = clients.get('lea@formation.test')!;
    const page = await lea.get('/formation/catalogue');
    moduleId = new RegExp(`id="module-([0-9a-f-]{36})" name="module_id" value="[^"]+"[^>]*/?>\\s*<label[^>]*>Ateliers photo`).exec(page.body)?.[1] ?? '';
    expect(moduleId).not.toBe('');
    expect((await lea.post('/formation/catalogue/choix', {})).statusCode).toBe(400);
    expect((await lea.post('/formation/catalogue/choix', { module_id: moduleId })).statusCode).toBe(303);
    expect((await api('GET', '/api/v1/conseillers/moi/formation', tokens.get('lea@formation.test')!)).json().module_annuel.statut).toBe('choisi');
    const staff = clients.get('organisme@demo.test')!;
    const m = await staff.get(`/formation/modules/${moduleId}`);
    expect(text(m.body)).toContain('Test lea');
    expect((await staff.post(`/formation/modules/${moduleId}/realisations`, { conseiller_id: leaId, date: today })).statusCode).toBe(303);
    expect((await api('GET', `/api/v1/conseillers/${leaId}/formation`, tokens.get('admin@demo.test')!)).json().module_annuel).toEqual({ annee: Number(today.slice(0, 4)), statut: 'realise' });
    expect((await lea.post('/formation/catalogue/choix', { module_id: moduleId })).statusCode).toBe(409);
    expect((await clients.get('autre@formation.test')!.get(`/formation/modules/${moduleId}`)).statusCode).toBe(404);
  });

  it('conseillers propose and vote for next year’s topics; the votes are shown; nobody else votes', async () => {
    const lea = clients.get('lea@formation.test')!;
    await lea.get('/formation/catalogue');
    expect((await lea.post('/formation/catalogue/propositions', { sujet: '' })).statusCode).toBe(400);
    expect((await lea.post('/formation/catalogue/propositions', { sujet: 'Les jeux vidéo et les seniors' })).statusCode).toBe(303);
    const page = await lea.get('/formation/catalogue');
    const id = /Le numérique et la parentalité<\/td>[\s\S]*?propositions\/([0-9a-f-]{36})\/vote/.exec(page.body)?.[1];
    expect(id).toBeDefined();
    expect((await lea.post(`/formation/catalogue/propositions/${id}/vote`)).statusCode).toBe(303);
    const after = text((await clients.get('admin@demo.test')!.get('/formation/catalogue')).body);
    expect(after).toContain('Le numérique et la parentalité 2');
    expect(after).toContain('Les jeux vidéo et les seniors 1');
    const admin = clients.get('admin@demo.test')!;
    expect((await admin.post(`/formation/catalogue/propositions/${id}/vote`)).statusCode).toBe(403);
    expect((await clients.get('structure@demo.test')!.get('/formation/catalogue')).statusCode).toBe(403);
  });
});

describe('costs for Banque des Territoires', () => {
  it('hours done × the provider’s hourly rate, in euros', async () => {
    const page = text((await clients.get('banque@demo.test')!.get('/formation/couts')).body);
    // 70 h attended with the demo provider (its rate: 25,00 € an hour).
    expect(page).toContain('Léa Lambert Ville de Metz Institut de la médiation numérique du Grand Est 70 h 1 750,00 €');
    const csv = await clients.get('banque@demo.test')!.get('/formation/couts/export.csv');
    expect(csv.body).toContain('1750,00');
    expect((await clients.get('structure@demo.test')!.get('/formation/couts')).statusCode).toBe(403);
  });

  it('ANCT configures the levels → hours table within 70–315 h', async () => {
    const admin = clients.get('admin@demo.test')!;
    await admin.get('/formation/bareme');
    const bad = await admin.post('/formation/bareme', { niveau1: '400', niveau2: '140', niveau3: '70' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="champ-niveau1-erreur"');
    expect((await admin.post('/formation/bareme', { niveau1: '300', niveau2: '140', niveau3: '70' })).statusCode).toBe(303);
    expect(text((await clients.get('organisme@demo.test')!.get('/tableau-de-bord/organisme_formation')).body)).toContain('Niveau 1 : parcours de 300 h');
  });
});

describe('providers and self-enrolment', () => {
  it('ANCT creates a provider and invites its staff: a new account by mail, or the role added to an existing one', async () => {
    const admin = clients.get('admin@demo.test')!;
    await admin.get('/formation/organismes');
    const bad = await admin.post('/formation/organismes', { nom: '', taux: 'vingt' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="champ-nom-erreur"');
    expect(bad.body).toContain('id="champ-taux-erreur"');
    const ok = await admin.post('/formation/organismes', { nom: 'Formations de Lorraine', taux: '30,50' });
    expect(ok.statusCode).toBe(303);
    const url = ok.headers.location as string;
    const page = await admin.get(url);
    expect(text(page.body)).toContain("Taux horaire de la convention : 30,50 € de l'heure.");
    expect((await admin.post(`${url}/personnels`, { email: 'pas-une-adresse', prenom: '', nom: 'X' })).statusCode).toBe(400);
    expect((await admin.post(`${url}/personnels`, { email: 'formatrice@lorraine.test', prenom: 'Fanny', nom: 'Formatrice' })).statusCode).toBe(303);
    const [mail] = await listOutbox(db(), 1, 'formatrice@lorraine.test');
    expect(mail!.subject).toBe('Votre compte Conseiller numérique');
    expect(mail!.text).toContain('/mot-de-passe/nouveau?jeton=');
    // An existing account gets the role and the provider's dashboard, and still nothing of Léa's record.
    expect((await admin.post(`${url}/personnels`, { email: 'nancy@formation.test', prenom: 'N', nom: 'N' })).statusCode).toBe(303);
    const nancy = await client('nancy@formation.test');
    const dash = await nancy.get('/tableau-de-bord/organisme_formation');
    expect(dash.statusCode).toBe(200);
    expect(text(dash.body)).toContain('Formations de Lorraine');
    expect((await nancy.get(`/formation/conseillers/${leaId}`)).statusCode).toBe(404);
    expect(text((await admin.get(url)).body)).toContain('Fanny Formatrice (formatrice@lorraine.test)');
  });

  it('a conseiller enrols in an upcoming session from their page, once', async () => {
    const lea = clients.get('lea@formation.test')!;
    const page = await lea.get('/formation/moi');
    const id = /action="\/formation\/sessions\/([0-9a-f-]{36})\/inscription"(?:(?!<\/form>)[\s\S])*?à « Parcours court : les démarches en ligne »/.exec(page.body)?.[1];
    expect(id).toBeDefined();
    const res = await lea.post(`/formation/sessions/${id}/inscription`);
    expect([res.statusCode, res.headers.location]).toEqual([303, '/formation/moi']);
    const after = text((await lea.get('/formation/moi')).body);
    expect(after).toContain('Parcours court : les démarches en ligne Institut de la médiation numérique du Grand Est');
    expect(after).toContain('Inscrit·e');
    const again = await lea.post(`/formation/sessions/${id}/inscription`);
    expect(again.statusCode).toBe(303);
    expect(text((await lea.get('/formation/moi')).body)).toContain('Ce conseiller est déjà inscrit à cette session.');
    // The provider sees the enrolment; the hours done do not change until it records attendance.
    expect((await api('GET', '/api/v1/conseillers/moi/formation', tokens.get('lea@formation.test')!)).json().heures_realisees).toBe(70);
    // A session already over is not open to enrolment.
    const [passee] = (await db().select().from(sessions)).filter((x) => x.fin < today);
    expect((await lea.post(`/formation/sessions/${passee!.id}/inscription`)).statusCode).toBe(303);
    expect(text((await lea.get('/formation/moi')).body)).toContain('est terminée : choisissez une session à venir.');
  });
});

describe('the provider’s dashboard, the modules’ sessions, the OpenAPI document', () => {
  it('the provider lists the conseillers it trains with their progress, and nobody else', async () => {
    const page = text((await clients.get('organisme@demo.test')!.get('/tableau-de-bord/organisme_formation')).body);
    expect(page).toContain('Léa Lambert Ville de Metz 70 / 140 h En retard');
    expect(page).toContain('Camille Conseillère Ville de Metz 70 / 140 h');
    const autre = text((await clients.get('autre@formation.test')!.get('/tableau-de-bord/organisme_formation')).body);
    expect(autre).not.toContain('Léa Lambert');
    expect(autre).toContain('Aucun conseiller pour le moment');
  });

  it('the catalogue lists the modules’ sessions, and a conseiller enrols in one', async () => {
    const lea = clients.get('lea@formation.test')!;
    const page = await lea.get('/formation/catalogue');
    expect(text(page.body)).toContain('Module : Cybersécurité : repérer et déjouer les arnaques en ligne Institut de la médiation numérique du Grand Est');
    const id = /action="\/formation\/sessions\/([0-9a-f-]{36})\/inscription"(?:(?!<\/form>)[\s\S])*?à « Module : Cybersécurité/.exec(page.body)?.[1];
    expect(id).toBeDefined();
    expect((await lea.post(`/formation/sessions/${id}/inscription`)).statusCode).toBe(303);
    expect(text((await lea.get('/formation/moi')).body)).toContain('Module : Cybersécurité : repérer et déjouer les arnaques en ligne (module annuel)');
  });

  it('documents both routes with their real schemas', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const get = doc.paths['/api/v1/conseillers/{id}/formation'].get;
    expect(get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Formation' });
    expect(doc.components.schemas.Formation.required).toEqual(['heures_requises', 'heures_realisees', 'ccp1', 'pix', 'module_annuel']);
    expect(doc.components.schemas.Formation.properties.module_annuel.required).toEqual(['annee', 'statut']);
    const post = doc.paths['/api/v1/sessions-formation/{id}/presences'].post;
    expect(post.requestBody.content['application/json'].schema.required).toEqual(['conseiller_id', 'heures']);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '404']));
  });
});
