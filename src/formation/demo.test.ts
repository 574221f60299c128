/** Training's demo: a provider with sessions, the demo conseiller halfway through a 140-hour path, one certified, this year's catalogue with votes; a reset leaves the same story. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../platform/testing.js';
import { parisCalendarDate } from '../platform/paris.js';
import { findUserByEmail } from '../comptes/users.js';
import { resetDemo } from '../demo/seed.js';
import { conseillerRecrute, dossierFormation, listerOrganismes, listerSessions } from './formation.js';
import { modulesDeAnnee, propositionsDeAnnee } from './catalogue.js';
import { organismes } from './schema.js';

let t: TestContext;
const today = parisCalendarDate();
const annee = Number(today.slice(0, 4));

async function dossier(email: string) {
  const u = (await findUserByEmail(t.database.db, email))!;
  return dossierFormation(t.database.db, (await conseillerRecrute(t.database.db, u.id))!, today);
}

beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t.close());

describe('the training demo', () => {
  it('tells the story of the issue', async () => {
    const [o] = await listerOrganismes(t.database.db);
    expect(o).toMatchObject({ nom: 'Institut de la médiation numérique du Grand Est', tauxHoraireCentimes: 2_500, personnels: 1, demo: true });
    expect((await listerSessions(t.database.db, [o!.id], { initiales: true })).length).toBe(3);
    expect((await listerSessions(t.database.db, [o!.id], { modules: true })).length).toBe(3);
    const camille = await dossier('conseiller@demo.test');
    expect([camille.heuresRealisees, camille.heuresRequises, camille.certifie]).toEqual([70, 140, false]);
    const sarah = await dossier('sarah.demo@demo.test');
    expect([sarah.heuresRealisees, sarah.heuresRequises, sarah.statut, sarah.certifie]).toEqual([70, 70, 'termine', true]);
    const modules = await modulesDeAnnee(t.database.db, annee);
    expect(modules.map((m) => m.heures).sort()).toEqual([14, 7, 7]);
    const votes = await propositionsDeAnnee(t.database.db, annee + 1, null);
    expect(votes.map((v) => [v.sujet, v.votes])).toEqual([
      ['Accompagner les personnes en situation de handicap', 3],
      ['Le numérique et la parentalité', 1],
    ]);
  });

  it('a reset removes and seeds it again', async () => {
    await resetDemo(t.database.db);
    expect((await t.database.db.select().from(organismes)).length).toBe(1);
    expect((await dossier('conseiller@demo.test')).heuresRealisees).toBe(70);
    expect((await modulesDeAnnee(t.database.db, annee)).length).toBe(3);
  }, 120_000);
});
