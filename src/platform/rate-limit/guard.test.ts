import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testConfig } from '../testing.js';
import type { Database } from '../db.js';
import { createHttpServer } from '../http.js';
import { enforceRateLimit } from './guard.js';

let database: Database;
const NOW = new Date('2026-12-01T10:00:00Z');
let app: Awaited<ReturnType<typeof createHttpServer>>;
beforeAll(async () => {
  database = await createTestDatabase();
  app = await createHttpServer({ config: testConfig(), proconnect: false, auth: { fromSession: async () => null, fromBearer: async () => null } });
  for (const url of ['/essai', '/api/v1/essai']) {
    app.get(url, { config: { access: 'public' } }, async (request, reply) => {
      const refused = await enforceRateLimit(request, reply, database.db, [
        { key: `essai:ip:${request.ip}`, limit: 2, windowSeconds: 600, mode: 'fixed' },
      ], NOW); // a fixed instant at a window's start: the three requests share one window, whatever the real clock
      if (refused) return refused;
      return reply.send({ ok: true });
    });
  }
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.close();
});

describe('enforceRateLimit', () => {
  it('lets requests through up to the limit, then answers a French 429 page with Retry-After', async () => {
    expect((await app.inject({ url: '/essai' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/essai' })).statusCode).toBe(200);
    const refused = await app.inject({ url: '/essai' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('text/html');
    const retry = Number(refused.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(600);
    expect(refused.body).toMatch(/Trop de tentatives, réessayez dans \d+ minutes?\./);
    expect(refused.body).toContain('Erreur 429');
  });

  it('answers application/problem+json under /api/', async () => {
    for (let i = 0; i < 2; i++) expect((await app.inject({ url: '/api/v1/essai', remoteAddress: '198.51.100.9' })).statusCode).toBe(200);
    const refused = await app.inject({ url: '/api/v1/essai', remoteAddress: '198.51.100.9' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const body = refused.json();
    expect(body.status).toBe(429);
    expect(body.detail).toContain('Trop de tentatives');
    // another client is not affected
    expect((await app.inject({ url: '/api/v1/essai', remoteAddress: '198.51.100.10' })).statusCode).toBe(200);
  });
});
