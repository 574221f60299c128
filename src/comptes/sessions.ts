import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { Principal } from '../platform/access.js';
import { randomToken, sha256 } from '../platform/crypto.js';
import { sessions, users } from './schema.js';
import { principalOf, rolesColumn } from './users.js';

/** A session ends after 12 hours without activity, and after 7 days in any case. */
export const SESSION_IDLE_MS = 12 * 3600_000;
export const SESSION_MAX_MS = 7 * 24 * 3600_000;
const TOUCH_EVERY_MS = 5 * 60_000;

export async function createSession(
  db: Db,
  userId: string,
  meta: { ip?: string; userAgent?: string | undefined } = {},
): Promise<{ cookie: string; key: string }> {
  const cookie = randomToken(32);
  const key = sha256(cookie);
  await db.insert(sessions).values({
    idHash: key,
    userId,
    expiresAt: new Date(Date.now() + SESSION_IDLE_MS),
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  });
  return { cookie, key };
}

/** The user behind a session cookie, sliding its expiry; null when unknown, expired or the account is disabled. */
export async function resolveSession(db: Db, cookie: string): Promise<{ user: Principal; sessionKey: string } | null> {
  const key = sha256(cookie);
  const now = new Date();
  // One round trip: the session, its user and the user's roles.
  const [s] = await db
    .select({ createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, user: users, roles: rolesColumn })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, key), gt(sessions.expiresAt, now), eq(users.active, true)))
    .limit(1);
  if (!s || now.getTime() - s.createdAt.getTime() > SESSION_MAX_MS) return null;
  if (now.getTime() - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_IDLE_MS) })
      .where(eq(sessions.idHash, key));
  }
  return { user: principalOf(s.user, s.roles), sessionKey: key };
}

export async function destroySession(db: Db, key: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, key));
}

/** Ends every session of a user (password change, disabled account), optionally keeping one. */
export async function destroyUserSessions(db: Db, userId: string, exceptKey?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), exceptKey ? sql`${sessions.idHash} <> ${exceptKey}` : undefined));
}

export async function purgeExpiredSessions(db: Db): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date()));
}
