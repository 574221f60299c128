/**
 * Coordinators' teams: ANCT adds named conseillers or départements with dated memberships and ends
 * them; a coordinator reads their own team only; the periods feed the coordinator's statistics.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { findStructureBySiret } from '../structures/structures.js';
import { DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';
import { countsForEquipe, equipeScope } from '../activites/activites.js';
import { setEquipesPort } from '../activites/ports.js';
import { chevauchent, dateSaisie, etatDe, fusionner, intersection, membresPendant } from './equipes.js';

describe('periods', () => {
  it('intersect, overlap, and join (touching periods become one)', () => {
    expect(intersection({ debut: '2025-01-01', fin: null }, { debut: '2024-06-01', fin: '2025-03-31' })).toEqual({ debut: '2025-01-01', fin: '2025-03-31' });
    expect(intersection({ debut: '2025-01-01', fin: '2025-01-31' }, { debut: '2025-02-01', fin: null })).toBeNull();
    expect(chevauchent({ debut: '2025-01-01', fin: '2025-01-31' }, { debut: '2025-01-31', fin: null })).toBe(true); // one shared day
    expect(
      fusionner([
        { debut: '2025-03-11', fin: '2025-03-20' },
        { debut: '2025-01-01', fin: '2025-03-10' },
        { debut: '2025-05-01', fin: null },
        { debut: '2025-06-01', fin: '2025-06-30' },
      ]),
    ).toEqual([
      { debut: '2025-01-01', fin: '2025-03-20' },
      { debut: '2025-05-01', fin: null },
    ]);
    expect(etatDe({ debut: '2025-01-01', fin: '2025-01-31' }, '2025-01-31')).toBe('en_cours');
    expect(etatDe({ debut: '2025-01-01', fin: '2025-01-31' }, '2025-02-01')).toBe('terminee');
    expect(etatDe({ debut: '2025-02-01', fin: null }, '2025-01-31')).toBe('a_venir');
  });
  it('reads dates from a date field or typed by hand', () => {
    expect(dateSaisie('2025-06-30')).toBe('2025-06-30');
    expect(dateSaisie(' 30/06/2025 ')).toBe('2025-06-30');
    expect(dateSaisie(undefined)).toBe('');
  });
});

let t: TestContext;
let admin: TestClient;
let karim: TestClient;
let conseiller: TestClient;
let karimId = '';
let zoeId = '';
let membreId = '';
let nadiaId = '';
let brunoId = '';
const membreEmail = 'mina.membre@demo.test';

const idOf = (html: string, action: RegExp) => action.exec(html)?.[1];

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const hash = (await findUserByEmail(db, 'conseiller@demo.test'))!.passwordHash;
  const metz = (await findStructureBySiret(db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === 'metz'))))!;
  const nancy = (await findStructureBySiret(db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === 'nancy'))))!;
  karimId = (await findUserByEmail(db, 'coordinateur@demo.test'))!.id;
  const mk = async (email: string, firstName: string, lastName: string, role: 'conseiller' | 'coordinateur' | 'candidat', structureId: string | null) =>
    (await createUser(db, SYSTEM_ACTOR, { email, firstName, lastName, passwordHash: hash, roles: [{ role, departement: null, structureId }] })).id;
  zoeId = await mk('zoe.coordinatrice@demo.test', 'Zoé', 'Coordinatrice', 'coordinateur', metz.id);
  membreId = await mk(membreEmail, 'Mina', 'Membre', 'conseiller', metz.id);
  // Meurthe-et-Moselle: Nadia works at Nancy (no contract known), Bruno worked there until his rupture.
  nadiaId = await mk('nadia.nancy@demo.test', 'Nadia', 'Nancy', 'conseiller', nancy.id);
  brunoId = await mk('bruno.parti@demo.test', 'Bruno', 'Parti', 'candidat', null);
  const coordNancy = await mk('coord.nancy@demo.test', 'Colin', 'Nancy', 'coordinateur', nancy.id);
  const contrat = (userId: string, debut: string, statut: string, rupture: string | null, coordinateur: boolean) =>
    t.database.query(
      `insert into recrutement_contrats (mise_en_relation_id, candidat_id, user_id, structure_id, type, date_debut, salaire_centimes, statut, rupture_date, coordinateur)
       values ($1, $2, $3, $4, 'CDI', $5, 180000, $6, $7, $8)`,
      [randomUUID(), randomUUID(), userId, nancy.id, debut, statut, rupture, coordinateur],
    );
  await contrat(brunoId, '2023-06-01', 'rompu', '2024-06-30', false);
  await contrat(coordNancy, '2023-01-01', 'valide', null, true); // a coordinator is not a conseiller of the département
  admin = new TestClient(t.app);
  await admin.login('admin@demo.test');
  karim = new TestClient(t.app);
  await karim.login('coordinateur@demo.test');
  conseiller = new TestClient(t.app);
  await conseiller.login('conseiller@demo.test');
});
afterAll(async () => t.close());

describe('ANCT lists the coordinators; a coordinator reads only their own team', () => {
  it('lists every coordinator with the size of their team', async () => {
    const r = await admin.get('/equipes');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('<h1>Équipes des coordinateurs</h1>');
    expect(r.body).toContain(`href="/equipes/${karimId}"`);
    expect(r.body).toContain(`href="/equipes/${zoeId}"`);
    expect(r.body).toContain('Zoé Coordinatrice');
    expect(r.body).not.toContain('Mina Membre'); // a conseiller is not a coordinator
  });

  it('sends a coordinator to their own team, and hides the others', async () => {
    const r = await karim.get('/equipes');
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/equipes/${karimId}`);
    const own = await karim.get(`/equipes/${karimId}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('<h1>Mon équipe</h1>');
    expect(own.body).toContain('Camille Conseillère'); // the demo team
    expect(own.body).not.toContain("Ajouter à l'équipe");
    expect(own.body).not.toContain('/fin"');
    expect((await karim.get(`/equipes/${zoeId}`)).statusCode).toBe(404);
    expect((await karim.get(`/equipes/${zoeId.toUpperCase()}`)).statusCode).toBe(404);
    expect((await conseiller.get('/equipes')).statusCode).toBe(403);
    expect((await conseiller.get(`/equipes/${karimId}`)).statusCode).toBe(403);
  });

  it('answers 404 for an address that names no coordinator', async () => {
    expect((await admin.get('/equipes/pas-un-identifiant')).statusCode).toBe(404);
    expect((await admin.get(`/equipes/${membreId}`)).statusCode).toBe(404); // a conseiller
    expect((await admin.get(`/equipes/${randomUUID()}`)).statusCode).toBe(404);
  });
});

describe('ANCT manages a team', () => {
  let premiere = '';
  let seconde = '';

  it('only ANCT adds members or ends memberships', async () => {
    await karim.get(`/equipes/${karimId}`);
    expect((await karim.post(`/equipes/${karimId}/membres`, { type: 'conseiller', conseiller: membreEmail })).statusCode).toBe(403);
    expect((await karim.post(`/equipes/${karimId}/membres/${randomUUID()}/fin`, { fin: '2025-01-01' })).statusCode).toBe(403);
    expect((await conseiller.post(`/equipes/${zoeId}/membres`, { type: 'conseiller', conseiller: membreEmail })).statusCode).toBe(403);
  });

  it('adds a named conseiller for a period, and shows it', async () => {
    const form = await admin.get(`/equipes/${zoeId}`);
    expect(form.body).toContain('<h1>Équipe de Zoé Coordinatrice</h1>');
    expect(form.body).toContain('Aucun membre pour le moment');
    const r = await admin.post(`/equipes/${zoeId}/membres`, { type: 'conseiller', conseiller: membreEmail.toUpperCase(), debut: '2025-03-10', fin: '2025-03-20' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(`/equipes/${zoeId}`);
    const page = await admin.get(`/equipes/${zoeId}`);
    expect(page.body).toContain("Le membre est ajouté à l'équipe.");
    expect(page.body).toContain('Mina Membre');
    expect(page.body).toContain('10/03/2025');
    expect(page.body).toContain('20/03/2025');
    expect(page.body).toContain('Terminée');
    premiere = idOf(page.body, /action="\/equipes\/[0-9a-f-]+\/membres\/([0-9a-f-]{36})\/fin"/) ?? '';
    expect(premiere).toBe(''); // an ended membership has nothing left to end
  });

  it('refuses overlapping periods, unknown accounts, non-conseillers and reversed dates, with the typed values kept', async () => {
    await admin.get(`/equipes/${zoeId}`);
    const again = await admin.post(`/equipes/${zoeId}/membres`, { type: 'conseiller', conseiller: membreEmail, debut: '2025-03-15', fin: '' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain("Mina Membre fait déjà partie de l'équipe du 10/03/2025 au 20/03/2025 : les périodes ne peuvent pas se chevaucher.");
    expect(again.body).toContain('value="2025-03-15"');
    const inconnu = await admin.post(`/equipes/${zoeId}/membres`, { type: 'conseiller', conseiller: 'personne@demo.test' });
    expect(inconnu.statusCode).toBe(400);
    expect(inconnu.body).toContain("Aucun conseiller numérique n'a le compte « personne@demo.test »");
    expect(inconnu.body).toContain('href="#champ-conseiller"');
    const structure = await admin.post(`/equipes/${zoeId}/membres`, { type: 'conseiller', conseiller: 'structure@demo.test' });
    expect(structure.statusCode).toBe(400);
    const envers = await admin.post(`/equipes/${zoeId}/membres`, { type: 'conseiller', conseiller: membreEmail, debut: '2025-05-10', fin: '2025-05-01' });
    expect(envers.statusCode).toBe(400);
    expect(envers.body).toContain('La date de fin ne peut pas précéder le début (le 10/05/2025).');
    const dep = await admin.post(`/equipes/${zoeId}/membres`, { type: 'departement', departement: '' });
    expect(dep.statusCode).toBe(400);
    expect(dep.body).toContain('Choisissez le département');
    const soi = await admin.post(`/equipes/${zoeId}/membres`, { type: 'conseiller', conseiller: 'zoe.coordinatrice@demo.test' });
    expect(soi.statusCode).toBe(400); // a coordinator is not a conseiller
  });

  it('adds the conseiller again later, and a whole département; today by default', async () => {
    await admin.get(`/equipes/${zoeId}`);
    expect((await admin.post(`/equipes/${zoeId}/membres`, { type: 'conseiller', conseiller: membreId, debut: '2025-04-01' })).statusCode).toBe(303);
    expect((await admin.post(`/equipes/${zoeId}/membres`, { type: 'departement', departement: '54', debut: '2024-01-01' })).statusCode).toBe(303);
    const page = await admin.get(`/equipes/${zoeId}`);
    expect(page.body).toContain('Tous les conseillers du département Meurthe-et-Moselle (54)');
    const ends = [...page.body.matchAll(/action="\/equipes\/[0-9a-f-]+\/membres\/([0-9a-f-]{36})\/fin"/g)].map((m) => m[1]!);
    expect(ends).toHaveLength(2);
    seconde = ends[0]!; // most recent start first: the conseiller's return on 1 April 2025
    const rows = await t.database.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'recrutement.equipe_membre_ajoute' and object_id = $1`, [zoeId]);
    expect(rows[0]!.n).toBe(3);
  });

  it('ends a membership on a given day, never before its start nor twice', async () => {
    await admin.get(`/equipes/${zoeId}`);
    const avant = await admin.post(`/equipes/${zoeId}/membres/${seconde}/fin`, { fin: '2025-03-31' });
    expect(avant.statusCode).toBe(400);
    expect(avant.body).toContain("La fin ne peut pas précéder le début de la présence dans l'équipe (le 01/04/2025).");
    expect(avant.body).toContain(`id="champ-fin-${seconde}"`);
    expect(avant.body).toContain('value="2025-03-31"');
    expect((await admin.post(`/equipes/${zoeId}/membres/${seconde}/fin`, { fin: '31/02/2025' })).statusCode).toBe(400);
    expect((await admin.post(`/equipes/${zoeId}/membres/${seconde}/fin`, { fin: '30/06/2025' })).statusCode).toBe(303);
    const twice = await admin.post(`/equipes/${zoeId}/membres/${seconde}/fin`, { fin: '2025-07-31' });
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain("Cette présence dans l'équipe se termine déjà le 30/06/2025.");
    // Someone else's membership, or none: not found
    const karimPage = await admin.get(`/equipes/${karimId}`);
    const other = /action="\/equipes\/[0-9a-f-]+\/membres\/([0-9a-f-]{36})\/fin"/.exec(karimPage.body)![1]!;
    expect((await admin.post(`/equipes/${zoeId}/membres/${other}/fin`, { fin: '2025-07-31' })).statusCode).toBe(404);
    expect((await admin.post(`/equipes/${zoeId}/membres/pas-un-id/fin`, { fin: '2025-07-31' })).statusCode).toBe(404);
  });

  it('gives the activities context each member’s periods (a département: its conseillers, within their contracts there)', async () => {
    const periodes = await membresPendant(t.database.db, zoeId);
    const of = (id: string) => periodes.filter((p) => p.userId === id).map(({ debut, fin }) => ({ debut, fin }));
    expect(of(membreId)).toEqual([
      { debut: '2025-03-10', fin: '2025-03-20' },
      { debut: '2025-04-01', fin: '2025-06-30' },
    ]);
    expect(of(nadiaId)).toEqual([{ debut: '2024-01-01', fin: null }]);
    expect(of(brunoId)).toEqual([{ debut: '2024-01-01', fin: '2024-06-30' }]);
    expect(new Set(periodes.map((p) => p.userId))).toEqual(new Set([membreId, nadiaId, brunoId]));
    expect(await membresPendant(t.database.db, 'pas-un-id')).toEqual([]);
  });

  it('feeds the coordinator’s figures: a member’s activities count only during their membership', async () => {
    setEquipesPort({ membresPendant });
    const act = (conseillerId: string, date: string) =>
      t.database.query(
        `insert into activites (id, conseiller_id, type, date, duree_minutes, tranche_duree, lieu_type, commune_insee, thematiques, accompagnements, participants)
         values ($1, $2, 'ponctuel', $3, 30, '30_60', 'a_distance', '57463', '{email}', 1, '{"total":1}')`,
        [randomUUID(), conseillerId, date],
      );
    await act(membreId, '2025-03-05'); // before joining
    await act(membreId, '2025-03-15'); // counted
    await act(membreId, '2025-03-25'); // between two memberships
    await act(membreId, '2025-07-01'); // after the end
    await act(brunoId, '2024-03-01'); // counted (département, under contract)
    await act(brunoId, '2023-12-01'); // before the département joined
    const c = await countsForEquipe(t.database.db, await equipeScope(t.database.db, zoeId));
    expect(c.activites).toBe(2);
    const zoe = new TestClient(t.app);
    await zoe.login('zoe.coordinatrice@demo.test');
    expect((await zoe.get('/activites/structure')).body).toContain('2 activités');
    const mine = await zoe.get('/equipes');
    expect(mine.headers.location).toBe(`/equipes/${zoeId}`);
    expect((await zoe.get(`/equipes/${zoeId}`)).body).toContain('Mina Membre');
  });
});
