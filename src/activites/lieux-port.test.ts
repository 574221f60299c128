/** The activities context receives a conseiller's lieux d'activité from the places context (wired in app.ts). */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { findUserByEmail } from '../comptes/users.js';
import { getLieu, lieuxDuConseiller, retirerConseillerDesLieux } from '../lieux/lieux.js';
import { parisDate } from './dates.js';

let t: TestContext;
let token = '';
let conseillerId = '';

beforeAll(async () => {
  t = await createTestApp();
  conseillerId = (await findUserByEmail(t.database.db, 'conseiller@demo.test'))!.id;
  token = (await createApiToken(t.database.db, SYSTEM_ACTOR, conseillerId, 'test')).token;
});
afterAll(async () => t.close());

const post = (body: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/v1/activites', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });

describe('lieux d’activité from the places context', () => {
  it('offers the demo conseiller’s places in the entry form and accepts them in the API', async () => {
    const lieux = await lieuxDuConseiller(t.database.db, conseillerId);
    expect(lieux.length).toBeGreaterThan(0);
    const c = new TestClient(t.app);
    await c.login('conseiller@demo.test');
    const form = await c.get('/activites/nouvelle');
    expect(form.body).toContain(`lieu_activite:${lieux[0]!.id}`);

    const base = { type: 'ponctuel', date: parisDate(new Date()), duree_minutes: 15, thematiques: ['email'] };
    const ok = await post({ ...base, id: randomUUID(), lieu: { type: 'lieu_activite', lieu_id: lieux[0]!.id } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().lieu.lieu_id).toBe(lieux[0]!.id);

    const elsewhere = await post({ ...base, id: randomUUID(), lieu: { type: 'lieu_activite', lieu_id: randomUUID() } });
    expect(elsewhere.statusCode).toBe(400);
    expect(JSON.stringify(elsewhere.json().invalid_params)).toContain('lieu');
  });

  it('forgets a place at once when the conseiller stops working there (the cached places are dropped)', async () => {
    const [lieu] = await lieuxDuConseiller(t.database.db, conseillerId);
    const base = { type: 'ponctuel', date: parisDate(new Date()), duree_minutes: 15, thematiques: ['email'] };
    // The first write caches the conseiller's places…
    expect((await post({ ...base, id: randomUUID(), lieu: { type: 'lieu_activite', lieu_id: lieu!.id } })).statusCode).toBe(201);
    // …then the conseiller leaves the structure's places: the next write no longer accepts that place.
    const structureId = (await getLieu(t.database.db, lieu!.id))!.structureId!;
    expect(await retirerConseillerDesLieux(t.database.db, conseillerId, structureId)).toBeGreaterThan(0);
    const after = await post({ ...base, id: randomUUID(), lieu: { type: 'lieu_activite', lieu_id: lieu!.id } });
    expect(after.statusCode).toBe(400);
    expect(JSON.stringify(after.json().invalid_params)).toContain('lieu');
  });
});
