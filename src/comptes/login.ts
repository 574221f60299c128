import { and, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import { loginAttempts } from './schema.js';
import { findUserByEmail, markLogin, normaliseEmail, type User } from './users.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';

/** Throttling: after this many failures in the window, further attempts are refused until it passes. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 30;

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' | 'throttled' | 'disabled' | 'no_password' };

async function recentFailures(db: Db, column: 'email' | 'ip', value: string): Promise<number> {
  const since = new Date(Date.now() - THROTTLE_WINDOW_MS);
  const col = column === 'email' ? loginAttempts.email : loginAttempts.ip;
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(loginAttempts)
    .where(and(eq(col, value), eq(loginAttempts.success, false), gt(loginAttempts.at, since)));
  return r?.n ?? 0;
}

/**
 * Checks an e-mail and password, throttled per account and per IP. The answer for an unknown
 * e-mail is the same, and takes the same time, as for a wrong password.
 */
export async function attemptLogin(db: Db, emailInput: string, password: string, ip: string): Promise<LoginResult> {
  const email = normaliseEmail(emailInput);
  // The attempt is written as a failure before the (slow) password check, then counted with the
  // others: concurrent attempts see each other, so parallel guesses cannot slip past the limit.
  const [attempt] = await db.insert(loginAttempts).values({ email, ip, success: false }).returning({ id: loginAttempts.id });
  if (
    (await recentFailures(db, 'email', email)) > MAX_FAILURES_PER_ACCOUNT ||
    (await recentFailures(db, 'ip', ip)) > MAX_FAILURES_PER_IP
  ) {
    // A refused attempt does not extend the lock-out.
    await db.delete(loginAttempts).where(eq(loginAttempts.id, attempt!.id));
    return { ok: false, reason: 'throttled' };
  }
  const user = await findUserByEmail(db, email);
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  if (!ok || !user) return { ok: false, reason: 'invalid' };
  await db.update(loginAttempts).set({ success: true }).where(eq(loginAttempts.id, attempt!.id));
  if (!user.active) return { ok: false, reason: 'disabled' };
  await markLogin(db, user.id);
  return { ok: true, user };
}

export async function purgeOldAttempts(db: Db): Promise<void> {
  await db.delete(loginAttempts).where(sql`${loginAttempts.at} < now() - interval '1 day'`);
}
