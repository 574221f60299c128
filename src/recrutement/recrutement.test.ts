/**
 * Recruitment end to end on the structure's and ANCT's side: pairs by distance, marking, contracts
 * within the quota (also under concurrent submissions on PostgreSQL), validation (the same account
 * becomes a conseiller of the structure), ruptures, natural ends, and the API's contracts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, peerDatabase, TestClient, type TestContext } from '../platform/testing.js';
import { createJobWorker } from '../platform/jobs/jobs.js';
import { parisCalendarDate } from '../platform/paris.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { createUser, findUserByEmail, listGrants } from '../comptes/users.js';
import { hashPassword } from '../comptes/passwords.js';
import { findStructureBySiret } from '../structures/structures.js';
import { setCommuneCentres } from '../territoires/territoires.js';
import { DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';
import { candidats, contrats, misesEnRelation, structuresRecrutement } from './schema.js';
import { apparierCandidat } from './matching.js';
import { addDays } from './regles.js';
import { echeancesDuJour, RecrutementError, saisirContrat, synchroniserStructure, validerRecrutement } from './recrutement.js';

let t: TestContext;
const today = parisCalendarDate();
let metzId = '';
let admin = '';
let structure = '';

// Ville de Metz at a known point; one commune 8 km north, one 30 km north (1° of latitude ≈ 111.2 km).
const METZ = { lat: 49.1193, lng: 6.1757 };
const at = (km: number) => ({ lat: METZ.lat + km / 111.195, lng: METZ.lng });
const PROCHE = '57606'; // Rombas, placed 8 km away
const LOIN = '57672'; // Thionville, placed 30 km away

async function token(email: string): Promise<string> {
  const u = (await findUserByEmail(t.database.db, email))!;
  return (await createApiToken(t.database.db, SYSTEM_ACTOR, u.id, 'test')).token;
}

async function api(method: 'GET' | 'POST', url: string, tok: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${tok}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}) });
}

let n = 0;
/** A candidate as the application makes one (account + row), then paired at once. */
async function candidat(insee: string, distanceMaxKm: number, opts: { prenom?: string } = {}) {
  n++;
  const email = `candidat${n}@test.example`;
  const u = await createUser(t.database.db, SYSTEM_ACTOR, { email, firstName: opts.prenom ?? `Prénom${n}`, lastName: `Nom${n}`, roles: [{ role: 'candidat', departement: null, structureId: null }] });
  const p = insee === PROCHE ? at(8) : insee === LOIN ? at(30) : METZ;
  const [c] = await t.database.db
    .insert(candidats)
    .values({ userId: u.id, prenom: opts.prenom ?? `Prénom${n}`, nom: `Nom${n}`, email, telephone: '0600000000', communeInsee: insee, departement: '57', lat: p.lat, lng: p.lng, situations: ['demandeur_emploi'], dateDisponibilite: today, distanceMaxKm, motivation: 'Aider les habitants.' })
    .returning();
  await t.database.db.transaction((tx) => apparierCandidat(tx, t.app.appariement, c!.id, today));
  return { candidat: c!, user: u };
}

/** Gives Metz free posts again (test setup: as if an amendment had added some). */
async function postesLibres(n = 3) {
  const [s] = await t.database.db.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, metzId));
  await t.database.db.update(structuresRecrutement).set({ postes: s!.occupes + n, updatedAt: new Date() }).where(eq(structuresRecrutement.structureId, metzId));
}

const pairOf = async (candidatId: string, structureId = metzId) =>
  (await t.database.db.select().from(misesEnRelation).where(and(eq(misesEnRelation.candidatId, candidatId), eq(misesEnRelation.structureId, structureId))))[0];

beforeAll(async () => {
  t = await createTestApp();
  setCommuneCentres([
    { insee: '57463', ...METZ },
    { insee: PROCHE, ...at(8) },
    { insee: LOIN, ...at(30) },
  ]);
  metzId = (await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === 'metz'))))!.id;
  await createJobWorker({ database: t.database, registry: t.app.jobs }).runDue();
  // The demo projected Metz before this test placed its commune: project it again, where it now is.
  await synchroniserStructure(t.database.db, t.app.appariement, metzId, today);
  admin = await token('admin@demo.test');
  structure = await token('structure@demo.test');
}, 120_000);
afterAll(async () => t.close());

describe('the structures that recruit', () => {
  it('follow the programme: Metz is validated with its posts, at its commune, its demo conseillers on them', async () => {
    const [s] = await t.database.db.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, metzId));
    expect(s).toMatchObject({ postes: 3, occupes: 3, departement: '57' });
    expect(s!.lat).toBeCloseTo(METZ.lat, 3);
    await postesLibres();
  });
});

describe('matching', () => {
  it('pairs a candidate 8 km away with a 10 km limit at once, and not one 30 km away', async () => {
    const proche = await candidat(PROCHE, 10);
    const loin = await candidat(LOIN, 10);
    expect(await pairOf(proche.candidat.id)).toMatchObject({ statut: 'nouvelle' });
    expect((await pairOf(proche.candidat.id))!.distanceM).toBeGreaterThan(7900);
    expect((await pairOf(proche.candidat.id))!.distanceM).toBeLessThan(8100);
    expect(await pairOf(loin.candidat.id)).toBeUndefined();
    const withLargerRadius = await candidat(LOIN, 40);
    expect(await pairOf(withLargerRadius.candidat.id)).toBeDefined();
  });

  it('pairs a newly validated structure with the candidates already there', async () => {
    const c = await candidat(PROCHE, 20);
    const achenId = (await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === 'thionville'))))!.id;
    // Thionville is 30 km from Metz in this test's geography only if its commune sits there: re-sync it.
    await synchroniserStructure(t.database.db, t.app.appariement, achenId, today);
    const [s] = await t.database.db.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, achenId));
    expect(s).toBeDefined();
    // The candidate at 8 km north of Metz is 22 km from Thionville (placed 30 km north): within 20 km? No.
    expect(await pairOf(c.candidat.id, achenId)).toBeUndefined();
    const c2 = await candidat(PROCHE, 40);
    expect(await pairOf(c2.candidat.id, achenId)).toBeDefined();
  });
});

describe('recruiting through the pages', () => {
  it('hides contact details until interested, checks the contract, and enters it', async () => {
    const { candidat: c } = await candidat(PROCHE, 10, { prenom: 'Inès' });
    const m = (await pairOf(c.id))!;
    const s = new TestClient(t.app);
    await s.login('structure@demo.test');
    const list = await s.get('/recrutement');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`/recrutement/${m.id}`);
    const before = await s.get(`/recrutement/${m.id}`);
    expect(before.body).not.toContain(c.email);
    expect((await s.get(`/recrutement/${m.id}/cv`)).statusCode).toBe(404);
    expect((await s.post(`/recrutement/${m.id}/statut`, { statut: 'interessee' })).statusCode).toBe(303);
    const after = await s.get(`/recrutement/${m.id}`);
    expect(after.body).toContain(c.email);
    const low = await s.post(`/recrutement/${m.id}/contrat`, { type: 'CDD', date_debut: today, date_fin: addDays(today, 365), salaire: '1200' });
    expect(low.statusCode).toBe(400);
    expect(low.body).toContain('au moins le SMIC');
    const noEnd = await s.post(`/recrutement/${m.id}/contrat`, { type: 'CDD', date_debut: today, salaire: '2000' });
    expect(noEnd.statusCode).toBe(400);
    expect(noEnd.body).toContain('date de fin');
    const ok = await s.post(`/recrutement/${m.id}/contrat`, { type: 'CDD', date_debut: today, date_fin: addDays(today, 365), salaire: '2 000,50' });
    expect(ok.statusCode).toBe(303);
    const [k] = await t.database.db.select().from(contrats).where(eq(contrats.miseEnRelationId, m.id));
    expect(k).toMatchObject({ statut: 'saisi', salaireCentimes: 200050, type: 'CDD' });
    expect((await pairOf(c.id))!.statut).toBe('recrutee');
    // Another structure's manager sees nothing of this pair.
    const other = new TestClient(t.app);
    await other.login('prefecture57@demo.test');
    expect((await other.get(`/recrutement/${m.id}`)).statusCode).toBe(403);
  });
});

describe('the API: contract, quota, validation, rupture', () => {
  it('refuses a third recruitment on two free posts with « quota atteint », validates, breaks', async () => {
    const [s] = await t.database.db.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, metzId));
    const free = s!.postes - s!.occupes;
    const people = [];
    for (let i = 0; i < free + 1; i++) people.push(await candidat(PROCHE, 10));
    const contrat = { type: 'CDI', date_debut: today, salaire_brut_mensuel_centimes: 210_000, coordinateur: false };
    for (const [i, p] of people.entries()) {
      const m = (await pairOf(p.candidat.id))!;
      expect((await api('POST', `/api/v1/mises-en-relation/${m.id}/statut`, structure, { statut: 'interessee' })).statusCode).toBe(200);
      const r = await api('POST', `/api/v1/mises-en-relation/${m.id}/contrat`, structure, contrat);
      if (i < free) expect(r.statusCode).toBe(201);
      else {
        expect(r.statusCode).toBe(409);
        expect(r.json().title).toBe('Quota atteint');
        expect(r.json().detail).toContain('Quota atteint');
      }
    }
    const first = people[0]!;
    const m = (await pairOf(first.candidat.id))!;
    expect((await api('POST', `/api/v1/mises-en-relation/${m.id}/validation`, structure)).statusCode).toBe(403);
    const v = await api('POST', `/api/v1/mises-en-relation/${m.id}/validation`, admin);
    expect(v.statusCode).toBe(200);
    expect(v.json()).toMatchObject({ statut: 'finalisee', contrats: [expect.objectContaining({ statut: 'valide' })] });
    const grants = await listGrants(t.database.db, first.user.id);
    expect(grants).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'conseiller', structureId: metzId })]));
    // A rupture after the contract's end (none for a CDI), before its start, or without a reason.
    expect((await api('POST', `/api/v1/mises-en-relation/${m.id}/rupture`, structure, { date: addDays(today, -1), motif: 'demission' })).statusCode).toBe(400);
    expect((await api('POST', `/api/v1/mises-en-relation/${m.id}/rupture`, structure, { date: today, motif: 'autre' })).json().invalid_params[0].name).toBe('motif');
    const rupture = await api('POST', `/api/v1/mises-en-relation/${m.id}/rupture`, structure, { date: today, motif: 'demission', documents: 'complet' });
    expect(rupture.statusCode).toBe(200);
    expect(rupture.json().statut).toBe('nouvelle_rupture');
    const done = await api('POST', `/api/v1/mises-en-relation/${m.id}/rupture/validation`, admin);
    expect(done.statusCode).toBe(200);
    expect(done.json().statut).toBe('finalisee_rupture');
    expect((await listGrants(t.database.db, first.user.id)).some((g) => g.role === 'conseiller' && g.structureId === metzId)).toBe(false);
    const [after] = await t.database.db.select().from(candidats).where(eq(candidats.id, first.candidat.id));
    expect(after!.statut).toBe('disponible');
    // The post is vacant again: the candidate refused for the quota can now be recruited.
    const last = (await pairOf(people[free]!.candidat.id))!;
    expect((await api('POST', `/api/v1/mises-en-relation/${last.id}/contrat`, structure, contrat)).statusCode).toBe(201);
  });

  it('says which status a transition needs', async () => {
    await postesLibres();
    const { candidat: c } = await candidat(PROCHE, 10);
    const m = (await pairOf(c.id))!;
    const r = await api('POST', `/api/v1/mises-en-relation/${m.id}/contrat`, structure, { type: 'CDI', date_debut: today, salaire_brut_mensuel_centimes: 210_000 });
    expect(r.statusCode).toBe(409);
    expect(r.json().detail).toContain('Présélectionné·e');
    const list = await api('GET', `/api/v1/structures/${metzId}/candidats`, structure);
    expect(list.statusCode).toBe(200);
    const rows = list.json() as { distance_km: number; candidat: { email?: string } }[];
    expect(rows.map((x) => x.distance_km)).toEqual([...rows.map((x) => x.distance_km)].sort((a, b) => a - b));
    expect(rows.find((x) => x.candidat.email === undefined)).toBeDefined();
  });

  it('ends a contract at its term with the daily job: the post is vacant, the access ends', async () => {
    await postesLibres();
    const p = await candidat(PROCHE, 10);
    const m = (await pairOf(p.candidat.id))!;
    await api('POST', `/api/v1/mises-en-relation/${m.id}/statut`, structure, { statut: 'interessee' });
    const debut = addDays(today, -30);
    const r = await api('POST', `/api/v1/mises-en-relation/${m.id}/contrat`, structure, { type: 'CDD', date_debut: debut, date_fin: addDays(today, -1), salaire_brut_mensuel_centimes: 200_000 });
    expect(r.statusCode).toBe(201);
    expect((await api('POST', `/api/v1/mises-en-relation/${m.id}/validation`, admin)).statusCode).toBe(200);
    const res = await echeancesDuJour(t.database.db, SYSTEM_ACTOR, t.app.notifier, t.app.appariement, today);
    expect(res.terminees).toBeGreaterThanOrEqual(1);
    expect((await pairOf(p.candidat.id))!.statut).toBe('terminee_naturelle');
    expect((await listGrants(t.database.db, p.user.id)).some((g) => g.role === 'conseiller')).toBe(false);
  });
});

describe('the conseiller after validation', () => {
  const activite = (date: string) => ({ id: randomUUID(), type: 'individuel', date, duree_minutes: 30, lieu: { type: 'domicile', commune_insee: '57463' }, thematiques: ['email'] });

  it('records activities from the contract start only, and none once the rupture is validated', async () => {
    await postesLibres();
    const p = await candidat(PROCHE, 10);
    const m = (await pairOf(p.candidat.id))!;
    await api('POST', `/api/v1/mises-en-relation/${m.id}/statut`, structure, { statut: 'interessee' });
    const debut = addDays(today, -10);
    expect((await api('POST', `/api/v1/mises-en-relation/${m.id}/contrat`, structure, { type: 'CDD', date_debut: debut, date_fin: addDays(today, 355), salaire_brut_mensuel_centimes: 200_000 })).statusCode).toBe(201);
    const mine = (await createApiToken(t.database.db, SYSTEM_ACTOR, p.user.id, 'test')).token;
    // Still a candidate: no activity at all.
    expect((await api('POST', '/api/v1/activites', mine, activite(today))).statusCode).toBe(403);
    expect((await api('POST', `/api/v1/mises-en-relation/${m.id}/validation`, admin)).statusCode).toBe(200);
    const before = await api('POST', '/api/v1/activites', mine, activite(addDays(debut, -1)));
    expect(before.statusCode).toBe(400);
    expect(before.json().invalid_params[0]).toMatchObject({ name: 'date', reason: expect.stringContaining('prise de fonction') });
    expect((await api('POST', '/api/v1/activites', mine, activite(debut))).statusCode).toBe(201);
    // A rupture three days ago, validated: the access ends, the post is vacant.
    expect((await api('POST', `/api/v1/mises-en-relation/${m.id}/rupture`, structure, { date: addDays(today, -3), motif: 'demission', documents: 'complet' })).statusCode).toBe(200);
    expect((await api('POST', `/api/v1/mises-en-relation/${m.id}/rupture/validation`, admin)).statusCode).toBe(200);
    expect((await api('POST', '/api/v1/activites', mine, activite(today))).statusCode).toBe(403);
    const [s] = await t.database.db.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, metzId));
    expect(s!.occupes).toBeLessThan(s!.postes);
  });

  it('another structure’s manager sees nothing of Metz’s pairs', async () => {
    const thionville = (await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((x) => x.key === 'thionville'))))!.id;
    const u = await createUser(t.database.db, SYSTEM_ACTOR, { email: 'manager.thionville@test.example', firstName: 'T', lastName: 'M', roles: [{ role: 'structure', departement: null, structureId: thionville }] });
    const tok = (await createApiToken(t.database.db, SYSTEM_ACTOR, u.id, 'test')).token;
    const [m] = await t.database.db.select().from(misesEnRelation).where(eq(misesEnRelation.structureId, metzId)).limit(1);
    expect((await api('POST', `/api/v1/mises-en-relation/${m!.id}/statut`, tok, { statut: 'interessee' })).statusCode).toBe(404);
    expect((await api('GET', `/api/v1/structures/${metzId}/candidats`, tok)).statusCode).toBe(404);
  });
});

describe('conseillers’ records', () => {
  it('lists and exports by scope: ANCT all, the Moselle préfecture its département, a structure its own', async () => {
    const a = new TestClient(t.app);
    await a.login('admin@demo.test');
    const csv = await a.get('/conseillers/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('\uFEFFNom;Prénom;Statut;Structure;Département;Contrat;Début;Fin;Salaire brut mensuel');
    expect(csv.body).toContain('Conseillère;Camille;Recruté;Ville de Metz;Moselle (57);CDI;01/06/2021');
    const xlsx = await a.get('/conseillers/export.xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const camille = (await findUserByEmail(t.database.db, 'conseiller@demo.test'))!.id;
    expect((await a.get(`/conseillers/${camille}`)).body).toContain('Ville de Metz');
    const p = new TestClient(t.app);
    await p.login('prefecture57@demo.test');
    expect((await p.get('/conseillers')).body).toContain('Camille');
    expect((await p.get(`/conseillers/${camille}`)).statusCode).toBe(200);
    const thionville = (await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((x) => x.key === 'thionville'))))!.id;
    await createUser(t.database.db, SYSTEM_ACTOR, { email: 'gestion.thionville@test.example', firstName: 'G', lastName: 'T', passwordHash: await hashPassword('un mot de passe assez long'), roles: [{ role: 'structure', departement: null, structureId: thionville }] });
    const s = new TestClient(t.app);
    await s.login('gestion.thionville@test.example', 'un mot de passe assez long');
    expect((await s.get('/conseillers')).body).not.toContain('Camille');
    expect((await s.get('/conseillers/export.csv')).body).not.toContain('Camille');
    expect((await s.get(`/conseillers/${camille}`)).statusCode).toBe(404);
  });
});

describe('concurrency (PostgreSQL)', () => {
  const peer = process.env.TEST_DATABASE_URL ? true : false;
  it.skipIf(!peer)('two validations of one candidate at two structures at once: one wins, the other pair is non_disponible', async () => {
    const other = peerDatabase(t.database)!;
    try {
      await postesLibres(2);
      const thionville = (await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((x) => x.key === 'thionville'))))!.id;
      await t.database.db.update(structuresRecrutement).set({ postes: 10, updatedAt: new Date() }).where(eq(structuresRecrutement.structureId, thionville));
      const p = await candidat(PROCHE, 2000);
      const c = { type: 'CDI' as const, dateDebut: today, dateFin: null, salaireCentimes: 210_000, coordinateur: false };
      const pairs = [];
      for (const sid of [metzId, thionville]) {
        const m = (await pairOf(p.candidat.id, sid))!;
        await t.database.db.update(misesEnRelation).set({ statut: 'interessee' }).where(eq(misesEnRelation.id, m.id));
        await saisirContrat(t.database.db, SYSTEM_ACTOR, t.app.notifier, m.id, c);
        pairs.push(m);
      }
      const results = await Promise.allSettled([validerRecrutement(t.database.db, SYSTEM_ACTOR, t.app.notifier, pairs[0]!.id), validerRecrutement(other.database.db, SYSTEM_ACTOR, t.app.notifier, pairs[1]!.id)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const statuts = (await t.database.db.select().from(misesEnRelation).where(eq(misesEnRelation.candidatId, p.candidat.id))).map((m) => m.statut).sort();
      expect(statuts).toEqual(expect.arrayContaining(['finalisee', 'non_disponible']));
      expect(statuts.filter((x) => x === 'finalisee')).toHaveLength(1);
    } finally {
      await other.database.close();
    }
  });

  it.skipIf(!peer)('two managers entering contracts at the same instant cannot exceed the posts', async () => {
    const other = peerDatabase(t.database)!;
    await postesLibres(2);
    try {
      const [s] = await t.database.db.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, metzId));
      const free = s!.postes - s!.occupes;
      // Fill all but one post, then two at once for the last.
      const people = [];
      for (let i = 0; i < free + 1; i++) people.push(await candidat(PROCHE, 10));
      const pairs = [];
      for (const p of people) {
        const m = (await pairOf(p.candidat.id))!;
        await api('POST', `/api/v1/mises-en-relation/${m.id}/statut`, structure, { statut: 'interessee' });
        pairs.push(m);
      }
      const c = { type: 'CDI' as const, dateDebut: today, dateFin: null, salaireCentimes: 210_000, coordinateur: false };
      for (const m of pairs.slice(0, free - 1)) await saisirContrat(t.database.db, SYSTEM_ACTOR, t.app.notifier, m.id, c);
      const [a, b] = pairs.slice(free - 1);
      const results = await Promise.allSettled([saisirContrat(t.database.db, SYSTEM_ACTOR, t.app.notifier, a!.id, c), saisirContrat(other.database.db, SYSTEM_ACTOR, t.app.notifier, b!.id, c)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(RecrutementError);
      expect((rejected.reason as RecrutementError).message).toContain('Quota atteint');
      const [after] = await t.database.db.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, metzId));
      expect(after!.occupes).toBe(after!.postes);
    } finally {
      await other.database.close();
    }
  });
});
