import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { Principal } from '../platform/access.js';
import { randomToken, sha256 } from '../platform/crypto.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { apiTokens, users } from './schema.js';
import { principalOf, rolesColumn } from './users.js';
import { isUuid } from '../platform/ids.js';

export const TOKEN_PREFIX = 'cn_';
export const MAX_TOKEN_NAME = 100;

export type ApiToken = typeof apiTokens.$inferSelect;

/** Creates a personal API token; the clear value is returned once and never stored. */
export async function createApiToken(db: Db, actor: Actor, userId: string, name: string): Promise<{ token: string; id: string }> {
  const token = TOKEN_PREFIX + randomToken(32);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({ userId, name: name.slice(0, MAX_TOKEN_NAME), tokenHash: sha256(token), prefix: token.slice(0, 10) })
      .returning({ id: apiTokens.id });
    if (!row) throw new Error('insert failed');
    await recordAudit(tx, actor, {
      action: 'jeton.cree',
      objectType: 'jeton',
      objectId: row.id,
      summary: `Jeton d'API « ${name} » créé`,
    });
    return { token, id: row.id };
  });
}

/**
 * One round trip: the token, its user and the user's roles — built once per database (a named prepared
 * statement on PostgreSQL), as every API request runs it. Read each time: a revoked token, a disabled
 * account or a removed role is refused on the very next request.
 */
const bearerQueries = new WeakMap<Db, ReturnType<typeof buildBearerQuery>>();
function buildBearerQuery(db: Db) {
  return db
    .select({ id: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt, user: users, roles: rolesColumn })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, sql.placeholder('hash')), isNull(apiTokens.revokedAt), eq(users.active, true)))
    .limit(1)
    .prepare('cn_jeton_porteur');
}
function bearerQuery(db: Db) {
  let q = bearerQueries.get(db);
  if (!q) bearerQueries.set(db, (q = buildBearerQuery(db)));
  return q;
}

export async function resolveBearer(db: Db, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const [row] = await bearerQuery(db).execute({ hash: sha256(token) });
  if (!row) return null;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id));
  }
  return principalOf(row.user, row.roles);
}

export async function listTokens(db: Db, userId: string): Promise<ApiToken[]> {
  return db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the user's own tokens; false when it is not theirs or already revoked. */
export async function revokeToken(db: Db, actor: Actor, userId: string, tokenId: string): Promise<boolean> {
  if (!isUuid(tokenId)) return false;
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id, name: apiTokens.name });
    if (rows.length === 0) return false;
    await recordAudit(tx, actor, {
      action: 'jeton.revoque',
      objectType: 'jeton',
      objectId: tokenId,
      summary: `Jeton d'API « ${rows[0]!.name} » révoqué`,
    });
    return true;
  });
}
