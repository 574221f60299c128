/** The territory journal's fold, run by every instance every few seconds (main.ts). */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../platform/testing.js';
import { rowsOf, type Database } from '../platform/db.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { checkActivite, createActivite, type ConseillerProfile } from '../activites/activites.js';
import { demarrerRepliage, replierStatistiques } from './repliage.js';
import { lireAgregats } from './lecture.js';
import { sql } from 'drizzle-orm';

let database: Database;
const clock = () => new Date('2026-06-30T10:00:00Z');
const profil: ConseillerProfile = { userId: randomUUID(), structureId: randomUUID(), departement: '57', startDate: null, endDate: null, lieux: [], communeStructure: '57463' };

async function enregistrer(date: string) {
  const v = await checkActivite(database.db, profil, {
    id: randomUUID(), type: 'individuel', date, duree_minutes: 30, lieu: { type: 'a_distance', commune_insee: null }, thematiques: ['email'], materiel: ['ordinateur'],
  }, clock);
  await createActivite(database.db, SYSTEM_ACTOR, profil, v);
}

const journal = async () => rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from statistiques_territoires_journal`))[0]!.n;
const national = async () => (await lireAgregats(database.db, { kind: 'national' }, { du: '2026-06-01', au: '2026-06-30', types: [], thematiques: [] })).activites;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe('folding the territory journal', () => {
  it('an activity goes to the journal, is counted at once, and is still counted once folded into the territory rows', async () => {
    await enregistrer('2026-06-10');
    await enregistrer('2026-06-11');
    expect(await journal()).toBeGreaterThan(0);
    expect(await national()).toBe(2);
    expect(await replierStatistiques(database.db)).toBeGreaterThan(0);
    expect(await journal()).toBe(0);
    expect(await national()).toBe(2);
    const lignes = rowsOf<{ departement: string; type: string; activites: number }>(
      await database.db.execute(sql`select departement, type, activites from statistiques_territoires where granularite = 'mois' and dimension = 'total' order by departement, type`),
    );
    expect(lignes).toEqual([
      { departement: '57', type: '', activites: 2 },
      { departement: '57', type: 'individuel', activites: 2 },
      { departement: 'FR', type: '', activites: 2 },
      { departement: 'FR', type: 'individuel', activites: 2 },
    ]);
  });

  it('the timer every instance runs empties the journal, and stops cleanly', async () => {
    await enregistrer('2026-06-12');
    expect(await journal()).toBeGreaterThan(0);
    const errors: unknown[] = [];
    const replieur = demarrerRepliage(database.db, { error: (o) => errors.push(o) }, 20);
    await expect.poll(journal, { timeout: 30_000, interval: 50 }).toBe(0);
    await replieur.stop();
    expect(errors).toEqual([]);
    expect(await national()).toBe(3);
  });
});
