/**
 * Agreements end to end: a committee's positive decision opens the agreement (amount from the regime,
 * bonification in a priority territory, at most 36 months), the structure signs the exact PDF, Banque
 * validates and pays within the committed amount (API contracts), posts follow contracts and
 * amendments, the renewal, the exports, and who may see what.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { createJobWorker } from '../platform/jobs/jobs.js';
import { databaseStorage } from '../platform/uploads/index.js';
import { auditLog } from '../audit/schema.js';
import { notifications } from '../notifications/schema.js';
import { parisCalendarDate } from '../platform/paris.js';
import type { Db } from '../platform/db.js';
import { SYSTEM_ACTOR, type Actor } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { withLuhnKey } from '../structures/siret.js';
import { deposerCandidature, donnerAvisPrefet, getDossier, type Dossier } from '../programme/dossiers.js';
import { validateCandidature } from '../programme/regles.js';
import { cloturerCoselec, creerCoselec, enregistrerDecision } from '../programme/coselec.js';
import { definirEnveloppe, postesDuTerritoire } from '../programme/postes.js';
import { demanderAvenant, avisAvenant, deciderAvenant } from '../programme/avenants.js';
import { candidats, contrats, misesEnRelation } from '../recrutement/schema.js';
import { conventions, documents } from './schema.js';
import { addDays, addMonths, finMaximale } from './regles.js';
import { calculer, conventionsDeStructure, demarrerReconventionnement, modifierDates, synchroniserStructure, type Convention } from './conventions.js';
import { creerRegime } from './regimes.js';
import { documentCourant, signer } from './documents.js';

let t: TestContext;
const db = (): Db => t.database.db;
const today = parisCalendarDate();
const ANCT: Actor = { userId: null, label: 'Alice Administratrice <admin@anct.test>' };
let banque = '';
let structureTok = '';
let prefet54 = '';

async function token(email: string): Promise<string> {
  const u = (await findUserByEmail(db(), email))!;
  return (await createApiToken(db(), SYSTEM_ACTOR, u.id, 'test')).token;
}

async function api(method: 'GET' | 'POST', url: string, tok: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${tok}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
}

const runJobs = () => createJobWorker({ database: t.database, registry: t.app.jobs }).runDue();

let seq = 0;
/** A structure of Moselle validated in committee with `postes` posts (its agreement opens by the job). */
async function valide(postes: number, opts: { zrr?: boolean; contactEmail?: string } = {}): Promise<Dossier> {
  seq++;
  const r = validateCandidature(
    {
      siret: withLuhnKey('777' + String(seq).padStart(10, '0')),
      type: 'commune',
      nom: `Commune conventionnée ${seq}`,
      adresse: `${seq} place de la Mairie`,
      communeInsee: '57463',
      codePostal: '57000',
      contactPrenom: 'Camille',
      contactNom: `Martin ${seq}`,
      contactFonction: 'Maire',
      contactEmail: opts.contactEmail ?? `maire-${seq}@commune.test`,
      contactTelephone: '03 87 00 00 00',
      postesSouhaites: postes,
      dateDebut: today,
      candidatIdentifie: false,
      motivation: 'Accompagner les habitants.',
      labelFranceServices: false,
      zrr: opts.zrr ?? false,
      qpv: false,
      engagement: true,
    },
    today,
  );
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const d = await deposerCandidature(db(), SYSTEM_ACTOR, r.value);
  await donnerAvisPrefet(db(), SYSTEM_ACTOR, d.id, 'favorable', 'Projet solide et bien porté.');
  const l = await postesDuTerritoire(db(), '57');
  await definirEnveloppe(db(), ANCT, '57', (l?.postesValides ?? 0) + postes + 10, { date: today });
  const c = await creerCoselec(db(), ANCT, today);
  await enregistrerDecision(db(), ANCT, c.id, d.id, { avis: 'POSITIF', postes, observation: null });
  await cloturerCoselec(db(), ANCT, c.id, { silencieux: true });
  await runJobs();
  return (await getDossier(db(), d.id))!;
}

const courante = async (structureId: string): Promise<Convention> => (await conventionsDeStructure(db(), structureId)).at(-1)!;

/** A validated contract in the structure, as recruitment records one (test setup). */
async function contrat(structureId: string, debut: string, fin: string | null = null, renouvelle: string | null = null) {
  seq++;
  const u = await createUser(db(), SYSTEM_ACTOR, { email: `cn-${seq}@test.fr`, firstName: 'Claude', lastName: `Conseiller ${seq}`, roles: [] });
  const [cand] = await db()
    .insert(candidats)
    .values({ userId: u.id, prenom: 'Claude', nom: `Conseiller ${seq}`, email: u.email, telephone: '0600000000', communeInsee: '57463', departement: '57', lat: 49.1, lng: 6.2, situations: ['diplome'], dateDisponibilite: debut, distanceMaxKm: 20, motivation: 'x', statut: 'recrute' })
    .returning();
  const [mer] = await db().insert(misesEnRelation).values({ candidatId: cand!.id, structureId, statut: 'finalisee', distanceM: 100 }).returning();
  const [k] = await db()
    .insert(contrats)
    .values({ miseEnRelationId: mer!.id, candidatId: cand!.id, userId: u.id, structureId, type: fin ? 'CDD' : 'CDI', dateDebut: debut, dateFin: fin, salaireCentimes: 200_000, statut: 'valide', renouvelle })
    .returning();
  return k!;
}

beforeAll(async () => {
  t = await createTestApp();
  await runJobs();
  banque = await token('banque@demo.test');
  structureTok = await token('structure@demo.test');
  const p = await createUser(db(), SYSTEM_ACTOR, { email: 'prefet54@test.fr', firstName: 'Paul', lastName: 'Préfet', roles: [{ role: 'prefecture', departement: '54', structureId: null }] });
  prefet54 = (await createApiToken(db(), SYSTEM_ACTOR, p.id, 'test')).token;
}, 180_000);
afterAll(async () => t.close());

describe('an agreement opened by the decision', () => {
  it('2 posts under the first regime: 100,000 €, ending no later than 36 months after it starts; 115,000 € in a priority territory', async () => {
    const d = await valide(2);
    const c = await courante(d.structureId);
    expect(c).toMatchObject({ statut: 'CONVENTIONNEMENT_EN_COURS', etat: 'en_construction', postes: 2, montantCentimes: 10_000_000, dateDebut: today, prioritaire: false });
    expect(c.dateFin <= finMaximale(c.dateDebut)).toBe(true);
    expect(c.dateFin > addMonths(c.dateDebut, 35)).toBe(true);
    const zrr = await courante((await valide(2, { zrr: true })).structureId);
    expect(zrr.montantCentimes).toBe(11_500_000);
  });

  it('the structure signs the exact PDF, Banque validates and pays; a payment over the committed amount is refused (API)', async () => {
    const d = await valide(2);
    const c = await courante(d.structureId);
    // Not signed yet: no validation.
    expect((await api('POST', `/api/v1/conventions/${c.id}/validation`, banque)).statusCode).toBe(409);
    const doc = (await documentCourant(db(), databaseStorage(db()), SYSTEM_ACTOR, c.id))!;
    expect(doc.nature).toBe('convention');
    await expect(signer(db(), SYSTEM_ACTOR, c.id, doc.id, { nom: 'Camille Martin', fonction: 'Maire', sha256: '0'.repeat(64), certifie: true })).rejects.toMatchObject({ status: 409, field: 'sha256' });
    await signer(db(), SYSTEM_ACTOR, c.id, doc.id, { nom: 'Camille Martin', fonction: 'Maire', sha256: doc.sha256, certifie: true });
    await expect(signer(db(), SYSTEM_ACTOR, c.id, doc.id, { nom: 'Camille Martin', fonction: 'Maire', sha256: doc.sha256, certifie: true })).rejects.toMatchObject({ status: 409 });
    // Paying before validation is refused.
    expect((await api('POST', `/api/v1/conventions/${c.id}/versements`, banque, { date: today, montant_centimes: 100, reference: 'AVANT' })).statusCode).toBe(409);
    const v = await api('POST', `/api/v1/conventions/${c.id}/validation`, banque);
    expect(v.statusCode).toBe(200);
    expect(v.json()).toMatchObject({ id: c.id, statut: 'CONVENTIONNEMENT_VALIDE', etat: 'accepte' });
    expect((await api('POST', `/api/v1/conventions/${c.id}/validation`, banque)).statusCode).toBe(409);
    // The structure may read, not validate or pay.
    expect((await api('POST', `/api/v1/conventions/${c.id}/validation`, structureTok)).statusCode).toBe(403);
    const p1 = await api('POST', `/api/v1/conventions/${c.id}/versements`, banque, { date: today, montant_centimes: 5_000_000, reference: 'VIR-2026-001' });
    expect(p1.statusCode).toBe(201);
    expect(p1.json().convention.verse_centimes).toBe(5_000_000);
    expect((await api('POST', `/api/v1/conventions/${c.id}/versements`, banque, { date: today, montant_centimes: 5_000_000, reference: 'VIR-2026-001' })).statusCode).toBe(409);
    expect((await api('POST', `/api/v1/conventions/${c.id}/versements`, banque, { date: today, montant_centimes: 5_000_000, reference: 'VIR-2026-002' })).statusCode).toBe(201);
    const over = await api('POST', `/api/v1/conventions/${c.id}/versements`, banque, { date: today, montant_centimes: 1, reference: 'VIR-2026-003' });
    expect(over.statusCode).toBe(409);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.json().invalid_params[0].name).toBe('montant_centimes');
    for (const bad of [{ date: today, montant_centimes: -5, reference: 'X' }, { date: today, montant_centimes: 10.5, reference: 'X' }, { date: '2026-02-30', montant_centimes: 1, reference: 'X' }, { date: today, montant_centimes: 1 }]) {
      const r = await api('POST', `/api/v1/conventions/${c.id}/versements`, banque, bad);
      expect(r.statusCode).toBe(400);
      expect(r.json().invalid_params.length).toBeGreaterThan(0);
    }
    // The structure's contact was told at each step (in the app, and by mail by default).
    const contact = (await findUserByEmail(db(), d.contactEmail))!;
    const kinds = (await db().select().from(notifications).where(eq(notifications.userId, contact.id))).map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['conventions.ouverte', 'conventions.validee', 'conventions.versement']));
    const list = await api('GET', `/api/v1/structures/${d.structureId}/conventions`, banque);
    expect(list.statusCode).toBe(200);
    expect(list.json()[0]).toMatchObject({ id: c.id, regime: 'Première enveloppe (France Relance)', statut: 'CONVENTIONNEMENT_VALIDE', postes: 2, montant_centimes: 10_000_000, date_debut: c.dateDebut, date_fin: c.dateFin, verse_centimes: 10_000_000, justifie_centimes: 0, a_reverser_centimes: 0 });
  });
});

describe('posts, one by one, from the contracts', () => {
  it('a post is occupied exactly while a contract holds it; justified follows the months occupied', async () => {
    const d = await valide(2);
    const c0 = await courante(d.structureId);
    // Start the agreement two years ago (Banque's dates), with a contract over the last 12 months only.
    const debut = addMonths(today, -24);
    await modifierDates(db(), SYSTEM_ACTOR, c0.id, debut, finMaximale(debut));
    const k = await contrat(d.structureId, addMonths(today, -12));
    await synchroniserStructure(db(), d.structureId, today);
    const postes = (await api('GET', `/api/v1/structures/${d.structureId}/postes`, banque)).json();
    expect(postes).toEqual([
      expect.objectContaining({ numero: 1, etat: 'occupe', depuis: k.dateDebut }),
      expect.objectContaining({ numero: 2, etat: 'vacant', depuis: debut }),
    ]);
    const c = await courante(d.structureId);
    // Post 1: occupied 12 months (and today's day) of 24 funded → about half of 50,000 €; post 2: nothing.
    expect(c.justifieCentimes).toBeGreaterThanOrEqual(2_500_000);
    expect(c.justifieCentimes).toBeLessThan(2_500_000 + 5_000_000 / 24 / 15);
    expect(c.alertes).toContain('poste_vacant');
    // The rupture frees the post the same day (recruitment's listener runs the job).
    await db().update(contrats).set({ statut: 'rompu', ruptureDate: today }).where(eq(contrats.id, k.id));
    await synchroniserStructure(db(), d.structureId, addMonths(today, 1));
    const after = (await api('GET', `/api/v1/structures/${d.structureId}/postes`, banque)).json();
    expect(after[0]).toMatchObject({ numero: 1, etat: 'vacant' });
  });

  it('an amendment that returns a post marks the highest vacant one returned; one that adds raises the amount (an addendum)', async () => {
    const d = await valide(3);
    await contrat(d.structureId, today);
    await synchroniserStructure(db(), d.structureId, today);
    const a = await demanderAvenant(db(), SYSTEM_ACTOR, d.id, { type: 'retrait', postes: '1', motif: 'difficultes_recrutement' });
    await avisAvenant(db(), SYSTEM_ACTOR, a.id, 'favorable', 'Le retrait est justifié par la situation.');
    await deciderAvenant(db(), ANCT, t.app.notifier, a.id, { postesAccordes: '1' });
    await runJobs();
    const c = await courante(d.structureId);
    const postes = (await api('GET', `/api/v1/structures/${d.structureId}/postes`, banque)).json();
    expect(postes.map((p: { numero: number; etat: string }) => [p.numero, p.etat])).toEqual([
      [1, 'occupe'],
      [2, 'vacant'],
      [3, 'rendu'],
    ]);
    expect(c.postes).toBe(2);
    expect(c.montantCentimes).toBeLessThan(15_000_000);
    const ajout = await demanderAvenant(db(), SYSTEM_ACTOR, d.id, { type: 'ajout', postes: '2', motif: 'Nouveaux besoins en zone rurale.' });
    await avisAvenant(db(), SYSTEM_ACTOR, ajout.id, 'favorable', 'Les besoins sont réels et documentés.');
    await deciderAvenant(db(), ANCT, t.app.notifier, ajout.id, { postesAccordes: '2' });
    await runJobs();
    const c2 = await courante(d.structureId);
    expect(c2.postes).toBe(4);
    expect(c2.montantCentimes).toBe(c.montantCentimes + 10_000_000);
    const changes = await db().select().from(auditLog).where(and(eq(auditLog.objectId, c.id), eq(auditLog.action, 'conventions.montant')));
    expect(changes.map((a) => [a.before, a.after])).toEqual([
      [{ montantCentimes: 15_000_000, postes: 3 }, { montantCentimes: c.montantCentimes, postes: 2 }],
      [{ montantCentimes: c.montantCentimes, postes: 2 }, { montantCentimes: c2.montantCentimes, postes: 4 }],
    ]);
  });
});

describe('renewal', () => {
  it('the structure carries over chosen contracts into a new agreement under the renewal regime', async () => {
    const d = await valide(2);
    const c = await courante(d.structureId);
    const k = await contrat(d.structureId, today);
    const autre = await contrat(d.structureId, today);
    await synchroniserStructure(db(), d.structureId, today);
    await db().update(conventions).set({ etat: 'accepte', statut: 'CONVENTIONNEMENT_VALIDE' }).where(eq(conventions.id, c.id));
    await expect(demarrerReconventionnement(db(), SYSTEM_ACTOR, c.id, [k.id])).rejects.toMatchObject({ status: 409, field: 'regime' });
    await creerRegime(db(), ANCT, { nom: 'Reconventionnement 2026', entreeDu: '2024-01-01', entreeAu: null, montantPosteCentimes: 4_000_000, moisFinances: 36, bonificationCentimes: 0, nature: 'reconventionnement' });
    await expect(demarrerReconventionnement(db(), SYSTEM_ACTOR, c.id, [randomUUID()])).rejects.toMatchObject({ status: 400 });
    const r = await demarrerReconventionnement(db(), SYSTEM_ACTOR, c.id, [k.id]);
    expect(r).toMatchObject({ statut: 'RECONVENTIONNEMENT_INITIE', etat: 'en_construction', postes: 1, montantCentimes: 4_000_000, precedenteId: c.id });
    await expect(demarrerReconventionnement(db(), SYSTEM_ACTOR, c.id, [k.id])).rejects.toMatchObject({ status: 409 });
    // Once it runs, its one post is held by the contract carried over; the other contract is not its business.
    const plusTard = addMonths(r.dateDebut, 1);
    const k2 = await calculer(db(), r, plusTard);
    expect(k2.postes).toEqual([expect.objectContaining({ numero: 1, etat: 'occupe' })]);
    expect(k2.postes[0]!.historique.at(-1)).toMatchObject({ etat: 'occupe', contratId: k.id });
    expect(k2.postes[0]!.historique.some((h) => h.contratId === autre.id)).toBe(false);
    expect(k2.alertes.filter((a) => a.type === 'contrat_sans_poste')).toEqual([]);
    // The first agreement no longer warns about its end: a renewal is under way.
    expect((await courante(d.structureId)).id).toBe(r.id);
    expect((await calculer(db(), c, addDays(c.dateFin, -30))).alertes.map((a) => a.type)).not.toContain('fin_sans_renouvellement');
  });
});

describe('who sees what', () => {
  it('a préfecture reads its département only; a structure only its own', async () => {
    const d = await valide(1);
    expect((await api('GET', `/api/v1/structures/${d.structureId}/conventions`, prefet54)).statusCode).toBe(404);
    expect((await api('GET', `/api/v1/structures/${d.structureId}/postes`, structureTok)).statusCode).toBe(404);
    const c = await courante(d.structureId);
    expect((await api('GET', `/api/v1/conventions/${c.id}`, prefet54)).statusCode).toBe(404);
    expect((await api('GET', `/api/v1/conventions/${c.id}`, banque)).statusCode).toBe(200);
  });

  it('the national table and its exports show names, labels and French dates', async () => {
    const client = new TestClient(t.app);
    await client.login('banque@demo.test');
    for (const par of ['region', 'departement', 'structure']) {
      const r = await client.get(`/conventions?par=${par}`);
      expect(r.statusCode).toBe(200);
      expect(r.body).toContain(par === 'region' ? 'Grand Est' : par === 'departement' ? '57 · Moselle' : 'Commune conventionnée');
    }
    const csv = await client.get('/conventions/export.csv?departement=57');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('N° de convention;Structure;SIRET');
    expect(csv.body).toContain('Conventionnement en cours');
    expect(csv.body).toMatch(/;100000,00;0,00;0,00;0,00;/);
    expect(csv.body).not.toMatch(/CONVENTIONNEMENT_|\d{4}-\d{2}-\d{2}|[0-9a-f]{8}-[0-9a-f]{4}-/);
    const xlsx = await client.get('/conventions/export.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const prefet = new TestClient(t.app);
    await prefet.login('prefecture57@demo.test');
    const r = await prefet.get('/conventions?par=structure');
    expect(r.statusCode).toBe(200);
    const s = new TestClient(t.app);
    await s.login('structure@demo.test');
    expect((await s.get('/conventions')).statusCode).toBe(403);
  });

  it('opening is audited with its amount; dates changes carry before and after', async () => {
    const d = await valide(1);
    const c = await courante(d.structureId);
    expect(await db().select().from(documents).where(eq(documents.conventionId, c.id))).toEqual([]);
    const [ouverte] = await db().select().from(auditLog).where(and(eq(auditLog.objectId, c.id), eq(auditLog.action, 'conventions.ouverte')));
    expect(ouverte).toMatchObject({ after: { montantCentimes: 5_000_000, postes: 1 } });
    const fin = addDays(c.dateFin, -1);
    await modifierDates(db(), SYSTEM_ACTOR, c.id, c.dateDebut, fin);
    const [dates] = await db().select().from(auditLog).where(and(eq(auditLog.objectId, c.id), eq(auditLog.action, 'conventions.dates')));
    expect(dates).toMatchObject({ before: { dateFin: c.dateFin }, after: { dateFin: fin } });
  });
});
