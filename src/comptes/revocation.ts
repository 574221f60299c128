import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { recordAudit, type Actor } from '../audit/audit.js';
import { apiTokens, sessions } from './schema.js';

/**
 * Ends what lets someone act as this account without its password: every session (but the one
 * kept, the current one after a password change) and every API token. Called inside the
 * transaction of a password change, a reset and a disabling. Returns how many tokens were revoked.
 */
export async function revokeCredentials(tx: Db, actor: Actor, userId: string, opts: { keepSessionKey?: string | undefined; reason: string }): Promise<{ revokedTokens: number }> {
  await tx.delete(sessions).where(and(eq(sessions.userId, userId), opts.keepSessionKey ? sql`${sessions.idHash} <> ${opts.keepSessionKey}` : undefined));
  const revoked = await tx
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (revoked.length > 0) {
    await recordAudit(tx, actor, {
      action: 'jetons.revoques',
      objectType: 'utilisateur',
      objectId: userId,
      summary: `${revoked.length} jeton${revoked.length > 1 ? 's' : ''} d'API révoqué${revoked.length > 1 ? 's' : ''} (${opts.reason})`,
    });
  }
  return { revokedTokens: revoked.length };
}
