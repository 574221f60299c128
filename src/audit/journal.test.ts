import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { isCalendarDate } from '../platform/http.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('the audit journal filter', () => {
  it('answers a date PostgreSQL cannot store (year 0) with a French 400 next to the field, never a 500', async () => {
    const c = new TestClient(t.app);
    await c.login('admin@demo.test');
    for (const q of ['du=0000-01-01', 'au=0000-12-31', 'du=2026-02-30', 'du=99999-01-01']) {
      const res = await c.get(`/admin/journal?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.body).toContain('Saisissez une date réelle');
    }
    expect((await c.get('/admin/journal?du=0001-01-01&au=9999-12-31')).statusCode).toBe(200);
  });

  it('the platform check: a real calendar date in years 0001–9999', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('0000-01-01')).toBe(false);
    expect(isCalendarDate('0001-01-01')).toBe(true);
    expect(isCalendarDate('9999-12-31')).toBe(true);
    expect(isCalendarDate(20260101)).toBe(false);
  });
});
