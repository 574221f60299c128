import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../db.js';
import { sha256 } from '../crypto.js';
import { rateLimitCounters } from './schema.js';

export interface RateLimitOptions {
  /** Hits allowed in one window. */
  limit: number;
  windowSeconds: number;
  /**
   * 'sliding' (default) weighs the previous window's count by how much of it still overlaps the
   * last `windowSeconds`: no burst of 2 × limit around a window boundary. 'fixed' resets at each boundary.
   */
  mode?: 'fixed' | 'sliding';
  /** The clock (tests move it); defaults to the current time. */
  now?: Date;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Hits still allowed right now. */
  remaining: number;
  /** When refused, seconds until a new hit is allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

/** One hit in `PURGE_ONE_IN` also deletes the expired rows (an index range on expires_at). */
export const PURGE_ONE_IN = 100;
const MAX_KEY_LENGTH = 200;

/**
 * Counts one hit for `key` and says whether it is within the limit. The increment is a single
 * atomic upsert on (key, window): concurrent requests and several instances share the count, on
 * PGlite and PostgreSQL alike. A refused hit is counted too, but a window never counts more than
 * `limit + 1`, so hammering does not extend the refusal beyond the next window.
 * Long keys are hashed: pass e-mail addresses or tokens hashed anyway (no personal data at rest).
 */
export async function hit(db: Db, key: string, opts: RateLimitOptions): Promise<RateLimitResult> {
  const { limit } = opts;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  if (!(opts.windowSeconds > 0)) throw new RangeError('windowSeconds must be positive');
  const now = (opts.now ?? new Date()).getTime();
  const w = opts.windowSeconds * 1000;
  const start = Math.floor(now / w) * w;
  const k = key.length > MAX_KEY_LENGTH ? `sha256:${sha256(key)}` : key;
  const windowStart = new Date(start);
  const previousStart = new Date(start - w);
  const expiresAt = new Date(start + 2 * w);
  // One statement: the upsert of this window's counter, and the previous window's count.
  const rows = await db.execute(sql`
    with up as (
      insert into ${rateLimitCounters} as c (key, window_start, count, expires_at)
      values (${k}, ${windowStart.toISOString()}, 1, ${expiresAt.toISOString()})
      on conflict (key, window_start) do update set count = least(c.count + 1, ${limit + 1})
      returning c.count
    )
    select (select count from up)::int as current,
      (select p.count from ${rateLimitCounters} p where p.key = ${k} and p.window_start = ${previousStart.toISOString()})::int as previous`);
  const row = rowsOf<{ current: number; previous: number | null }>(rows)[0];
  const current = Number(row?.current ?? 1);
  const previous = opts.mode === 'fixed' ? 0 : Number(row?.previous ?? 0);
  if (Math.random() * PURGE_ONE_IN < 1) await purgeRateLimits(db, new Date(now));
  return decide({ limit, w, now, start, current, previous, fixed: opts.mode === 'fixed' });
}

/** The decision, from this window's count (this hit included) and the previous window's. Pure. */
export function decide(p: { limit: number; w: number; now: number; start: number; current: number; previous: number; fixed: boolean }): RateLimitResult {
  const { limit, w, now, start, current, previous } = p;
  const elapsed = (now - start) / w; // in [0, 1)
  const estimate = previous * (1 - elapsed) + current;
  if (estimate <= limit) return { allowed: true, remaining: Math.max(0, Math.floor(limit - estimate)), retryAfterSeconds: 0 };
  let waitMs: number;
  if (p.fixed) waitMs = start + w - now;
  else if (current + 1 <= limit && previous > 0) {
    // Within this window, once enough of the previous one has slid out: previous·(1 − f) + current + 1 ≤ limit.
    const f = 1 - (limit - current - 1) / previous;
    waitMs = start + f * w - now;
  } else {
    // In the next window, where this one is the previous: current·(1 − f) + 1 ≤ limit.
    const f = Math.max(0, 1 - (limit - 1) / current);
    waitMs = start + w + f * w - now;
  }
  return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** Deletes the counters no decision reads any more. Cheap: a range of the expires_at index. */
export async function purgeRateLimits(db: Db, now = new Date()): Promise<void> {
  await db.delete(rateLimitCounters).where(sql`${rateLimitCounters.expiresAt} <= ${now.toISOString()}`);
}

