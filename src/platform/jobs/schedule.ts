/**
 * Recurring schedules in Europe/Paris, as pure functions: which occurrence is the latest one at an
 * instant, and the key naming it. A schedule is run by enqueuing its latest occurrence with that key
 * as idempotency key: whatever the number of instances ticking, each period makes exactly one job.
 */

import { parisWall } from '../paris.js';

export type Every = 'daily' | 'hourly';

export interface ScheduleSpec {
  /** Stable name, part of every occurrence's key. */
  name: string;
  every: Every;
  /** Daily: 'HH:MM' Paris time. Hourly: the minute 'MM' (or 'HH:MM', whose hours are ignored). */
  at: string;
}

interface Wall {
  y: number;
  m: number;
  d: number;
  h: number;
  min: number;
}

/** Offset of Paris from UTC at an instant, in milliseconds (3,600,000 in winter, 7,200,000 in summer). */
function offsetAt(t: Date): number {
  const w = parisWall(t);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - (t.getTime() - (t.getTime() % 1000 + 1000) % 1000);
}

/**
 * The instant of a Paris wall-clock time. A time that does not exist (the hour skipped in March)
 * falls one hour later; a time that happens twice (October) is its first occurrence.
 */
export function parisInstant(w: Wall): Date {
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.min);
  // The earlier of the two candidate offsets first: picks the first occurrence of a repeated time.
  for (const off of [7_200_000, 3_600_000]) {
    const t = new Date(asUtc - off);
    if (offsetAt(t) === off) return t;
  }
  return new Date(asUtc - 3_600_000); // skipped in March: read with the winter offset, one hour later
}

function parseAt(spec: ScheduleSpec): { h: number; min: number } {
  const m = /^(?:(\d{1,2}):)?(\d{2})$/.exec(spec.at);
  if (!m) throw new Error(`Planification ${spec.name} : heure « ${spec.at} » invalide (HH:MM)`);
  const h = m[1] === undefined ? 0 : Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) throw new Error(`Planification ${spec.name} : heure « ${spec.at} » invalide (HH:MM)`);
  return { h, min };
}

const pad = (n: number) => String(n).padStart(2, '0');

function shiftDay(w: Wall, days: number): Wall {
  const d = new Date(Date.UTC(w.y, w.m - 1, w.d + days));
  return { ...w, y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

export interface Occurrence {
  /** Idempotency key of this occurrence: `schedule:NAME:2026-12-01` (Paris day) or `schedule:NAME:2026-12-01T13Z` (UTC hour). */
  key: string;
  runAt: Date;
}

/** The latest occurrence of a schedule at or before `now`. */
export function latestOccurrence(spec: ScheduleSpec, now: Date): Occurrence {
  const { h, min } = parseAt(spec);
  const w = parisWall(now);
  if (spec.every === 'daily') {
    let day: Wall = { y: w.y, m: w.m, d: w.d, h, min };
    let runAt = parisInstant(day);
    if (runAt.getTime() > now.getTime()) {
      day = shiftDay(day, -1);
      runAt = parisInstant(day);
    }
    return { key: `schedule:${spec.name}:${day.y}-${pad(day.m)}-${pad(day.d)}`, runAt };
  }
  // hourly: this hour's minute `min`, or the previous hour's
  let runAt = new Date(now.getTime() - ((w.min - min) * 60 + w.s) * 1000 - (now.getTime() % 1000));
  if (runAt.getTime() > now.getTime()) runAt = new Date(runAt.getTime() - 3_600_000);
  // Keyed by the UTC hour: the Paris hour repeated in October is two distinct runs.
  return { key: `schedule:${spec.name}:${runAt.toISOString().slice(0, 13)}Z`, runAt };
}

/** The next occurrence strictly after `now` (shown on the admin page). */
export function nextOccurrence(spec: ScheduleSpec, now: Date): Date {
  const last = latestOccurrence(spec, now).runAt;
  if (spec.every === 'hourly') return new Date(last.getTime() + 3_600_000);
  const { h, min } = parseAt(spec);
  const w = parisWall(last);
  return parisInstant(shiftDay({ y: w.y, m: w.m, d: w.d, h, min }, 1));
}

/** Delay before the next attempt after `attempt` failures: 30 s, 1 min, 2 min… capped at one hour. */
export function backoffMs(attempt: number, baseMs = 30_000): number {
  return Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempt - 1));
}
