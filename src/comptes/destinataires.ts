import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { Role } from '../platform/access.js';
import { roleAssignments, users } from './schema.js';

/** Who a message goes to: one user, or everyone holding a role (within a département / a structure). */
export type Recipients =
  | { userId: string }
  | { userIds: string[] }
  | { role: Role; departement?: string | undefined; structureId?: string | undefined };

export interface Recipient {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

/** The active accounts a message for `to` reaches (each once). */
export async function resolveRecipients(db: Db, to: Recipients): Promise<Recipient[]> {
  const cols = { id: users.id, email: users.email, firstName: users.firstName, lastName: users.lastName };
  if ('userId' in to || 'userIds' in to) {
    const ids = 'userId' in to ? [to.userId] : to.userIds;
    if (ids.length === 0) return [];
    return db.select(cols).from(users).where(and(inArray(users.id, ids), eq(users.active, true)));
  }
  const conds: SQL[] = [eq(roleAssignments.role, to.role), eq(users.active, true)];
  if (to.departement) conds.push(eq(roleAssignments.departement, to.departement));
  if (to.structureId) conds.push(eq(roleAssignments.structureId, to.structureId));
  const rows = await db.selectDistinct(cols).from(roleAssignments).innerJoin(users, eq(users.id, roleAssignments.userId)).where(and(...conds));
  return rows;
}

/** One active account's address, or undefined. */
export async function recipientById(db: Db, id: string): Promise<Recipient | undefined> {
  const [r] = await resolveRecipients(db, { userId: id });
  return r;
}
