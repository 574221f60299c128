/**
 * The dates of a conseiller's activities follow their contracts (from recruitment, through the
 * contracts port): from the first contract's start, up to the end of the last one once none runs.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { periodesDeTravail } from '../recrutement/recrutement.js';
import { bornesDeTravail, conseillerProfile, oublierProfil } from './activites.js';
import { parisDate } from './dates.js';
import { setContratsPort } from './ports.js';

describe('bornesDeTravail', () => {
  it('without a contract: from the account creation day, no end', () => {
    expect(bornesDeTravail([], '2026-03-02')).toEqual({ startDate: '2026-03-02', endDate: null });
  });
  it('from the earliest start; no end while a period is open', () => {
    expect(bornesDeTravail([{ debut: '2025-05-01', fin: '2025-10-31' }, { debut: '2024-01-15', fin: '2024-12-31' }, { debut: '2025-11-01', fin: null }], '2026-03-02')).toEqual({
      startDate: '2024-01-15',
      endDate: null,
    });
  });
  it('once every period is over: the end of the last one', () => {
    expect(bornesDeTravail([{ debut: '2025-05-01', fin: '2025-10-31' }, { debut: '2024-01-15', fin: '2024-12-31' }], '2026-03-02')).toEqual({
      startDate: '2024-01-15',
      endDate: '2025-10-31',
    });
  });
});

let t: TestContext;
let token = '';
let userId = '';
let structureId = '';
const today = parisDate(new Date());

beforeAll(async () => {
  t = await createTestApp();
  setContratsPort({ periodesDeTravail });
  // A conseiller of their own: the demo ones have contracts already.
  const demo = (await findUserByEmail(t.database.db, 'conseiller@demo.test'))!;
  structureId = (await t.database.query<{ structure_id: string }>(`select structure_id from role_assignments where user_id = $1 and role = 'conseiller'`, [demo.id]))[0]!.structure_id;
  const u = await createUser(t.database.db, SYSTEM_ACTOR, {
    email: 'nouvelle.conseillere@demo.test',
    firstName: 'Nora',
    lastName: 'Nouvelle',
    passwordHash: demo.passwordHash,
    roles: [{ role: 'conseiller', departement: null, structureId }],
  });
  userId = u.id;
  token = (await createApiToken(t.database.db, SYSTEM_ACTOR, userId, 'test')).token;
});
afterAll(async () => t.close());

const post = (date: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/activites',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ id: randomUUID(), type: 'ponctuel', date, duree_minutes: 15, lieu: { type: 'a_distance', commune_insee: '57463' }, thematiques: ['email'] }),
  });

const reasonOf = (r: Awaited<ReturnType<typeof post>>) => (r.json().invalid_params as { name: string; reason: string }[]).find((p) => p.name === 'date')?.reason;

async function contrat(debut: string, fin: string | null, statut = 'valide', rupture: string | null = null): Promise<string> {
  const id = randomUUID();
  await t.database.query(
    `insert into recrutement_contrats (id, mise_en_relation_id, candidat_id, user_id, structure_id, type, date_debut, date_fin, salaire_centimes, statut, rupture_date)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 180000, $9, $10)`,
    [id, randomUUID(), randomUUID(), userId, structureId, fin ? 'CDD' : 'CDI', debut, fin, statut, rupture],
  );
  return id;
}

describe('activity dates follow the contract', () => {
  it('without a contract, keeps the account creation day as the start', async () => {
    const r = await post('2025-06-02');
    expect(r.statusCode).toBe(400);
    expect(reasonOf(r)).toBe(`La date ne peut pas précéder votre prise de fonction (le ${today.split('-').reverse().join('/')}).`);
  });

  it('from the validated contract’s start, at once after recruitment forgets the cached profile', async () => {
    const id = await contrat('2025-01-06', null);
    await contrat('2024-01-01', null, 'annule'); // a cancelled contract does not count
    oublierProfil(userId);
    expect((await post('2025-06-02')).statusCode).toBe(201);
    expect((await post('2025-01-06')).statusCode).toBe(201);
    const before = await post('2025-01-05');
    expect(before.statusCode).toBe(400);
    expect(reasonOf(before)).toBe('La date ne peut pas précéder votre prise de fonction (le 06/01/2025).');

    // A validated rupture: nothing after its date.
    await t.database.query(`update recrutement_contrats set statut = 'rompu', rupture_date = '2025-09-30' where id = $1`, [id]);
    oublierProfil(userId);
    const user = (await findUserByEmail(t.database.db, 'nouvelle.conseillere@demo.test'))!;
    expect(await conseillerProfile(t.database.db, { id: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName, roles: [] })).toMatchObject({
      startDate: '2025-01-06',
      endDate: '2025-09-30',
    });
    const after = await post('2025-10-01');
    expect(after.statusCode).toBe(400);
    expect(reasonOf(after)).toBe('La date ne peut pas suivre la fin de votre contrat (le 30/09/2025).');
    expect((await post('2025-09-30')).statusCode).toBe(201);
  });

  it('a fixed-term contract ended: its end date; a new contract running: no end', async () => {
    await contrat('2025-10-15', '2025-12-31', 'termine');
    oublierProfil(userId);
    expect(reasonOf(await post('2026-01-02'))).toBe('La date ne peut pas suivre la fin de votre contrat (le 31/12/2025).');
    await contrat('2026-02-01', null);
    oublierProfil(userId);
    expect((await post('2026-02-01')).statusCode).toBe(201);
    expect((await post(today)).statusCode).toBe(201);
  });

  it('the entry form says so next to the date', async () => {
    await t.database.query(`update recrutement_contrats set statut = 'termine', date_fin = '2026-03-31' where user_id = $1 and statut = 'valide'`, [userId]);
    oublierProfil(userId);
    const c = new TestClient(t.app);
    await c.login('nouvelle.conseillere@demo.test');
    await c.get('/activites/nouvelle');
    const r = await c.post('/activites/nouvelle', { id: randomUUID(), type: 'ponctuel', date: '2026-04-01', duree: '15', lieu: 'a_distance', commune_insee: '57463', thematiques: 'email' });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('La date ne peut pas suivre la fin de votre contrat (le 31/03/2026).');
  });
});
