import { describe, expect, it } from 'vitest';
import { backoffMs, latestOccurrence, nextOccurrence, parisInstant } from './schedule.js';

const daily = { name: 'quotidienne', every: 'daily' as const, at: '03:15' };
const hourly = { name: 'horaire', every: 'hourly' as const, at: '05' };

describe('Paris schedules', () => {
  it('places a daily occurrence at the Paris wall time, winter and summer', () => {
    expect(latestOccurrence(daily, new Date('2026-12-01T10:00:00Z'))).toEqual({
      key: 'schedule:quotidienne:2026-12-01',
      runAt: new Date('2026-12-01T02:15:00Z'),
    });
    expect(latestOccurrence(daily, new Date('2026-07-01T10:00:00Z')).runAt).toEqual(new Date('2026-07-01T01:15:00Z'));
  });

  it('takes the previous day before the time of day', () => {
    const o = latestOccurrence(daily, new Date('2026-12-01T02:14:59Z'));
    expect(o.key).toBe('schedule:quotidienne:2026-11-30');
    expect(o.runAt).toEqual(new Date('2026-11-30T02:15:00Z'));
  });

  it('keeps one occurrence per Paris day across the DST changes', () => {
    // 29 March 2026: 02:00 → 03:00; 02:30 does not exist and falls at 03:30 CEST.
    expect(parisInstant({ y: 2026, m: 3, d: 29, h: 2, min: 30 })).toEqual(new Date('2026-03-29T01:30:00Z'));
    expect(latestOccurrence(daily, new Date('2026-03-29T12:00:00Z')).runAt).toEqual(new Date('2026-03-29T01:15:00Z'));
    // 25 October 2026: 03:00 → 02:00; 02:30 happens twice, the first one is kept.
    expect(parisInstant({ y: 2026, m: 10, d: 25, h: 2, min: 30 })).toEqual(new Date('2026-10-25T00:30:00Z'));
    expect(latestOccurrence(daily, new Date('2026-10-25T12:00:00Z')).runAt).toEqual(new Date('2026-10-25T02:15:00Z'));
    expect(nextOccurrence(daily, new Date('2026-10-24T12:00:00Z'))).toEqual(new Date('2026-10-25T02:15:00Z'));
  });

  it('names hourly occurrences by their Paris hour', () => {
    const o = latestOccurrence(hourly, new Date('2026-12-01T13:04:00Z'));
    expect(o).toEqual({ key: 'schedule:horaire:2026-12-01T12Z', runAt: new Date('2026-12-01T12:05:00Z') });
    expect(latestOccurrence(hourly, new Date('2026-12-01T13:05:00Z')).key).toBe('schedule:horaire:2026-12-01T13Z');
    // 25 October: Paris 02:05 happens twice (00:05 and 01:05 UTC): two runs, two keys
    expect(latestOccurrence(hourly, new Date('2026-10-25T00:30:00Z')).key).not.toBe(latestOccurrence(hourly, new Date('2026-10-25T01:30:00Z')).key);
    expect(nextOccurrence(hourly, new Date('2026-12-01T13:05:00Z'))).toEqual(new Date('2026-12-01T14:05:00Z'));
  });

  it('gives the next daily occurrence strictly later', () => {
    expect(nextOccurrence(daily, new Date('2026-12-01T01:00:00Z'))).toEqual(new Date('2026-12-01T02:15:00Z'));
    expect(nextOccurrence(daily, new Date('2026-12-01T02:15:00Z'))).toEqual(new Date('2026-12-02T02:15:00Z'));
  });

  it('refuses a malformed time', () => {
    expect(() => latestOccurrence({ name: 'x', every: 'daily', at: '25:00' }, new Date())).toThrow(/invalide/);
    expect(() => latestOccurrence({ name: 'x', every: 'daily', at: 'midi' }, new Date())).toThrow(/invalide/);
  });

  it('backs off exponentially, capped at one hour', () => {
    expect(backoffMs(1)).toBe(30_000);
    expect(backoffMs(2)).toBe(60_000);
    expect(backoffMs(3)).toBe(120_000);
    expect(backoffMs(20)).toBe(3_600_000);
  });
});
