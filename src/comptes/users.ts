import { and, asc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { ROLES, ROLE_NEEDS_DEPARTEMENT, ROLE_NEEDS_STRUCTURE, type Principal, type Role, type RoleGrant } from '../platform/access.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { roleAssignments, users } from './schema.js';
import { isUuid } from '../platform/ids.js';
import { revokeCredentials } from './revocation.js';

export type User = typeof users.$inferSelect;

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_NAME_LENGTH = 100;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailProblem(email: string): string | null {
  if (!email) return "Saisissez l'adresse électronique.";
  if (email.length > MAX_EMAIL_LENGTH) return `L'adresse électronique doit contenir au plus ${MAX_EMAIL_LENGTH} caractères.`;
  if (!EMAIL_RE.test(email)) return "Saisissez une adresse électronique valide, par exemple nom@domaine.fr.";
  return null;
}

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [u] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${normaliseEmail(email)}`)
    .limit(1);
  return u;
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  if (!isUuid(id)) return undefined;
  const [u] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return u;
}

export function toPrincipal(u: User, roles: RoleGrant[]): Principal {
  return { id: u.id, email: u.email, firstName: u.firstName, lastName: u.lastName, roles };
}

/** A user's role grants as one JSON column, for queries that load a user and their roles in one round trip. */
export const rolesColumn = sql<RoleGrant[]>`coalesce((
  select json_agg(json_build_object('role', r.role, 'departement', r.departement, 'structureId', r.structure_id) order by r.created_at)
  from role_assignments r where r.user_id = ${users.id}), '[]'::json)`;

export function principalOf(u: User, roles: RoleGrant[]): Principal {
  return toPrincipal(u, roles.filter((g) => (ROLES as readonly string[]).includes(g.role)));
}

export interface NewUser {
  email: string;
  firstName: string;
  lastName: string;
  passwordHash?: string | null;
  roles: RoleGrant[];
}

export class DuplicateEmailError extends Error {
  constructor() {
    super('Un compte existe déjà avec cette adresse électronique.');
  }
}

export function grantProblem(g: RoleGrant): string | null {
  if (!ROLES.includes(g.role)) return 'Rôle inconnu.';
  if (ROLE_NEEDS_DEPARTEMENT.has(g.role) && !g.departement) return 'Ce rôle est rattaché à un département : choisissez-le.';
  if (ROLE_NEEDS_STRUCTURE.has(g.role) && !g.structureId) return 'Ce rôle est rattaché à une structure : choisissez-la.';
  return null;
}

export async function createUser(db: Db, actor: Actor, input: NewUser): Promise<User> {
  return db.transaction(async (tx) => {
    if (await findUserByEmail(tx, input.email)) throw new DuplicateEmailError();
    const [u] = await tx
      .insert(users)
      .values({
        email: input.email.trim(),
        firstName: input.firstName.trim(),
        lastName: input.lastName.trim(),
        passwordHash: input.passwordHash ?? null,
      })
      .returning();
    if (!u) throw new Error('insert failed');
    for (const g of input.roles) {
      await tx.insert(roleAssignments).values({ userId: u.id, role: g.role, departement: g.departement, structureId: g.structureId });
    }
    await recordAudit(tx, actor, {
      action: 'utilisateur.cree',
      objectType: 'utilisateur',
      objectId: u.id,
      summary: `Compte créé pour ${u.email} (${input.roles.map((r) => r.role).join(', ') || 'sans rôle'})`,
      after: { email: u.email, roles: input.roles },
    });
    return u;
  });
}

export class DuplicateRoleError extends Error {
  constructor() {
    super('Ce compte a déjà ce rôle, avec la même portée.');
  }
}

export interface GrantRow extends RoleGrant {
  id: string;
}

export async function listGrants(db: Db, userId: string): Promise<GrantRow[]> {
  if (!isUuid(userId)) return [];
  const rows = await db
    .select({ id: roleAssignments.id, role: roleAssignments.role, departement: roleAssignments.departement, structureId: roleAssignments.structureId })
    .from(roleAssignments)
    .where(eq(roleAssignments.userId, userId))
    .orderBy(asc(roleAssignments.createdAt));
  return rows.filter((r): r is GrantRow => (ROLES as readonly string[]).includes(r.role));
}

/** Gives a user one more role; the same role with the same scope twice is refused. */
export async function addRole(db: Db, actor: Actor, userId: string, g: RoleGrant): Promise<void> {
  await db.transaction(async (tx) => {
    const same = (await listGrants(tx, userId)).some((x) => x.role === g.role && x.departement === g.departement && x.structureId === g.structureId);
    if (same) throw new DuplicateRoleError();
    await tx.insert(roleAssignments).values({ userId, role: g.role, departement: g.departement, structureId: g.structureId });
    await recordAudit(tx, actor, { action: 'utilisateur.role_ajoute', objectType: 'utilisateur', objectId: userId, summary: `Rôle ${g.role} ajouté`, after: g });
  });
}

export async function removeRole(db: Db, actor: Actor, userId: string, grantId: string): Promise<boolean> {
  if (!isUuid(grantId) || !isUuid(userId)) return false;
  return db.transaction(async (tx) => {
    const [removed] = await tx
      .delete(roleAssignments)
      .where(and(eq(roleAssignments.id, grantId), eq(roleAssignments.userId, userId)))
      .returning();
    if (!removed) return false;
    if (removed.role === 'admin') await ensureAnAdminRemains(tx);
    await recordAudit(tx, actor, {
      action: 'utilisateur.role_retire',
      objectType: 'utilisateur',
      objectId: userId,
      summary: `Rôle ${removed.role} retiré`,
      before: { role: removed.role, departement: removed.departement, structureId: removed.structureId },
    });
    return true;
  });
}

export class LastAdminError extends Error {
  constructor() {
    super('C’est le dernier administrateur actif : nommez-en un autre d’abord.');
  }
}

/**
 * Inside a transaction that removes an admin role or disables an account: fails when no active
 * admin would remain. The advisory lock serialises such changes, so two admins removing each other
 * at the same moment cannot both succeed.
 */
async function ensureAnAdminRemains(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(727275)`);
  const [r] = await tx
    .select({ n: sql<number>`count(distinct ${users.id})::int` })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(and(eq(roleAssignments.role, 'admin'), eq(users.active, true)));
  if ((r?.n ?? 0) === 0) throw new LastAdminError();
}

/**
 * Sets a user's password, and ends the credentials that outlived the old one: every session but
 * `keepSessionKey` (the one making the change), and every API token.
 */
export async function setPassword(db: Db, actor: Actor, userId: string, passwordHash: string, opts: { keepSessionKey?: string | undefined } = {}): Promise<{ revokedTokens: number }> {
  return db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    await recordAudit(tx, actor, {
      action: 'utilisateur.mot_de_passe',
      objectType: 'utilisateur',
      objectId: userId,
      summary: 'Mot de passe défini',
    });
    return revokeCredentials(tx, actor, userId, { keepSessionKey: opts.keepSessionKey, reason: 'mot de passe changé' });
  });
}

/** Disables (its sessions end and its API tokens are revoked) or re-enables an account. */
export async function setActive(db: Db, actor: Actor, userId: string, active: boolean): Promise<{ revokedTokens: number }> {
  return db.transaction(async (tx) => {
    await tx.update(users).set({ active }).where(eq(users.id, userId));
    if (!active) await ensureAnAdminRemains(tx);
    await recordAudit(tx, actor, {
      action: active ? 'utilisateur.reactive' : 'utilisateur.desactive',
      objectType: 'utilisateur',
      objectId: userId,
      summary: active ? 'Compte réactivé' : 'Compte désactivé',
      before: { active: !active },
      after: { active },
    });
    return active ? { revokedTokens: 0 } : revokeCredentials(tx, actor, userId, { reason: 'compte désactivé' });
  });
}

export interface UserListRow {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  active: boolean;
  hasPassword: boolean;
  lastLoginAt: Date | null;
  roles: RoleGrant[];
}

export async function listUsers(db: Db, opts: { q?: string | undefined; limit?: number; offset?: number }): Promise<UserListRow[]> {
  const like = opts.q ? `%${opts.q.replace(/[%_\\]/g, (c) => '\\' + c)}%` : undefined;
  const rows = await db
    .select()
    .from(users)
    .where(like ? or(ilike(users.email, like), ilike(users.lastName, like), ilike(users.firstName, like)) : undefined)
    .orderBy(asc(users.lastName), asc(users.firstName))
    .limit(opts.limit ?? 50)
    .offset(opts.offset ?? 0);
  const ids = rows.map((r) => r.id);
  const grants = ids.length
    ? await db
        .select()
        .from(roleAssignments)
        .where(sql`${roleAssignments.userId} in ${ids}`)
    : [];
  return rows.map((u) => ({
    id: u.id,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    active: u.active,
    hasPassword: u.passwordHash !== null,
    lastLoginAt: u.lastLoginAt,
    roles: grants
      .filter((g) => g.userId === u.id)
      .map((g) => ({ role: g.role as Role, departement: g.departement, structureId: g.structureId })),
  }));
}

export async function countUsers(db: Db): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return r?.n ?? 0;
}

/** Accounts holding a role bound to one of these structures (e.g. a structure's conseillers). */
export async function countUsersWithRoleInStructures(db: Db, role: Role, structureIds: string[]): Promise<number> {
  if (structureIds.length === 0) return 0;
  const [r] = await db
    .select({ n: sql<number>`count(distinct ${roleAssignments.userId})::int` })
    .from(roleAssignments)
    .where(and(eq(roleAssignments.role, role), sql`${roleAssignments.structureId} in ${structureIds}`));
  return r?.n ?? 0;
}

export async function markLogin(db: Db, userId: string): Promise<void> {
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, userId));
}

/** Active accounts holding `role` in one of these structures, with their names (e.g. a structure's conseillers). */
export async function usersWithRoleInStructures(db: Db, role: Role, ids: string[]): Promise<{ id: string; firstName: string; lastName: string; structureId: string }[]> {
  const structureIds = ids.filter(isUuid); // anything else would fail the ::uuid cast
  if (structureIds.length === 0) return [];
  const rows = await db
    .select({ id: users.id, firstName: users.firstName, lastName: users.lastName, structureId: roleAssignments.structureId })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(and(eq(roleAssignments.role, role), eq(users.active, true), sql`${roleAssignments.structureId} in ${structureIds}`))
    .orderBy(asc(users.lastName), asc(users.firstName));
  return rows.map((r) => ({ ...r, structureId: r.structureId! }));
}

/** First and last names of these accounts, by id. */
export async function userNames(db: Db, ids: string[]): Promise<Map<string, { firstName: string; lastName: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: users.id, firstName: users.firstName, lastName: users.lastName }).from(users).where(sql`${users.id} in ${ids}`);
  return new Map(rows.map((r) => [r.id, { firstName: r.firstName, lastName: r.lastName }]));
}

/**
 * Active accounts holding one of `roles` per structure (each account once per structure): every
 * structure when `structureIds` is absent. Structures with nobody are absent from the map.
 */
export async function countActiveUsersByStructure(db: Db, roles: Role[], structureIds?: string[]): Promise<Map<string, number>> {
  const ids = structureIds?.filter(isUuid);
  if (ids && ids.length === 0) return new Map();
  const rows = await db
    .select({ structureId: roleAssignments.structureId, n: sql<number>`count(distinct ${roleAssignments.userId})::int` })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(and(inArray(roleAssignments.role, roles), eq(users.active, true), sql`${roleAssignments.structureId} is not null`, ids ? inArray(roleAssignments.structureId, ids) : undefined))
    .groupBy(roleAssignments.structureId);
  return new Map(rows.map((r) => [r.structureId!, r.n]));
}
