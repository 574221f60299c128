import { DEMO_RECRUTEMENT_COMPTES } from '../recrutement/demo.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../platform/testing.js';
import type { Database } from '../platform/db.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { countUsers, createUser, findUserByEmail } from '../comptes/users.js';
import { createStructure, findStructureBySiret, listStructures, validateStructure } from '../structures/structures.js';
import { siretProblem } from '../structures/siret.js';
import { DEMO_ACCOUNTS, DEMO_STRUCTURES, demoSiret, resetDemo, seedDemo, seedDemoIfEmpty } from './seed.js';
import { DEMO_PROGRAMME_STRUCTURES } from '../programme/demo.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.close());

describe('demo data', () => {
  it('uses valid, invented SIRETs', () => {
    DEMO_STRUCTURES.forEach((_, i) => {
      expect(siretProblem(demoSiret(i))).toBeNull();
      expect(demoSiret(i).startsWith('999')).toBe(true);
    });
  });

  it('seeds only an empty database, and a reset leaves real data untouched', async () => {
    expect(await seedDemoIfEmpty(database.db)).toBe(true);
    expect(await seedDemoIfEmpty(database.db)).toBe(false);
    expect(await countUsers(database.db)).toBe(DEMO_ACCOUNTS.length + DEMO_RECRUTEMENT_COMPTES);

    const v = validateStructure({ siret: '21570463000015', nom: 'Structure réelle', type: 'commune', adresse: '1 rue', codePostal: '57200', communeInsee: '57631' });
    if (!v.ok) throw new Error('invalid');
    const real = await createStructure(database.db, SYSTEM_ACTOR, v.value);
    await createUser(database.db, SYSTEM_ACTOR, { email: 'vraie@exemple.fr', firstName: 'V', lastName: 'R', roles: [] });
    const metzBefore = await findStructureBySiret(database.db, demoSiret(1));

    await resetDemo(database.db);

    expect(await findUserByEmail(database.db, 'vraie@exemple.fr')).toBeDefined();
    expect((await findStructureBySiret(database.db, real.siret))?.id).toBe(real.id);
    const metzAfter = await findStructureBySiret(database.db, demoSiret(1));
    expect(metzAfter?.id).not.toBe(metzBefore?.id); // rebuilt
    expect(await countUsers(database.db)).toBe(DEMO_ACCOUNTS.length + DEMO_RECRUTEMENT_COMPTES + 1);
    const all = await listStructures(database.db, { all: true, departements: [], structureIds: [] });
    expect(all.total).toBe(DEMO_STRUCTURES.length + DEMO_PROGRAMME_STRUCTURES.length + 1); // + the programme's Moselle structures
  });

  it('refuses to seed twice on top of itself (one structure per SIRET)', async () => {
    await expect(seedDemo(database.db)).rejects.toThrow();
  });
});
