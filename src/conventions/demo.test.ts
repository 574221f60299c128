/** The agreements' demo: the Moselle wave-1 agreements in their different states, and a reset that leaves nothing behind. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestContext } from '../platform/testing.js';
import { findStructureBySiret } from '../structures/structures.js';
import { DEMO_STRUCTURES, demoSiret, resetDemo } from '../demo/seed.js';
import { conventions, postes } from './schema.js';
import { conventionsDeStructure } from './conventions.js';

let t: TestContext;
const idOf = async (key: string) => (await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === key))))!.id;

beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => t.close());

describe('the agreements demo', () => {
  it('Metz validated and partly paid, everything justified; Thionville in instruction; Achen with its vacant post flagged; the others to sign', async () => {
    const [metz] = await conventionsDeStructure(t.database.db, await idOf('metz'));
    expect(metz).toMatchObject({ statut: 'CONVENTIONNEMENT_VALIDE', etat: 'accepte', postes: 3, prioritaire: true, montantCentimes: 17_250_000, verseCentimes: 12_937_500, aReverserCentimes: 0 });
    expect(metz!.justifieCentimes).toBeGreaterThanOrEqual(12_937_500);
    const metzPostes = await t.database.db.select().from(postes).where(eq(postes.conventionId, metz!.id));
    expect(metzPostes.map((p) => p.etat).sort()).toEqual(['occupe', 'occupe', 'occupe']);
    const [thionville] = await conventionsDeStructure(t.database.db, await idOf('thionville'));
    expect(thionville).toMatchObject({ etat: 'en_instruction', statut: 'CONVENTIONNEMENT_EN_COURS' });
    const [achen] = await conventionsDeStructure(t.database.db, await idOf('achen'));
    expect(achen).toMatchObject({ etat: 'accepte', verseCentimes: achen!.montantCentimes / 2 });
    expect(achen!.alertes).toContain('poste_vacant');
    const all = await t.database.db.select().from(conventions);
    expect(all.filter((c) => c.etat === 'en_construction').length).toBeGreaterThan(5);
    expect(all.every((c) => c.demo && c.region === '44' && c.departement === '57')).toBe(true);
  });

  it('a reset removes and seeds them again, the same story', async () => {
    const before = (await t.database.db.select().from(conventions)).length;
    await resetDemo(t.database.db);
    const after = await t.database.db.select().from(conventions);
    expect(after.length).toBe(before);
    expect(after.filter((c) => c.etat === 'accepte').length).toBe(2);
  }, 120_000);
});
