import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db.js';
import { isApi } from '../http.js';
import { ErrorPage } from '../views/errors.js';
import { hit, type RateLimitOptions } from './rate-limit.js';

/** One limit to enforce: a key (namespaced, e.g. `mdp-oublie:ip:203.0.113.7`) and its window. */
export interface RateRule extends Omit<RateLimitOptions, 'now'> {
  key: string;
}

/** « 45 secondes », « 1 minute », « 12 minutes »: how long to wait, in French. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} seconde${seconds > 1 ? 's' : ''}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes > 1 ? 's' : ''}`;
}

/**
 * Answers 429 with a Retry-After header: a French HTML page, or `application/problem+json` under /api/.
 */
export function tooManyRequests(request: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const message = `Trop de tentatives, réessayez dans ${formatWait(seconds)}.`;
  reply.header('retry-after', String(seconds));
  if (isApi(request)) return reply.problem(429, 'Trop de requêtes', message, { retry_after: seconds });
  return reply.html(ErrorPage({ ctx: request.ctx(), status: 429, title: 'Trop de tentatives', message }), 429);
}

/**
 * Counts one hit on every rule (all of them, so that each limit sees the traffic) and, when one
 * refuses, sends the 429 answer and returns the reply; returns null when the request may go on.
 *
 *     const refused = await enforceRateLimit(request, reply, db, [{ key: `x:ip:${clientIp(request)}`, limit: 10, windowSeconds: 600 }]);
 *     if (refused) return refused;
 */
export async function enforceRateLimit(request: FastifyRequest, reply: FastifyReply, db: Db, rules: RateRule[], now?: Date): Promise<FastifyReply | null> {
  let wait = 0;
  for (const rule of rules) {
    const { key, ...opts } = rule;
    const r = await hit(db, key, { ...opts, ...(now ? { now } : {}) });
    if (!r.allowed) wait = Math.max(wait, r.retryAfterSeconds);
  }
  if (wait === 0) return null;
  request.log.info({ keys: rules.map((r) => r.key.split(':')[0]), retryAfter: wait }, 'rate limited');
  return tooManyRequests(request, reply, wait);
}
