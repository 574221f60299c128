/**
 * The programme's use cases against a real database (PGlite by default, PostgreSQL with
 * TEST_DATABASE_URL): applications, the préfet's opinion, committees, envelopes, amendments, and the
 * scope of the lists. The concurrency tests need two connection pools: PostgreSQL only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { structuresRecrutement } from '../recrutement/schema.js';
import { createTestApp, peerDatabase, type TestContext } from '../platform/testing.js';
import { createJobWorker, type JobWorker } from '../platform/jobs/jobs.js';
import { jobs } from '../platform/jobs/schema.js';
import { listOutbox } from '../platform/mail.js';
import { mailOutbox } from '../platform/mail-schema.js';
import { parisCalendarDate } from '../platform/paris.js';
import type { Db } from '../platform/db.js';
import type { Principal, RoleGrant } from '../platform/access.js';
import { listAudit, SYSTEM_ACTOR, type Actor } from '../audit/audit.js';
import { createUser, findUserByEmail, listGrants, type User } from '../comptes/users.js';
import { listNotifications } from '../notifications/notifications.js';
import { notifications } from '../notifications/schema.js';
import { findStructureBySiret } from '../structures/structures.js';
import { withLuhnKey } from '../structures/siret.js';
import { avenants, coselecs, decisions, dossiers, evenements, territoiresPostes, vagues } from './schema.js';
import { validateCandidature, type Candidature, type CandidatureInput } from './regles.js';
import {
  changerStatut,
  countDossiers,
  DEPOT_JOB,
  deposerCandidature,
  donnerAvisPrefet,
  DossierExistantError,
  getDossier,
  historique,
  listDossiers,
  marquerPrioritaire,
  ProgrammeError,
  type Dossier,
} from './dossiers.js';
import { agendaPossible, cloturerCoselec, creerCoselec, decisionsDe, enregistrerDecision, getCoselec, retirerDecision } from './coselec.js';
import { definirEnveloppe, EnveloppeDepasseeError, postesDuTerritoire, tableauPostes, vaguesDe } from './postes.js';
import { avenantsDe, avisAvenant, deciderAvenant, demanderAvenant, getAvenant } from './avenants.js';
import { dossierScope, territoiresVisibles } from './policy.js';

let t: TestContext;
let worker: JobWorker;
const db = (): Db => t.database.db;
const notifier = () => t.app.notifier;

const ANCT: Actor = { userId: null, label: 'Alice Administratrice <admin@anct.test>' };
const PREFET: Actor = { userId: null, label: 'Paul Préfet <prefet57@test.fr>' };

const METZ = { communeInsee: '57463', codePostal: '57000' };
const NANCY = { communeInsee: '54395', codePostal: '54000' };
const THIONVILLE = { communeInsee: '57672', codePostal: '57100' };
type Lieu = typeof METZ;

let seq = 0;
let prefecture57: User;
let prefecture54: User;

/** A valid application, with a new SIRET and a new contact each time. */
function candidature(lieu: Lieu = METZ, over: Partial<CandidatureInput> = {}): Candidature {
  seq += 1;
  const today = parisCalendarDate();
  const r = validateCandidature(
    {
      siret: withLuhnKey('888' + String(seq).padStart(10, '0')),
      type: 'commune',
      nom: `Structure de test ${seq}`,
      adresse: `${seq} rue de la République`,
      ...lieu,
      contactPrenom: 'Camille',
      contactNom: `Martin ${seq}`,
      contactFonction: 'Directrice générale des services',
      contactEmail: `contact-${seq}@structure.test`,
      contactTelephone: '03 87 00 00 00',
      postesSouhaites: 2,
      dateDebut: today,
      candidatIdentifie: false,
      motivation: 'Accompagner les habitants dans leurs démarches en ligne.',
      labelFranceServices: false,
      zrr: false,
      qpv: false,
      engagement: true,
      ...over,
    },
    today,
  );
  if (!r.ok) throw new Error(`candidature de test invalide : ${JSON.stringify(r.errors)}`);
  return r.value;
}

const deposer = (lieu: Lieu = METZ, over: Partial<CandidatureInput> = {}) => deposerCandidature(db(), SYSTEM_ACTOR, candidature(lieu, over));

/** A new file with the préfet's favourable opinion, ready for a committee. */
async function instruit(lieu: Lieu = METZ, database: Db = db()): Promise<Dossier> {
  const d = await deposerCandidature(database, SYSTEM_ACTOR, candidature(lieu));
  return donnerAvisPrefet(database, PREFET, d.id, 'favorable', 'Projet solide et bien porté par la commune.');
}

async function enveloppes(e: Record<string, number>): Promise<void> {
  for (const [code, postes] of Object.entries(e)) await definirEnveloppe(db(), ANCT, code, postes, { date: parisCalendarDate() });
}

async function comite(lignes: [Dossier, 'POSITIF' | 'NEGATIF' | 'EXAMEN_COMPLEMENTAIRE', number][]) {
  const c = await creerCoselec(db(), ANCT, parisCalendarDate());
  for (const [d, avis, postes] of lignes) await enregistrerDecision(db(), ANCT, c.id, d.id, { avis, postes, observation: null });
  return c;
}

/** A file validated by a committee with this many posts. */
async function valide(postes: number, lieu: Lieu = METZ): Promise<Dossier> {
  const d = await instruit(lieu);
  const c = await comite([[d, 'POSITIF', postes]]);
  await cloturerCoselec(db(), ANCT, c.id);
  return (await getDossier(db(), d.id))!;
}

/** A conseiller in post in the structure: a post held in recruitment (its projection of the structure, as a recruitment would leave it). */
async function embaucher(d: Dossier): Promise<User> {
  seq += 1;
  const u = await createUser(db(), SYSTEM_ACTOR, { email: `conseiller-${seq}@test.fr`, firstName: 'Claude', lastName: `Conseiller ${seq}`, roles: [{ role: 'conseiller', departement: null, structureId: d.structureId }] });
  await db()
    .insert(structuresRecrutement)
    .values({ structureId: d.structureId, nom: d.nom, communeInsee: d.communeInsee, departement: d.departement, lat: 49.12, lng: 6.18, postes: d.postesValides, occupes: 1, dateDebut: d.dateDebut })
    .onConflictDoUpdate({ target: structuresRecrutement.structureId, set: { occupes: sql`${structuresRecrutement.occupes} + 1` } });
  return u;
}

async function avenantPret(d: Dossier, input: { type: string; postes: unknown; motif?: string }) {
  const a = await demanderAvenant(db(), SYSTEM_ACTOR, d.id, { motif: 'Un besoin expliqué par la structure.', ...input });
  return avisAvenant(db(), PREFET, a.id, 'favorable', 'Demande cohérente avec le territoire.');
}

async function rejet(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('une erreur était attendue');
}

async function programmeError(p: Promise<unknown>, status: number, field?: string): Promise<ProgrammeError> {
  const e = await rejet(p);
  expect(e).toBeInstanceOf(ProgrammeError);
  const pe = e as ProgrammeError;
  expect(pe.status).toBe(status);
  if (field) expect(pe.field).toBe(field);
  return pe;
}

const principal = (...roles: RoleGrant[]): Principal => ({ id: randomUUID(), email: 'personne@test.fr', firstName: 'Pat', lastName: 'Test', roles });
const postes = async (code: string) => (await postesDuTerritoire(db(), code))!;
const contactDe = async (d: Dossier) => (await findUserByEmail(db(), d.contactEmail))!;

async function reset(): Promise<void> {
  for (const table of [avenants, decisions, coselecs, evenements, dossiers, territoiresPostes, vagues, jobs, mailOutbox, notifications]) await db().delete(table);
}

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  worker = createJobWorker({ database: t.database, registry: t.app.jobs });
  prefecture57 = await createUser(db(), SYSTEM_ACTOR, { email: 'pref57@test.fr', firstName: 'Paul', lastName: 'Moselle', passwordHash: 'x', roles: [{ role: 'prefecture', departement: '57', structureId: null }] });
  prefecture54 = await createUser(db(), SYSTEM_ACTOR, { email: 'pref54@test.fr', firstName: 'Pia', lastName: 'Meurthe', passwordHash: 'x', roles: [{ role: 'prefecture', departement: '54', structureId: null }] });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(reset);

describe('deposerCandidature', () => {
  it('creates the structure, the file (CREEE, numbered in sequence, with its event) and an invited account', async () => {
    const c = candidature(METZ, { postesSouhaites: 3 });
    const d = await deposerCandidature(db(), SYSTEM_ACTOR, c);
    expect(d).toMatchObject({ statut: 'CREEE', siret: c.siret, departement: '57', region: '44', communeInsee: '57463', postesSouhaites: 3, postesValides: 0, avisPrefet: null, prioritaire: false });
    expect(d.engagementLe).toBeInstanceOf(Date);

    const s = await findStructureBySiret(db(), c.siret);
    expect(s).toMatchObject({ id: d.structureId, nom: c.nom, communeInsee: '57463', codePostal: '57000', departement: '57' });

    const events = await historique(db(), d.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'depot', acteur: 'système', resume: expect.stringContaining('3 postes souhaités') });

    const contact = await contactDe(d);
    expect(contact).toMatchObject({ firstName: 'Camille', lastName: c.contactNom, passwordHash: null, active: true });
    expect(await listGrants(db(), contact.id)).toEqual([expect.objectContaining({ role: 'structure', structureId: d.structureId, departement: null })]);

    const [audit] = await listAudit(db(), { action: 'programme.candidature_deposee' });
    expect(audit).toMatchObject({ objectId: d.id, summary: expect.stringContaining(`n° ${d.numero}`) });

    const d2 = await deposer(THIONVILLE);
    const d3 = await deposer(NANCY);
    expect([d2.numero, d3.numero]).toEqual([d.numero + 1, d.numero + 2]);
  });

  it('enqueues a job in its transaction that mails the confirmation and the invitation', async () => {
    const d = await deposer();
    const queued = await db().select().from(jobs).where(eq(jobs.kind, DEPOT_JOB));
    expect(queued).toHaveLength(1);
    expect(queued[0]!.payload).toEqual({ dossierId: d.id, invite: true });
    expect(await listOutbox(db(), 50, d.contactEmail)).toHaveLength(0); // nothing is sent inside the use case

    expect(await worker.runDue()).toBe(1);
    const mails = await listOutbox(db(), 50, d.contactEmail);
    expect(mails).toHaveLength(2);
    const confirmation = mails.find((m) => m.subject === `Candidature n° ${d.numero} reçue — Conseiller numérique`);
    expect(confirmation?.text).toContain(`Son numéro de dossier est ${d.numero}.`);
    expect(confirmation?.text).toContain('choisir votre mot de passe');
    const invitation = mails.find((m) => m.subject === 'Votre compte Conseiller numérique');
    expect(invitation?.text).toMatch(/\/mot-de-passe\/nouveau\?jeton=\S+/);
    expect(await worker.runDue()).toBe(0);
  });

  it('gives an existing account the structure role and sends no invitation when it has a password', async () => {
    seq += 1;
    const email = `deja-inscrite-${seq}@structure.test`;
    const known = await createUser(db(), SYSTEM_ACTOR, { email, firstName: 'Dominique', lastName: 'Déjà', passwordHash: 'hash', roles: [] });
    const d = await deposer(METZ, { contactEmail: email.toUpperCase() });
    expect(await listGrants(db(), known.id)).toEqual([expect.objectContaining({ role: 'structure', structureId: d.structureId })]);
    const [job] = await db().select().from(jobs).where(eq(jobs.kind, DEPOT_JOB));
    expect(job!.payload).toEqual({ dossierId: d.id, invite: false });
    await worker.runDue();
    const mails = await listOutbox(db(), 50, email);
    expect(mails.map((m) => m.subject)).toEqual([`Candidature n° ${d.numero} reçue — Conseiller numérique`]);
    expect(mails[0]!.text).toContain(`/structures/${d.structureId}/dossier`);
  });

  it('refuses a second application with the same SIRET, naming the existing file, and changes nothing', async () => {
    const c = candidature(METZ);
    const d = await deposerCandidature(db(), SYSTEM_ACTOR, c);
    const before = await countDossiers(db(), { all: true, departements: [], structureIds: [], validesNational: false });
    const e = await rejet(deposerCandidature(db(), SYSTEM_ACTOR, { ...candidature(THIONVILLE), siret: c.siret }));
    expect(e).toBeInstanceOf(DossierExistantError);
    expect(e).toMatchObject({ numero: d.numero, structureId: d.structureId });
    expect(await countDossiers(db(), { all: true, departements: [], structureIds: [], validesNational: false })).toEqual(before);
    expect(await db().select().from(jobs).where(eq(jobs.kind, DEPOT_JOB))).toHaveLength(1);
  });
});

describe('donnerAvisPrefet', () => {
  it('records the opinion, and a new one replaces it (both stay in the timeline)', async () => {
    const d = await deposer();
    const a1 = await donnerAvisPrefet(db(), PREFET, d.id, 'favorable', 'Projet solide et bien porté.');
    expect(a1).toMatchObject({ avisPrefet: 'favorable', avisCommentaire: 'Projet solide et bien porté.', avisPar: 'Paul Préfet', statut: 'CREEE' });
    const a2 = await donnerAvisPrefet(db(), PREFET, d.id, 'defavorable', 'Besoin déjà couvert par un autre lieu.');
    expect(a2).toMatchObject({ avisPrefet: 'defavorable', avisCommentaire: 'Besoin déjà couvert par un autre lieu.' });
    expect((await getDossier(db(), d.id))!.avisPrefet).toBe('defavorable');
    const avis = (await historique(db(), d.id)).filter((e) => e.type === 'avis_prefet');
    expect(avis).toHaveLength(2);
    expect(avis[1]).toMatchObject({ resume: expect.stringContaining('remplacé'), donnees: expect.objectContaining({ avis: 'defavorable', precedent: 'favorable' }) });
    const [audit] = await listAudit(db(), { action: 'programme.avis_prefet' });
    expect(audit).toMatchObject({ objectId: d.id, before: { avis: 'favorable', commentaire: 'Projet solide et bien porté.' }, after: { avis: 'defavorable' } });
  });

  it('is refused on a validated file, and on an unknown one', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const d = await valide(2);
    expect(d.statut).toBe('VALIDATION_COSELEC');
    const e = await programmeError(donnerAvisPrefet(db(), PREFET, d.id, 'defavorable', 'Je change d’avis après coup.'), 409, 'avis');
    expect(e.message).toContain('Validée en comité de sélection');
    expect((await getDossier(db(), d.id))!.avisPrefet).toBe('favorable');
    await programmeError(donnerAvisPrefet(db(), PREFET, randomUUID(), 'favorable', 'Dossier inexistant.'), 404);
    await programmeError(donnerAvisPrefet(db(), PREFET, 'pas-un-uuid', 'favorable', 'Dossier inexistant.'), 404);
  });
});

describe('committees', () => {
  it('refuse a decision on a file without the préfet’s opinion', async () => {
    const d = await deposer();
    const c = await creerCoselec(db(), ANCT, parisCalendarDate());
    const e = await programmeError(enregistrerDecision(db(), ANCT, c.id, d.id, { avis: 'POSITIF', postes: 1, observation: null }), 409, 'structure_id');
    expect(e.message).toContain("n'a pas encore donné son avis");
    expect(await decisionsDe(db(), c.id)).toEqual([]);
  });

  it('replace a decision on the same file, and take it off the agenda', async () => {
    const d = await instruit();
    const c = await creerCoselec(db(), ANCT, parisCalendarDate());
    await enregistrerDecision(db(), ANCT, c.id, d.id, { avis: 'POSITIF', postes: 2, observation: null });
    await enregistrerDecision(db(), ANCT, c.id, d.id, { avis: 'NEGATIF', postes: 2, observation: 'Dossier incomplet' });
    const lignes = await decisionsDe(db(), c.id);
    expect(lignes).toHaveLength(1);
    expect(lignes[0]!.decision).toMatchObject({ avis: 'NEGATIF', postes: 0, observation: 'Dossier incomplet', effectiveLe: null });
    expect(await retirerDecision(db(), ANCT, c.id, d.id)).toBe(true);
    expect(await retirerDecision(db(), ANCT, c.id, d.id)).toBe(false);
    await programmeError(cloturerCoselec(db(), ANCT, c.id), 409, 'coselec'); // nothing to close
  });

  it('apply every decision at once when closing, and notify the structures and préfectures', async () => {
    await enveloppes({ '57': 5, '54': 1, FR: 100 });
    const positif = await instruit(METZ);
    const negatif = await instruit(THIONVILLE);
    const examen = await instruit(METZ);
    const nancy = await instruit(NANCY);
    const c = await comite([
      [positif, 'POSITIF', 2],
      [negatif, 'NEGATIF', 0],
      [examen, 'EXAMEN_COMPLEMENTAIRE', 0],
      [nancy, 'POSITIF', 1],
    ]);
    // Nothing is in force before the committee closes.
    expect((await getDossier(db(), positif.id))!).toMatchObject({ statut: 'CREEE', postesValides: 0 });
    expect((await postes('57')).postesValides).toBe(0);

    const r = await cloturerCoselec(db(), ANCT, c.id);
    expect(r.decisions).toBe(4);
    expect(r.coselec).toMatchObject({ statut: 'cloture', cloturePar: 'Alice Administratrice', derogation: null });
    expect(r.coselec.clotureLe).toBeInstanceOf(Date);

    expect(await getDossier(db(), positif.id)).toMatchObject({ statut: 'VALIDATION_COSELEC', postesValides: 2 });
    expect(await getDossier(db(), negatif.id)).toMatchObject({ statut: 'REFUS_COSELEC', postesValides: 0 });
    expect(await getDossier(db(), examen.id)).toMatchObject({ statut: 'EXAMEN_COMPLEMENTAIRE_COSELEC', postesValides: 0 });
    expect(await getDossier(db(), nancy.id)).toMatchObject({ statut: 'VALIDATION_COSELEC', postesValides: 1 });
    expect(await postes('57')).toMatchObject({ enveloppe: 5, postesValides: 2, structuresValidees: 1, dossiersEnAttente: 1, postesVacants: 2 });
    expect(await postes('54')).toMatchObject({ enveloppe: 1, postesValides: 1, structuresValidees: 1 });
    expect(await postes('FR')).toMatchObject({ enveloppe: 100, postesValides: 3 });
    for (const l of await decisionsDe(db(), c.id)) expect(l.decision.effectiveLe).toBeInstanceOf(Date);

    const decision = (await historique(db(), positif.id)).find((e) => e.type === 'decision');
    expect(decision).toMatchObject({ resume: expect.stringContaining('2 postes accordés'), donnees: expect.objectContaining({ coselec: c.numero, avis: 'POSITIF', statut: 'VALIDATION_COSELEC' }) });
    const [audit] = await listAudit(db(), { action: 'programme.coselec_cloture' });
    expect(audit).toMatchObject({ objectId: c.id, summary: expect.stringContaining('4 décisions') });

    // The structure's (invited) account is notified of its decision, and only of its own, by a job the closing enqueued.
    expect(await listNotifications(db(), (await contactDe(positif)).id)).toHaveLength(0);
    await worker.runDue();
    const toutes = await listNotifications(db(), (await contactDe(positif)).id);
    // Besides its decision, its agreement opened (src/conventions follows the posts): that one is the agreements' to test.
    expect(toutes.map((n) => n.kind).sort()).toEqual(['conventions.ouverte', 'programme.decision']);
    const notes = toutes.filter((n) => n.kind.startsWith('programme.'));
    expect(notes[0]).toMatchObject({ kind: 'programme.decision', title: `Candidature n° ${positif.numero} : décision du comité de sélection`, link: `/structures/${positif.structureId}/dossier` });
    expect(notes[0]!.body).toContain('2 postes de conseiller numérique accordés');
    const refus = await listNotifications(db(), (await contactDe(negatif)).id);
    expect(refus.map((n) => [n.kind, n.body.includes('négatif')])).toEqual([['programme.decision', true]]);
    // Each préfecture hears about its own département.
    const p57 = await listNotifications(db(), prefecture57.id);
    expect(p57.map((n) => n.kind)).toEqual(['programme.coselec_prefecture']);
    expect(p57[0]!.data).toMatchObject({ coselec: c.numero, dossiers: 3, positifs: 1, postes: 2 });
    const p54 = await listNotifications(db(), prefecture54.id);
    expect(p54[0]!.data).toMatchObject({ dossiers: 1, positifs: 1, postes: 1 });
  });

  it('refuse any change once closed', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const d = await instruit();
    const other = await instruit(THIONVILLE);
    const c = await comite([[d, 'POSITIF', 1]]);
    await cloturerCoselec(db(), ANCT, c.id);
    const e = await programmeError(enregistrerDecision(db(), ANCT, c.id, other.id, { avis: 'POSITIF', postes: 1, observation: null }), 409, 'coselec');
    expect(e.message).toContain('est clos');
    await programmeError(retirerDecision(db(), ANCT, c.id, d.id), 409, 'coselec');
    await programmeError(cloturerCoselec(db(), ANCT, c.id), 409, 'coselec');
    expect(await decisionsDe(db(), c.id)).toHaveLength(1);
    // A validated file cannot go before another committee.
    const c2 = await creerCoselec(db(), ANCT, parisCalendarDate());
    expect(c2.numero).toBe(c.numero + 1);
    await programmeError(enregistrerDecision(db(), ANCT, c2.id, d.id, { avis: 'NEGATIF', postes: 0, observation: null }), 409, 'structure_id');
  });

  it('refuse to close over an envelope, listing the files, and leave nothing changed', async () => {
    await enveloppes({ '57': 3, '54': 5, FR: 100 });
    const a = await instruit(METZ);
    const b = await instruit(THIONVILLE);
    const nancy = await instruit(NANCY);
    const refus = await instruit(METZ);
    const c = await comite([
      [a, 'POSITIF', 2],
      [b, 'POSITIF', 2],
      [nancy, 'POSITIF', 1],
      [refus, 'NEGATIF', 0],
    ]);
    const e = await rejet(cloturerCoselec(db(), ANCT, c.id));
    expect(e).toBeInstanceOf(EnveloppeDepasseeError);
    const over = (e as EnveloppeDepasseeError).depassements;
    expect(over).toHaveLength(1);
    expect(over[0]).toMatchObject({ code: '57', enveloppe: 3, avant: 0, apres: 4, libelle: 'Moselle (57)' });
    expect(over[0]!.dossiers.map((x) => [x.numero, x.postes]).sort()).toEqual(
      [
        [a.numero, 2],
        [b.numero, 2],
      ].sort(),
    );
    expect((e as Error).message).toContain(`n° ${a.numero}`);
    expect((e as Error).message).toContain(`n° ${b.numero}`);
    expect((e as Error).message).not.toContain(`n° ${nancy.numero}`);

    // Nothing changed: statuses, posts, counts, the committee, the timelines, the notifications.
    for (const d of [a, b, nancy, refus]) expect(await getDossier(db(), d.id)).toMatchObject({ statut: 'CREEE', postesValides: 0 });
    expect((await postes('57')).postesValides).toBe(0);
    expect((await postes('54')).postesValides).toBe(0);
    expect((await postes('FR')).postesValides).toBe(0);
    expect((await getCoselec(db(), c.id))!).toMatchObject({ statut: 'ouvert', clotureLe: null, derogation: null });
    for (const l of await decisionsDe(db(), c.id)) expect(l.decision.effectiveLe).toBeNull();
    expect((await historique(db(), a.id)).some((x) => x.type === 'decision')).toBe(false);
    expect(await db().select().from(notifications)).toEqual([]);
    for (const action of ['programme.coselec_cloture', 'programme.coselec_cloture_derogation']) {
      expect((await listAudit(db(), { action, limit: 500 })).filter((x) => x.objectId === c.id)).toEqual([]);
    }

    // A blank derogation is no derogation; an overlong one is refused before anything.
    expect(await rejet(cloturerCoselec(db(), ANCT, c.id, { derogation: '   ' }))).toBeInstanceOf(EnveloppeDepasseeError);
    await programmeError(cloturerCoselec(db(), ANCT, c.id, { derogation: 'x'.repeat(1001) }), 400, 'derogation');

    // With a written derogation it closes, above the envelope, and the audit says why.
    const r = await cloturerCoselec(db(), ANCT, c.id, { derogation: '  Arbitrage du ministre du 3 mars  ' });
    expect(r.coselec).toMatchObject({ statut: 'cloture', derogation: 'Arbitrage du ministre du 3 mars' });
    expect((await postes('57')).postesValides).toBe(4);
    expect(await getDossier(db(), b.id)).toMatchObject({ statut: 'VALIDATION_COSELEC', postesValides: 2 });
    const [audit] = await listAudit(db(), { action: 'programme.coselec_cloture_derogation' });
    expect(audit).toMatchObject({ objectId: c.id, summary: expect.stringContaining('Arbitrage du ministre du 3 mars') });
    expect(audit!.after).toMatchObject({ derogation: 'Arbitrage du ministre du 3 mars', depassements: [expect.objectContaining({ code: '57', apres: 4 })] });
  });

  it('check the national envelope and the envelope of a département that has none', async () => {
    await enveloppes({ '57': 10, FR: 2 });
    const a = await instruit(METZ);
    const c = await comite([[a, 'POSITIF', 3]]);
    const e = (await rejet(cloturerCoselec(db(), ANCT, c.id))) as EnveloppeDepasseeError;
    expect(e).toBeInstanceOf(EnveloppeDepasseeError);
    expect(e.depassements.map((d) => [d.code, d.libelle, d.enveloppe, d.apres])).toEqual([['FR', 'Enveloppe nationale', 2, 3]]);
    expect(e.depassements[0]!.dossiers.map((x) => x.numero)).toEqual([a.numero]);

    const nancy = await instruit(NANCY);
    const c2 = await comite([[nancy, 'POSITIF', 1]]);
    const e2 = (await rejet(cloturerCoselec(db(), ANCT, c2.id))) as EnveloppeDepasseeError;
    expect(e2.depassements.map((d) => [d.code, d.enveloppe, d.apres])).toEqual([['54', 0, 1]]);
  });

  it('refuse to close when a file on the agenda left instruction meanwhile', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const a = await instruit(METZ);
    const gone = await instruit(THIONVILLE);
    const c = await comite([
      [a, 'POSITIF', 1],
      [gone, 'POSITIF', 1],
    ]);
    await changerStatut(db(), SYSTEM_ACTOR, gone.id, 'ABANDON', { motif: 'La commune renonce.' });
    const e = await programmeError(cloturerCoselec(db(), ANCT, c.id), 409, 'coselec');
    expect(e.message).toContain(`n° ${gone.numero}`);
    expect(await getDossier(db(), a.id)).toMatchObject({ statut: 'CREEE', postesValides: 0 });
    expect((await getCoselec(db(), c.id))!.statut).toBe('ouvert');
  });

  it('let a file in complementary examination get a new opinion and a new decision', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const d = await instruit();
    await cloturerCoselec(db(), ANCT, (await comite([[d, 'EXAMEN_COMPLEMENTAIRE', 0]])).id);
    const avis = await donnerAvisPrefet(db(), PREFET, d.id, 'favorable', 'Avis complété après examen.');
    expect(avis).toMatchObject({ statut: 'EXAMEN_COMPLEMENTAIRE_COSELEC', avisCommentaire: 'Avis complété après examen.' });
    await cloturerCoselec(db(), ANCT, (await comite([[d, 'POSITIF', 2]])).id);
    expect(await getDossier(db(), d.id)).toMatchObject({ statut: 'VALIDATION_COSELEC', postesValides: 2 });
    expect((await postes('57')).postesValides).toBe(2);
  });
});

describe('definirEnveloppe', () => {
  it('sets an envelope by waves, never below the posts granted', async () => {
    await enveloppes({ '57': 4, FR: 100 });
    await valide(3);
    const e = await programmeError(definirEnveloppe(db(), ANCT, '57', 2, { date: parisCalendarDate() }), 409, 'postes');
    expect(e.message).toContain('3 postes sont déjà accordés');
    expect((await postes('57')).enveloppe).toBe(4);
    expect(await definirEnveloppe(db(), ANCT, '57', 3, { date: parisCalendarDate(), libelle: 'Vague 2' })).toEqual({ enveloppe: 3, postesValides: 3 });
    expect((await vaguesDe(db(), '57')).map((v) => v.postes).sort()).toEqual([3, 4]);
    await programmeError(definirEnveloppe(db(), ANCT, 'FR', 2, { date: parisCalendarDate() }), 409, 'postes');
    await programmeError(definirEnveloppe(db(), ANCT, '999', 10, { date: parisCalendarDate() }), 404, 'code');
    await programmeError(definirEnveloppe(db(), ANCT, '57', -1, { date: parisCalendarDate() }), 400, 'postes');
    await programmeError(definirEnveloppe(db(), ANCT, '57', 2.5, { date: parisCalendarDate() }), 400, 'postes');
  });
});

describe('amendments', () => {
  it('add posts within the envelope, one request at a time', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const d = await valide(2);
    const a = await demanderAvenant(db(), SYSTEM_ACTOR, d.id, { type: 'ajout', postes: '2', motif: 'Deux quartiers de plus.' });
    expect(a).toMatchObject({ statut: 'en_cours', type: 'ajout', postesDemandes: 2, postesAvant: 2 });
    const second = await programmeError(demanderAvenant(db(), SYSTEM_ACTOR, d.id, { type: 'retrait', postes: 1, motif: 'Finalement non.' }), 409, 'statut');
    expect(second.message).toContain('déjà en cours');
    await programmeError(deciderAvenant(db(), ANCT, notifier(), a.id, { postesAccordes: 2 }), 409, 'avenant'); // no opinion yet
    await avisAvenant(db(), PREFET, a.id, 'favorable', 'Besoin confirmé sur le terrain.');
    await programmeError(deciderAvenant(db(), ANCT, notifier(), a.id, { postesAccordes: 3 }), 400, 'postes_accordes'); // more than asked
    const r = await deciderAvenant(db(), ANCT, notifier(), a.id, { postesAccordes: 2 });
    expect(r.avenant).toMatchObject({ statut: 'validee', postesAccordes: 2, decidePar: 'Alice Administratrice' });
    expect(r.dossier).toMatchObject({ statut: 'VALIDATION_COSELEC', postesValides: 4 });
    expect(await postes('57')).toMatchObject({ postesValides: 4 });
    expect((await postes('FR')).postesValides).toBe(4);
    await programmeError(deciderAvenant(db(), ANCT, notifier(), a.id, { postesAccordes: 1 }), 409, 'avenant'); // already decided
    const notes = await listNotifications(db(), (await contactDe(d)).id);
    expect(notes.map((n) => n.kind)).toContain('programme.avenant');

    // The next request may now be made; beyond the envelope it is refused at decision time and stays open.
    const b = await avenantPret(d, { type: 'ajout', postes: 2 });
    expect(await rejet(deciderAvenant(db(), ANCT, notifier(), b.id, { postesAccordes: 2 }))).toBeInstanceOf(EnveloppeDepasseeError);
    expect(await getAvenant(db(), b.id)).toMatchObject({ statut: 'en_cours' });
    expect((await getDossier(db(), d.id))!.postesValides).toBe(4);
    expect((await postes('57')).postesValides).toBe(4);
    // Part of it fits exactly.
    const partial = await deciderAvenant(db(), ANCT, notifier(), b.id, { postesAccordes: 1 });
    expect(partial.dossier.postesValides).toBe(5);
    expect((await postes('57')).postesValides).toBe(5);
    expect((await avenantsDe(db(), d.id)).map((x) => x.statut).sort()).toEqual(['validee', 'validee']);
  });

  it('refuse a request with a reason, leaving the posts as they are', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const d = await valide(2);
    const a = await avenantPret(d, { type: 'ajout', postes: 1 });
    await programmeError(deciderAvenant(db(), ANCT, notifier(), a.id, { refus: '  ' }), 400, 'refus');
    const r = await deciderAvenant(db(), ANCT, notifier(), a.id, { refus: 'Enveloppe réservée aux nouveaux territoires.' });
    expect(r.avenant).toMatchObject({ statut: 'refusee', refus: 'Enveloppe réservée aux nouveaux territoires.', postesAccordes: 0 });
    expect((await getDossier(db(), d.id))!.postesValides).toBe(2);
  });

  it('return at most the posts in force minus the conseillers in post, at request and at decision', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const d = await valide(2);
    await embaucher(d);
    const e = await programmeError(demanderAvenant(db(), SYSTEM_ACTOR, d.id, { type: 'retrait', postes: 2, motif: 'recrutement' }), 400, 'postes');
    expect(e.message).toContain('au plus 1 poste');
    const a = await avenantPret(d, { type: 'retrait', postes: 1 });
    await embaucher(d); // a second conseiller is recruited before the decision
    await programmeError(deciderAvenant(db(), ANCT, notifier(), a.id, { postesAccordes: 1 }), 409, 'postes_accordes');
    expect(await getAvenant(db(), a.id)).toMatchObject({ statut: 'en_cours' });
    expect(await getDossier(db(), d.id)).toMatchObject({ statut: 'VALIDATION_COSELEC', postesValides: 2 });
  });

  it('a withdrawal down to 0 posts makes the file ABANDON and lowers the territory’s count', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const d = await valide(2);
    const other = await valide(1, THIONVILLE);
    expect((await postes('57')).postesValides).toBe(3);
    // A file with posts in force is not abandoned directly.
    await programmeError(changerStatut(db(), SYSTEM_ACTOR, d.id, 'ABANDON', { motif: '' }), 409, 'statut');
    const a = await avenantPret(d, { type: 'retrait', postes: 2, motif: 'Fin de la subvention.' });
    const r = await deciderAvenant(db(), ANCT, notifier(), a.id, { postesAccordes: 2 });
    expect(r.dossier).toMatchObject({ statut: 'ABANDON', postesValides: 0 });
    expect(await postes('57')).toMatchObject({ postesValides: 1, structuresValidees: 1 });
    expect((await postes('FR')).postesValides).toBe(1);
    expect((await getDossier(db(), other.id))!.postesValides).toBe(1);
    const types = (await historique(db(), d.id)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['avenant_decision', 'statut']);
    // The file is over: no more amendments.
    await programmeError(demanderAvenant(db(), SYSTEM_ACTOR, d.id, { type: 'ajout', postes: 1, motif: 'Reprise.' }), 409, 'statut');
    // The posts returned no longer hold the envelope up.
    await enveloppes({ '57': 1 });
    expect((await postes('57')).enveloppe).toBe(1);
  });

  it('concern validated files only; a coordinator request is 1 post, full or part time', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const nouveau = await instruit();
    await programmeError(demanderAvenant(db(), SYSTEM_ACTOR, nouveau.id, { type: 'ajout', postes: 1, motif: 'Trop tôt.' }), 409, 'statut');
    const d = await valide(1);
    await programmeError(demanderAvenant(db(), SYSTEM_ACTOR, d.id, { type: 'coordinateur', postes: '', motif: 'Animer le réseau.' }), 400, 'temps');
    await programmeError(demanderAvenant(db(), SYSTEM_ACTOR, d.id, { type: 'coordinateur', postes: 2, motif: 'Animer le réseau.', temps: 'plein' }), 400, 'postes');
    const a = await demanderAvenant(db(), SYSTEM_ACTOR, d.id, { type: 'coordinateur', postes: '', motif: 'Animer le réseau.', temps: 'partiel' });
    expect(a).toMatchObject({ type: 'coordinateur', postesDemandes: 1, tempsCoordinateur: 'partiel' });
    await avisAvenant(db(), PREFET, a.id, 'favorable', 'Un coordinateur est utile ici.');
    const r = await deciderAvenant(db(), ANCT, notifier(), a.id, { postesAccordes: 1 });
    expect(r.dossier.postesValides).toBe(2);
    expect((await postes('57')).postesValides).toBe(2);
  });
});

describe('statuses a person sets, priority, agenda, search', () => {
  it('cancel a file, or merge it into its original (recorded on both timelines); a closed file stays closed', async () => {
    const original = await deposer(METZ);
    const doublon = await deposer(METZ);
    const annule = await deposer(THIONVILLE);
    await programmeError(changerStatut(db(), ANCT, doublon.id, 'DOUBLON', { motif: '' }), 400, 'doublon_de');
    await programmeError(changerStatut(db(), ANCT, doublon.id, 'DOUBLON', { motif: '', doublonDeNumero: doublon.numero }), 400, 'doublon_de');
    await programmeError(changerStatut(db(), ANCT, doublon.id, 'DOUBLON', { motif: '', doublonDeNumero: 999_999 }), 400, 'doublon_de');
    const d = await changerStatut(db(), ANCT, doublon.id, 'DOUBLON', { motif: 'Même commune, deux envois.', doublonDeNumero: original.numero });
    expect(d).toMatchObject({ statut: 'DOUBLON', doublonDe: original.id });
    expect((await historique(db(), original.id)).at(-1)).toMatchObject({ type: 'doublon', resume: expect.stringContaining(`n° ${doublon.numero}`) });
    expect((await historique(db(), doublon.id)).at(-1)!.resume).toContain('Même commune, deux envois.');
    await programmeError(changerStatut(db(), ANCT, annule.id, 'DOUBLON', { motif: '', doublonDeNumero: doublon.numero }), 400, 'doublon_de'); // onto a closed file
    expect((await changerStatut(db(), ANCT, annule.id, 'ANNULEE', { motif: '' })).statut).toBe('ANNULEE');
    await programmeError(changerStatut(db(), ANCT, annule.id, 'ABANDON', { motif: '' }), 409, 'statut');
    await programmeError(donnerAvisPrefet(db(), PREFET, annule.id, 'favorable', 'Trop tard pour un avis.'), 409, 'avis');
    await programmeError(marquerPrioritaire(db(), PREFET, annule.id, true), 409, 'prioritaire');
  });

  it('flag a file as a priority once (no event for no change)', async () => {
    const d = await deposer();
    expect((await marquerPrioritaire(db(), PREFET, d.id, true)).prioritaire).toBe(true);
    await marquerPrioritaire(db(), PREFET, d.id, true);
    expect((await historique(db(), d.id)).filter((e) => e.type === 'priorite')).toHaveLength(1);
  });

  it('put on the agenda only files with an opinion, still in instruction, not already there', async () => {
    await enveloppes({ '57': 5, FR: 100 });
    const sansAvis = await deposer(METZ);
    const avecAvis = await instruit(METZ);
    const nancy = await instruit(NANCY);
    const dejaValide = await valide(1);
    const c = await creerCoselec(db(), ANCT, parisCalendarDate());
    const ids = async (f: { departement?: string }) => (await agendaPossible(db(), c.id, f)).map((d) => d.id).sort();
    expect(await ids({})).toEqual([avecAvis.id, nancy.id].sort());
    expect(await ids({ departement: '57' })).toEqual([avecAvis.id]);
    await enregistrerDecision(db(), ANCT, c.id, avecAvis.id, { avis: 'NEGATIF', postes: 0, observation: null });
    expect(await ids({})).toEqual([nancy.id]);
    // Neither the file without an opinion nor the validated one was ever proposed.
    expect([sansAvis.statut, dejaValide.statut]).toEqual(['CREEE', 'VALIDATION_COSELEC']);
  });

  it('search by file number, SIRET (start or whole, spaced or not) and name; files awaiting an opinion first', async () => {
    const a = await deposer(METZ, { nom: 'Médiathèque du Sablon' });
    const b = await instruit(THIONVILLE);
    const tous = { all: true, departements: [], structureIds: [], validesNational: false };
    const page = { limit: 100, offset: 0 };
    const find = async (q: string) => (await listDossiers(db(), tous, { q }, page)).map((d) => d.id);
    expect(await find(String(a.numero))).toContain(a.id);
    expect(await find(a.siret)).toEqual([a.id]);
    expect(await find(`${a.siret.slice(0, 3)} ${a.siret.slice(3, 6)} ${a.siret.slice(6, 9)} ${a.siret.slice(9)}`)).toEqual([a.id]);
    expect(await find(a.siret.slice(0, 12))).toContain(a.id);
    expect(await find('sablon')).toEqual([a.id]);
    expect(await find('100%_')).toEqual([]);
    const ordre = (await listDossiers(db(), tous, {}, page)).map((d) => d.id);
    expect(ordre.indexOf(a.id)).toBeLessThan(ordre.indexOf(b.id)); // a awaits the préfet's opinion, b has it
  });
});

describe('who sees which files', () => {
  const tous = { all: true, departements: [], structureIds: [], validesNational: false };

  it('a préfecture lists and counts its département’s files only, whatever the filter', async () => {
    await enveloppes({ '54': 5, '57': 5, FR: 100 });
    const metz = await deposer(METZ);
    const thionville = await deposer(THIONVILLE);
    const nancy = await deposer(NANCY);
    const nancyValide = await valide(1, NANCY);
    const scope = dossierScope(principal({ role: 'prefecture', departement: '57', structureId: null }));
    expect(scope).toEqual({ all: false, departements: ['57'], structureIds: [], validesNational: false });
    const page = { limit: 100, offset: 0 };
    const ids = (await listDossiers(db(), scope, {}, page)).map((d) => d.id);
    expect(ids.sort()).toEqual([metz.id, thionville.id].sort());
    for (const f of [{ departement: '54' }, { communeInsee: '54395' }, { q: String(nancy.numero) }, { q: nancy.siret }, { q: nancy.nom }, { statut: 'VALIDATION_COSELEC' }]) {
      expect(await listDossiers(db(), scope, f, page), JSON.stringify(f)).toEqual([]);
    }
    expect(await countDossiers(db(), scope)).toMatchObject({ total: 2, parStatut: { CREEE: 2 }, attenteAvis: 2 });
    expect((await countDossiers(db(), tous)).total).toBe(4);
    expect((await listDossiers(db(), tous, { departement: '54' }, page)).map((d) => d.id).sort()).toEqual([nancy.id, nancyValide.id].sort());
    // The table of posts, likewise.
    const tableau = await tableauPostes(db(), territoiresVisibles(principal({ role: 'prefecture', departement: '57', structureId: null })));
    expect(tableau.lignes.map((l) => l.code)).toEqual(['57']);
    expect(tableau.national).toBeNull();
  });

  it('Banque des Territoires sees validated files only, nationally; a structure its own; nobody nothing', async () => {
    await enveloppes({ '54': 5, '57': 5, FR: 100 });
    const v57 = await valide(1, METZ);
    const v54 = await valide(1, NANCY);
    const enCours = await instruit(THIONVILLE);
    const refus = await instruit(NANCY);
    await cloturerCoselec(db(), ANCT, (await comite([[refus, 'NEGATIF', 0]])).id);
    const page = { limit: 100, offset: 0 };

    const banque = dossierScope(principal({ role: 'banque', departement: null, structureId: null }));
    const vus = await listDossiers(db(), banque, {}, page);
    expect(vus.map((d) => d.id).sort()).toEqual([v57.id, v54.id].sort());
    expect(vus.every((d) => d.statut === 'VALIDATION_COSELEC')).toBe(true);
    expect(await listDossiers(db(), banque, { statut: 'CREEE' }, page)).toEqual([]);
    expect((await countDossiers(db(), banque)).total).toBe(2);

    const structure = dossierScope(principal({ role: 'structure', departement: null, structureId: enCours.structureId }));
    expect((await listDossiers(db(), structure, {}, page)).map((d) => d.id)).toEqual([enCours.id]);

    expect(await listDossiers(db(), dossierScope(principal()), {}, page)).toEqual([]);
    expect(await listDossiers(db(), dossierScope(null), {}, page)).toEqual([]);
    expect(await listDossiers(db(), dossierScope(principal({ role: 'conseiller', departement: null, structureId: v57.structureId })), {}, page)).toEqual([]);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('envelopes under concurrency (PostgreSQL, two connection pools)', () => {
  it('two committees closing at once cannot together exceed an envelope', async () => {
    const peer = peerDatabase(t.database)!;
    try {
      for (let round = 0; round < 5; round++) {
        await reset();
        await enveloppes({ '57': 3, FR: 100 });
        const a = await instruit(METZ);
        const b = await instruit(THIONVILLE);
        const c1 = await comite([[a, 'POSITIF', 2]]);
        const c2 = await comite([[b, 'POSITIF', 2]]);
        const results = await Promise.allSettled([cloturerCoselec(db(), ANCT, c1.id), cloturerCoselec(peer.database.db, ANCT, c2.id)]);
        const won = results.findIndex((r) => r.status === 'fulfilled');
        const lost = results.findIndex((r) => r.status === 'rejected');
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const reason = (results[lost] as PromiseRejectedResult).reason;
        expect(reason).toBeInstanceOf(EnveloppeDepasseeError);
        expect((reason as EnveloppeDepasseeError).depassements[0]).toMatchObject({ code: '57', enveloppe: 3, avant: 2, apres: 4 });
        expect((await postes('57')).postesValides).toBe(2);
        expect((await postes('FR')).postesValides).toBe(2);
        const [winner, loser] = won === 0 ? [a, b] : [b, a];
        expect(await getDossier(db(), winner.id)).toMatchObject({ statut: 'VALIDATION_COSELEC', postesValides: 2 });
        expect(await getDossier(db(), loser.id)).toMatchObject({ statut: 'CREEE', postesValides: 0 });
        expect((await getCoselec(db(), (won === 0 ? c2 : c1).id))!.statut).toBe('ouvert');
      }
    } finally {
      await peer.database.close();
    }
  }, 120_000);

  it('an amendment and a committee at once cannot together exceed an envelope', async () => {
    const peer = peerDatabase(t.database)!;
    try {
      for (let round = 0; round < 5; round++) {
        await reset();
        await enveloppes({ '57': 3, FR: 100 });
        const v = await valide(1, METZ);
        const a = await avenantPret(v, { type: 'ajout', postes: 2 });
        const d = await instruit(THIONVILLE);
        const c = await comite([[d, 'POSITIF', 2]]);
        const results = await Promise.allSettled([cloturerCoselec(db(), ANCT, c.id), deciderAvenant(peer.database.db, ANCT, notifier(), a.id, { postesAccordes: 2 })]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
        expect(rejected.reason).toBeInstanceOf(EnveloppeDepasseeError);
        expect((await postes('57')).postesValides).toBe(3);
        const sum = (await getDossier(db(), v.id))!.postesValides + (await getDossier(db(), d.id))!.postesValides;
        expect(sum).toBe(3);
      }
    } finally {
      await peer.database.close();
    }
  }, 120_000);
});
