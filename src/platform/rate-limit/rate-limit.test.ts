import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { createTestDatabase } from '../testing.js';
import type { Database } from '../db.js';
import { decide, hit, purgeRateLimits } from './rate-limit.js';
import { formatWait } from './guard.js';
import { Honeypot, HONEYPOT_FIELD, honeypotFilled } from './honeypot.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.close());

const T0 = Date.parse('2026-03-02T10:00:00Z'); // a multiple of every window used below
const at = (seconds: number) => new Date(T0 + seconds * 1000);

describe('hit, fixed window', () => {
  it('allows `limit` hits, refuses the next with the time left in the window, and starts again after it', async () => {
    const opts = { limit: 3, windowSeconds: 60, mode: 'fixed' as const };
    const r = [];
    for (let i = 0; i < 3; i++) r.push(await hit(database.db, 'fixe:a', { ...opts, now: at(10 + i) }));
    expect(r.map((x) => x.allowed)).toEqual([true, true, true]);
    expect(r.map((x) => x.remaining)).toEqual([2, 1, 0]);
    const refused = await hit(database.db, 'fixe:a', { ...opts, now: at(20) });
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 40 });
    expect((await hit(database.db, 'fixe:a', { ...opts, now: at(59) })).allowed).toBe(false);
    expect((await hit(database.db, 'fixe:a', { ...opts, now: at(60) })).allowed).toBe(true);
    // keys are independent
    expect((await hit(database.db, 'fixe:b', { ...opts, now: at(20) })).allowed).toBe(true);
  });

  it('counts concurrent hits exactly (one atomic upsert)', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => hit(database.db, 'concurrent', { limit: 5, windowSeconds: 60, mode: 'fixed', now: at(1) })));
    expect(results.filter((x) => x.allowed)).toHaveLength(5);
  });
});

describe('hit, sliding window', () => {
  it('weighs the previous window: no double burst at the boundary, and a retry time that works', async () => {
    const opts = { limit: 4, windowSeconds: 100 };
    for (let i = 0; i < 4; i++) expect((await hit(database.db, 'glisse', { ...opts, now: at(90 + i) })).allowed).toBe(true);
    // Just after the boundary, the previous window still counts almost fully.
    const refused = await hit(database.db, 'glisse', { ...opts, now: at(110) });
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    // Retrying too early is refused, retrying when told is allowed.
    expect((await hit(database.db, 'glisse', { ...opts, now: at(110 + refused.retryAfterSeconds - 30) })).allowed).toBe(false);
    const later = await hit(database.db, 'glisse', { ...opts, now: at(110 + 30 + refused.retryAfterSeconds) });
    expect(later.allowed).toBe(true);
  });

  it('refuses a hammering client until the retry time it was given, not forever', async () => {
    const opts = { limit: 2, windowSeconds: 60 };
    let last = await hit(database.db, 'marteau', { ...opts, now: at(0) });
    for (let s = 1; s < 50; s++) last = await hit(database.db, 'marteau', { ...opts, now: at(s) });
    expect(last.allowed).toBe(false);
    const when = 49 + last.retryAfterSeconds;
    expect(when).toBeLessThanOrEqual(120);
    expect((await hit(database.db, 'marteau', { ...opts, now: at(when) })).allowed).toBe(true);
  });

  it('decide gives retry times that are exact for each case', () => {
    const w = 100_000;
    // previous window full (4), this one has 1 (this hit): allowed once 3 of 4 previous hits have slid out.
    const r = decide({ limit: 4, w, now: 10_000, start: 0, current: 1, previous: 4, fixed: false });
    expect(r.allowed).toBe(false);
    const f = (r.retryAfterSeconds * 1000 + 10_000) / w;
    expect(4 * (1 - f) + 2).toBeLessThanOrEqual(4);
    expect(decide({ limit: 4, w, now: 99_000, start: 0, current: 5, previous: 0, fixed: false }).retryAfterSeconds).toBeGreaterThan(1);
    expect(decide({ limit: 4, w, now: 99_000, start: 0, current: 5, previous: 0, fixed: true }).retryAfterSeconds).toBe(1);
  });
});

describe('purge', () => {
  it('deletes only the counters past the window after their own', async () => {
    await hit(database.db, 'vieux', { limit: 5, windowSeconds: 60, now: at(0) });
    await hit(database.db, 'recent', { limit: 5, windowSeconds: 60, now: at(100) });
    await purgeRateLimits(database.db, at(121));
    const keys = (await database.query<{ key: string }>('select key from rate_limit_counters')).map((r) => r.key);
    expect(keys).not.toContain('vieux');
    expect(keys).toContain('recent');
  });

  it('hashes long keys', async () => {
    const long = 'x:' + 'a'.repeat(300);
    await hit(database.db, long, { limit: 1, windowSeconds: 60, now: at(0) });
    expect((await hit(database.db, long, { limit: 1, windowSeconds: 60, now: at(1) })).allowed).toBe(false);
    const keys = (await database.query<{ key: string }>('select key from rate_limit_counters')).map((r) => r.key);
    expect(keys.some((k) => k.startsWith('sha256:'))).toBe(true);
    expect(keys.every((k) => k.length <= 200)).toBe(true);
  });
});

describe('formatWait', () => {
  it('says seconds under a minute, whole minutes rounded up above', () => {
    expect(formatWait(1)).toBe('1 seconde');
    expect(formatWait(45)).toBe('45 secondes');
    expect(formatWait(60)).toBe('1 minute');
    expect(formatWait(61)).toBe('2 minutes');
  });
});

describe('honeypot', () => {
  it('renders a field hidden from people and assistive technologies, without inline style', () => {
    const html = renderToString(Honeypot());
    expect(html).toContain('class="cn-honeypot"');
    expect(html).toContain('aria-hidden="true"');
    expect(html).toContain('tabindex="-1"');
    expect(html).toContain('autocomplete="off"');
    expect(html).toContain(`name="${HONEYPOT_FIELD}"`);
    expect(html).toContain('Laissez ce champ vide');
    expect(html).not.toContain('style=');
  });

  it('is filled when the field has any non-blank value', () => {
    expect(honeypotFilled({})).toBe(false);
    expect(honeypotFilled({ [HONEYPOT_FIELD]: '  ' })).toBe(false);
    expect(honeypotFilled({ [HONEYPOT_FIELD]: 'http://spam.example' })).toBe(true);
    expect(honeypotFilled({ [HONEYPOT_FIELD]: ['', 'x'] })).toBe(true);
    expect(honeypotFilled(null)).toBe(false);
  });
});
