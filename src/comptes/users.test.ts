import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../platform/testing.js';
import type { Database } from '../platform/db.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { seedDemo } from '../demo/seed.js';
import { createUser, findUserByEmail, LastAdminError, listGrants, removeRole, setActive } from './users.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemo(database.db);
});
afterAll(async () => database.close());

describe('the platform keeps at least one active admin', () => {
  it('refuses to disable the last admin', async () => {
    const admin = (await findUserByEmail(database.db, 'admin@demo.test'))!;
    await expect(setActive(database.db, SYSTEM_ACTOR, admin.id, false)).rejects.toThrow(LastAdminError);
    expect((await findUserByEmail(database.db, 'admin@demo.test'))!.active).toBe(true);
  });

  it('lets only one of two admins remove the other at the same moment', async () => {
    const a = (await findUserByEmail(database.db, 'admin@demo.test'))!;
    const b = await createUser(database.db, SYSTEM_ACTOR, { email: 'admin2@exemple.fr', firstName: 'B', lastName: 'Admin', roles: [{ role: 'admin', departement: null, structureId: null }] });
    const grantOf = async (id: string) => (await listGrants(database.db, id)).find((g) => g.role === 'admin')!.id;
    const results = await Promise.allSettled([
      removeRole(database.db, SYSTEM_ACTOR, a.id, await grantOf(a.id)),
      removeRole(database.db, SYSTEM_ACTOR, b.id, await grantOf(b.id)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(LastAdminError);
    const admins = [...(await listGrants(database.db, a.id)), ...(await listGrants(database.db, b.id))].filter((g) => g.role === 'admin');
    expect(admins).toHaveLength(1);
  });
});
