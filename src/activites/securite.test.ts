/**
 * Review findings of the activities context, through the real HTTP application: malformed UUIDs and
 * cursors answer 404 / 400 (never 500), activities of an anonymised beneficiary stay editable, the
 * audit log of an edit holds field names only, CSV cells starting with a tab or CR are neutralised,
 * and the offline queue's owner header is checked against the session.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { auditLog } from '../audit/schema.js';
import { createApiToken } from '../comptes/tokens.js';
import { findUserByEmail } from '../comptes/users.js';
import { changedFields, decodeCursor, encodeCursor, getOwnActivite } from './activites.js';
import { getOwnBeneficiaire } from './beneficiaires.js';
import { csvCell } from '../platform/exports.js';
import { parisDate } from './dates.js';
import type { ActivitePayload } from './validation.js';

let t: TestContext;
let conseiller: TestClient;
let conseillerId = '';
let token = '';
const today = parisDate(new Date());
const DASHES = '-'.repeat(36);

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });

const individuel = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'individuel',
  date: today,
  duree_minutes: 30,
  lieu: { type: 'domicile', commune_insee: '57463' },
  thematiques: ['email', 'aide_aux_demarches_administratives'],
  thematiques_demarches: ['logement'],
  nom_demarche: 'Dossier APL de Mme Secrète',
  materiel: [],
  beneficiaire_id: null,
  notes: 'Vit seule, 12 rue des Lilas',
  ...over,
});

beforeAll(async () => {
  t = await createTestApp();
  conseillerId = (await findUserByEmail(t.database.db, 'conseiller@demo.test'))!.id;
  token = (await createApiToken(t.database.db, SYSTEM_ACTOR, conseillerId, 'test')).token;
  conseiller = new TestClient(t.app);
  await conseiller.login('conseiller@demo.test');
});
afterAll(async () => t.close());

describe('malformed identifiers: 404 or 400, never 500', () => {
  it('the use cases reject a 36-dash "uuid"', async () => {
    expect(await getOwnActivite(t.database.db, conseillerId, DASHES)).toBeUndefined();
    expect(await getOwnBeneficiaire(t.database.db, conseillerId, DASHES)).toBeUndefined();
  });

  it('API GET / PATCH / DELETE /api/v1/activites/:id → 404', async () => {
    expect((await api('GET', `/api/v1/activites/${DASHES}`)).statusCode).toBe(404);
    expect((await api('PATCH', `/api/v1/activites/${DASHES}`, { duree_minutes: 45 })).statusCode).toBe(404);
    expect((await api('DELETE', `/api/v1/activites/${DASHES}`)).statusCode).toBe(404);
  });

  it('pages: edit and beneficiary → 404, dupliquer / precedente → 400 with a French message', async () => {
    expect((await conseiller.get(`/activites/${DASHES}/modifier`)).statusCode).toBe(404);
    expect((await conseiller.get(`/beneficiaires/${DASHES}`)).statusCode).toBe(404);
    expect((await conseiller.get(`/beneficiaires/${DASHES}/export.json`)).statusCode).toBe(404);
    for (const k of ['dupliquer', 'precedente']) {
      const r = await conseiller.get(`/activites/nouvelle?${k}=${DASHES}`);
      expect(r.statusCode, k).toBe(400);
      expect(r.body).toContain(`Le paramètre « ${k} » doit être`);
    }
    // a well-formed but unknown id keeps its former behaviour
    expect((await conseiller.get(`/activites/nouvelle?dupliquer=${randomUUID()}`)).statusCode).toBe(404);
    expect((await conseiller.get(`/activites/nouvelle?precedente=${randomUUID()}`)).statusCode).toBe(200);
  });
});

describe('keyset cursors', () => {
  const id = randomUUID();

  it('decodeCursor accepts only a real calendar date and a real UUID', () => {
    expect(decodeCursor(encodeCursor({ date: '2026-03-01', id }))).toEqual({ date: '2026-03-01', id });
    expect(decodeCursor(`2026-13-45_${id}`)).toBeNull();
    expect(decodeCursor('2026-02-30_' + id)).toBeNull();
    expect(decodeCursor(`2026-03-01_${DASHES}`)).toBeNull();
    expect(decodeCursor(`2026-03-01_${id.toUpperCase()}`)).toEqual({ date: '2026-03-01', id });
    expect(decodeCursor(42)).toBeNull();
  });

  it('GET /api/v1/activites?curseur=bad → 400 problem naming « curseur »', async () => {
    for (const c of [`2026-13-45_${id}`, `2026-03-01_${DASHES}`, 'bad']) {
      const r = await api('GET', `/api/v1/activites?curseur=${encodeURIComponent(c)}`);
      expect(r.statusCode, c).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().invalid_params.map((p: { name: string }) => p.name)).toEqual(['curseur']);
    }
    expect((await api('GET', `/api/v1/activites?curseur=2026-03-01_${id}`)).statusCode).toBe(200);
  });

  it('the list page /activites?apres=bad → 400 page with a French message', async () => {
    for (const c of [`2026-13-45_${id}`, `2026-03-01_${DASHES}`, 'bad']) {
      const r = await conseiller.get(`/activites?apres=${encodeURIComponent(c)}`);
      expect(r.statusCode, c).toBe(400);
      expect(r.body).toContain('paramètre « apres »');
    }
    expect((await conseiller.get(`/activites?apres=2026-03-01_${id}`)).statusCode).toBe(200);
  });
});

describe('activities of an anonymised beneficiary', () => {
  it('stay editable (API and form), keeping the link; a new link to an anonymised beneficiary is still refused', async () => {
    await conseiller.get('/beneficiaires/nouveau');
    const created = await conseiller.post('/beneficiaires/nouveau', { prenom: 'Octave', nom: 'Efface', consentement: 'oui' });
    expect(created.statusCode).toBe(303);
    const bid = (created.headers.location as string).split('/').pop()!;
    const a = individuel({ beneficiaire_id: bid });
    expect((await api('POST', '/api/v1/activites', a)).statusCode).toBe(201);
    expect((await conseiller.post(`/beneficiaires/${bid}/effacer`)).statusCode).toBe(303);

    const patched = await api('PATCH', `/api/v1/activites/${a.id}`, { duree_minutes: 45 });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ duree_minutes: 45, beneficiaire_id: bid });

    // The edit form offers « Bénéficiaire anonymisé », selected: saving it keeps the link.
    const form = await conseiller.get(`/activites/${a.id}/modifier`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(new RegExp(`<option value="${bid}" selected>Bénéficiaire anonymisé</option>`));
    const saved = await conseiller.post(`/activites/${a.id}/modifier`, {
      type: 'individuel', date: today, duree: '60', lieu: 'domicile', commune_insee: '57463', thematiques: 'email', beneficiaire_id: bid,
    });
    expect(saved.statusCode).toBe(303);
    expect(await getOwnActivite(t.database.db, conseillerId, a.id)).toMatchObject({ dureeMinutes: 60, beneficiaireId: bid });

    // Another activity cannot be newly linked to the anonymised person.
    const other = individuel();
    expect((await api('POST', '/api/v1/activites', other)).statusCode).toBe(201);
    const relink = await api('PATCH', `/api/v1/activites/${other.id}`, { beneficiaire_id: bid });
    expect(relink.statusCode).toBe(400);
    expect(relink.json().invalid_params[0].name).toBe('beneficiaire_id');
    expect((await api('POST', '/api/v1/activites', individuel({ beneficiaire_id: bid }))).statusCode).toBe(400);
  });
});

describe('audit of an edit', () => {
  it('records the names of the changed fields only: no free text, no beneficiary id', async () => {
    await conseiller.get('/beneficiaires/nouveau');
    const created = await conseiller.post('/beneficiaires/nouveau', { prenom: 'Irène', nom: 'Auditée', consentement: 'oui' });
    const bid = (created.headers.location as string).split('/').pop()!;
    const a = individuel();
    expect((await api('POST', '/api/v1/activites', a)).statusCode).toBe(201);
    const r = await api('PATCH', `/api/v1/activites/${a.id}`, { notes: 'Nouvelle note confidentielle', beneficiaire_id: bid, duree_minutes: 90 });
    expect(r.statusCode).toBe(200);
    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'activite.modifiee'), eq(auditLog.objectId, a.id)));
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify([rows[0]!.before, rows[0]!.after, rows[0]!.summary]);
    for (const secret of ['Vit seule', 'Nouvelle note confidentielle', 'Mme Secrète', bid]) expect(stored).not.toContain(secret);
    expect(rows[0]!.after).toEqual({ champs_modifies: ['duree_minutes', 'beneficiaire_id', 'notes'] });
  });

  it('changedFields compares values, not object identity', () => {
    const p = individuel() as unknown as ActivitePayload;
    expect(changedFields(p, { ...p, lieu: { ...p.lieu } })).toEqual([]);
    expect(changedFields(p, { ...p, thematiques: ['email'], titre_atelier: null })).toEqual(['thematiques']);
  });
});

describe('CSV export: formula guard', () => {
  it('neutralises cells starting with = + - @, tab or carriage return', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1+1', '\r=1+1'])
      expect(csvCell(s), JSON.stringify(s)).toBe(`"'${s}"`);
    expect(csvCell('Atelier')).toBe('Atelier');
    expect(csvCell('a;b')).toBe('"a;b"');
  });
});

describe('offline queue owner', () => {
  it('POST /api/v1/activites refuses (403) an entry queued by another user of the device', async () => {
    const a = individuel();
    const r = await api('POST', '/api/v1/activites', a, { 'x-cn-utilisateur': randomUUID() });
    expect(r.statusCode).toBe(403);
    expect(await getOwnActivite(t.database.db, conseillerId, a.id)).toBeUndefined();
    expect((await api('POST', '/api/v1/activites', a, { 'x-cn-utilisateur': conseillerId })).statusCode).toBe(201);
  });

  it('the entry form and the list carry the signed-in user id', async () => {
    const form = await conseiller.get('/activites/nouvelle');
    expect(form.body).toContain(`data-utilisateur="${conseillerId}"`);
    expect(form.body).toContain(`name="_utilisateur" value="${conseillerId}"`);
    expect(form.headers['x-cn-utilisateur']).toBe(conseillerId);
    const list = await conseiller.get('/activites');
    expect(list.body).toContain(`data-utilisateur="${conseillerId}"`);
    expect(list.headers['x-cn-utilisateur']).toBe(conseillerId);
  });
});
