/** preparedStatement: built once per database, values by placeholder, null kept null, on both drivers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from './testing.js';
import { preparedStatement, type Database } from './db.js';
import { auditLog } from '../audit/schema.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.close());

describe('preparedStatement', () => {
  let builds = 0;
  const insert = preparedStatement('cn_test_journal', (db) => {
    builds++;
    return sql`${db
      .insert(auditLog)
      .values({ actorUserId: null, actorLabel: sql.placeholder('label') as unknown as string, action: 'test.prepare', objectType: 'test', objectId: sql.placeholder('objet') as unknown as string, summary: 'essai', after: sql.placeholder('apres') as unknown as null })
      .returning({ label: auditLog.actorLabel, objectId: auditLog.objectId, after: auditLog.after })
      .getSQL()}`;
  });

  it('runs with each call’s values, encodes through the column (jsonb), keeps null as null, and builds the text once', async () => {
    const a = await insert(database.db, { label: 'Camille', objet: 'o-1', apres: { n: 1 } });
    const b = await insert(database.db, { label: 'Dominique', objet: null, apres: null });
    expect(a).toEqual([{ actor_label: 'Camille', object_id: 'o-1', after: { n: 1 } }]);
    expect(b).toEqual([{ actor_label: 'Dominique', object_id: null, after: null }]);
    expect(builds).toBe(1);
    const rows = await database.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'test.prepare'`);
    expect(rows[0]!.n).toBe(2);
  });

  it('refuses a call that forgets a value, and a name that is not an identifier', async () => {
    await expect(insert(database.db, { label: 'x', objet: 'y' })).rejects.toThrow(/apres/);
    expect(() => preparedStatement('pas un nom', () => sql`select 1`)).toThrow();
  });
});
