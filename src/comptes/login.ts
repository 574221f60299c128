import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db.js';
import type { Mailer } from '../platform/mail.js';
import { hit } from '../platform/rate-limit/rate-limit.js';
import { loginAttempts } from './schema.js';
import { findUserByEmail, markLogin, normaliseEmail, type User } from './users.js';
import { verifyAgainstDummy, verifyPassword } from './passwords.js';
import type { Device } from './device.js';
import { disabledSignInMail } from './security-mails.js';

/*
 * Login throttling, after OWASP's guidance: no hard lock of an account for everybody.
 * - Failures are counted per (account, client): the client is the device when the browser carries
 *   a device cookie for this account (./device.ts), the IP otherwise. After a few free failures,
 *   each further attempt of that client on that account waits a delay that doubles with each
 *   failure (30 s, 1 min, 2 min… up to 15 min). Other clients are not affected: the owner, from
 *   another IP or with their device cookie, signs in.
 * - Failures are also counted per IP, over every account (credential stuffing): past the limit,
 *   that IP's attempts are refused until failures leave the window; a device cookie for the
 *   account tried lets its holder through.
 * - A success clears the failures of its (account, client).
 */
export const FREE_FAILURES_PER_CLIENT = 5;
export const FIRST_DELAY_MS = 30_000;
export const MAX_DELAY_MS = 15 * 60_000;
export const CLIENT_WINDOW_MS = 60 * 60_000;
export const IP_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_IP = 30;
/** At most one mail an hour about sign-ins to a disabled account. */
export const DISABLED_MAIL_WINDOW_S = 3600;

export type LoginResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }
  /** The right password for a disabled account: answered exactly like `invalid`. */
  | { ok: false; reason: 'disabled'; user: User };

/** The wait imposed on a client after `failures` failures on one account (0 while free). */
export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES_PER_CLIENT) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES_PER_CLIENT), MAX_DELAY_MS);
}

export interface LoginClient {
  ip: string;
  /** The browser's verified device cookie, if any. */
  device?: Device | null;
}

/**
 * Checks an e-mail and password, throttled per (account, client) and per IP. The answer for an
 * unknown e-mail is the same, and takes the same time, as for a wrong password.
 */
export async function attemptLogin(db: Db, emailInput: string, password: string, client: LoginClient | string, now = new Date()): Promise<LoginResult> {
  const { ip: rawIp, device } = typeof client === 'string' ? { ip: client, device: null } : client;
  const ip = throttleAddress(rawIp);
  const email = normaliseEmail(emailInput);
  const user = await findUserByEmail(db, email);
  const deviceId = user && device?.accounts.includes(user.id) ? device.id : null;
  // The attempt is written as a failure before the (slow) password check, then counted with the
  // others: concurrent attempts see each other, so parallel guesses cannot slip past the limit.
  const [attempt] = await db.insert(loginAttempts).values({ email, ip, device: deviceId, success: false, at: now }).returning({ id: loginAttempts.id });
  const own = attempt!.id;
  const sameClient = deviceId
    ? and(eq(loginAttempts.email, email), eq(loginAttempts.device, deviceId))
    : and(eq(loginAttempts.email, email), eq(loginAttempts.ip, ip), isNull(loginAttempts.device));

  const wait = (await clientWait(db, sameClient, own, now)) || (deviceId ? 0 : await ipWait(db, ip, own, now));
  if (wait > 0) {
    // A refused attempt is not counted: it does not extend the wait.
    await db.delete(loginAttempts).where(eq(loginAttempts.id, own));
    return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(wait / 1000) };
  }
  if (Math.random() < 0.01) await purgeOldAttempts(db, now);
  const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDummy(password);
  if (!ok || !user) return { ok: false, reason: 'invalid' };
  if (!user.active) return { ok: false, reason: 'disabled', user }; // stays a failure, like a wrong password
  await db.update(loginAttempts).set({ success: true }).where(eq(loginAttempts.id, own));
  await db.delete(loginAttempts).where(and(sameClient, eq(loginAttempts.success, false)));
  await markLogin(db, user.id);
  return { ok: true, user };
}

/** Milliseconds this (account, client) must still wait; 0 when it may try now. */
async function clientWait(db: Db, sameClient: ReturnType<typeof and>, own: number, now: Date): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int`, last: sql<Date | null>`max(${loginAttempts.at})`.mapWith(loginAttempts.at) })
    .from(loginAttempts)
    .where(and(sameClient, eq(loginAttempts.success, false), gt(loginAttempts.at, new Date(now.getTime() - CLIENT_WINDOW_MS)), sql`${loginAttempts.id} <> ${own}`));
  const delay = delayAfter(r?.n ?? 0);
  if (delay === 0 || !r?.last) return 0;
  return Math.max(0, r.last.getTime() + delay - now.getTime());
}

/** Milliseconds until this IP's failures, over every account, drop below the limit; 0 when under it. */
async function ipWait(db: Db, ip: string, own: number, now: Date): Promise<number> {
  const since = new Date(now.getTime() - IP_WINDOW_MS);
  const recent = and(eq(loginAttempts.ip, ip), eq(loginAttempts.success, false), gt(loginAttempts.at, since), sql`${loginAttempts.id} <> ${own}`);
  const [r] = await db.select({ n: sql<number>`count(*)::int` }).from(loginAttempts).where(recent);
  const n = r?.n ?? 0;
  if (n < MAX_FAILURES_PER_IP) return 0;
  // The failure whose expiry brings the count back under the limit.
  const [edge] = await db
    .select({ at: loginAttempts.at })
    .from(loginAttempts)
    .where(recent)
    .orderBy(asc(loginAttempts.at))
    .offset(n - MAX_FAILURES_PER_IP)
    .limit(1);
  return edge ? Math.max(1000, edge.at.getTime() + IP_WINDOW_MS - now.getTime()) : 1000;
}

/**
 * Tells the owner of a disabled account that someone signed in with its password, at most once an
 * hour. SMTP delivery is not awaited (its time would show in the answer); the outbox is.
 */
export async function notifyDisabledSignIn(db: Db, mailer: Mailer, user: User, onError: (e: unknown) => void = () => undefined): Promise<void> {
  const send = async () => {
    const { allowed } = await hit(db, `compte-desactive:courriel:${user.id}`, { limit: 1, windowSeconds: DISABLED_MAIL_WINDOW_S });
    if (allowed) await mailer.send(disabledSignInMail(user));
  };
  const sending = send().catch(onError);
  if (mailer.kind === 'outbox') await sending;
}

export async function purgeOldAttempts(db: Db, now = new Date()): Promise<void> {
  await db.delete(loginAttempts).where(sql`${loginAttempts.at} < ${new Date(now.getTime() - 24 * 3600_000).toISOString()}`);
}

/**
 * The address failures are counted by: an IPv4 address as is, an IPv6 address by its /64 (one
 * subscriber usually holds a whole /64: counting each address would let it try without limit).
 */
export function throttleAddress(ip: string): string {
  const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4mapped) return v4mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
