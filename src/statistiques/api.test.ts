/**
 * The statistics API through the real application: the issue's « Done when » scenario (2 activities
 * and 9 accompagnements, then 1 and 1 once the workshop is deleted, in every scope that holds them),
 * isolation between départements, structures and conseillers, bad input named, the OpenAPI schema.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestContext } from '../platform/testing.js';
import { rowsOf } from '../platform/db.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { findStructureBySiret } from '../structures/structures.js';
import { DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';
import { parisDate } from '../activites/dates.js';

let t: TestContext;
const today = parisDate(new Date());
const tokens: Record<string, string> = {};
let conseillerId = '';
let metzId = '';
let autreStructureId = '';

const get = (who: string, url: string) => t.app.inject({ method: 'GET', url, headers: who ? { authorization: `Bearer ${tokens[who]}` } : {} });
const api = (who: string, method: 'POST' | 'DELETE', url: string, body?: unknown) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) }, payload: body ? JSON.stringify(body) : undefined });

async function figures(who: string, query = '') {
  const res = await get(who, `/api/v1/statistiques?du=${today}&au=${today}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { activites: number; accompagnements: number; participants_ateliers: number; beneficiaires: { total: number; anonymes: number; nouveaux: number } };
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const hash = (await findUserByEmail(db, 'conseiller@demo.test'))!.passwordHash;
  metzId = (await findStructureBySiret(db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === 'metz'))))!.id;
  autreStructureId = (await findStructureBySiret(db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key !== 'metz'))))!.id;
  conseillerId = (await findUserByEmail(db, 'conseiller@demo.test'))!.id;
  const autres = {
    prefecture54: await createUser(db, SYSTEM_ACTOR, { email: 'prefecture54@demo.test', firstName: 'Pia', lastName: 'Préfecture', passwordHash: hash, roles: [{ role: 'prefecture', departement: '54', structureId: null }] }),
    autreConseiller: await createUser(db, SYSTEM_ACTOR, { email: 'autre.stat@demo.test', firstName: 'Autre', lastName: 'Conseiller', passwordHash: hash, roles: [{ role: 'conseiller', departement: null, structureId: metzId }] }),
    autreStructure: await createUser(db, SYSTEM_ACTOR, { email: 'autre.structure@demo.test', firstName: 'Autre', lastName: 'Structure', passwordHash: hash, roles: [{ role: 'structure', departement: null, structureId: autreStructureId }] }),
  };
  for (const [k, email] of Object.entries({ conseiller: 'conseiller@demo.test', structure: 'structure@demo.test', prefecture: 'prefecture57@demo.test', admin: 'admin@demo.test', banque: 'banque@demo.test', candidat: 'candidat@demo.test' }))
    tokens[k] = (await createApiToken(db, SYSTEM_ACTOR, (await findUserByEmail(db, email))!.id, 'test')).token;
  for (const [k, u] of Object.entries(autres)) tokens[k] = (await createApiToken(db, SYSTEM_ACTOR, u.id, 'test')).token;
});

afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/statistiques', () => {
  const atelier = randomUUID();
  const scopes = ['conseiller', 'structure', 'prefecture', 'admin', 'banque'];

  it('the demo conseiller records an individual accompaniment and a workshop of 8: 2 activities, 9 accompagnements in every scope', async () => {
    for (const who of scopes) expect(await figures(who)).toMatchObject({ activites: 0, accompagnements: 0 });
    const base = { date: today, duree_minutes: 60, lieu: { type: 'domicile', commune_insee: '57463' }, thematiques: ['email'] };
    expect((await api('conseiller', 'POST', '/api/v1/activites', { ...base, id: randomUUID(), type: 'individuel' })).statusCode).toBe(201);
    const res = await api('conseiller', 'POST', '/api/v1/activites', {
      ...base,
      id: atelier,
      type: 'collectif',
      titre_atelier: 'Découvrir la messagerie',
      participants: { total: 8, deja_accompagnes: 3, genres: { feminin: 5, masculin: 3 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    for (const who of scopes) {
      const f = await figures(who);
      expect(f, who).toMatchObject({ activites: 2, accompagnements: 9, participants_ateliers: 8, beneficiaires: { total: 9, anonymes: 9, nouveaux: 6 } });
    }
    // Named scopes give the same figures as the caller's own.
    expect(await figures('admin', `&echelle=departement&code=57`)).toMatchObject({ activites: 2, accompagnements: 9 });
    expect(await figures('admin', `&echelle=region&code=44`)).toMatchObject({ activites: 2, accompagnements: 9 });
    expect(await figures('admin', `&echelle=structure&code=${metzId}`)).toMatchObject({ activites: 2, accompagnements: 9 });
    expect(await figures('admin', `&echelle=conseiller&code=${conseillerId}`)).toMatchObject({ activites: 2, accompagnements: 9 });
    expect(await figures('prefecture', `&echelle=structure&code=${metzId}`)).toMatchObject({ activites: 2, accompagnements: 9 });
    expect(await figures('admin', `&types=collectif`)).toMatchObject({ activites: 1, accompagnements: 8 });
    expect(await figures('admin', `&thematiques=email`)).toMatchObject({ activites: 2, accompagnements: 9 });
    expect(await figures('admin', `&thematiques=sante`)).toMatchObject({ activites: 0, accompagnements: 0 });
  });

  it('distributions: percentages adding up to 100, weighted by accompagnements; series of 12 months and 30 days', async () => {
    const body = (await get('conseiller', `/api/v1/statistiques?au=${today}`)).json();
    expect(Object.keys(body).sort()).toEqual(['accompagnements', 'activites', 'beneficiaires', 'participants_ateliers', 'repartitions', 'series']);
    expect(Object.keys(body.repartitions).sort()).toEqual(['durees', 'genres', 'lieux', 'materiel', 'orientations', 'statuts', 'thematiques', 'thematiques_demarches', 'tranches_age', 'types']);
    const types = body.repartitions.types as { code: string; libelle: string; nombre: number; pourcentage: number }[];
    expect(types.find((x) => x.code === 'collectif')).toEqual({ code: 'collectif', libelle: 'Atelier collectif', nombre: 8, pourcentage: 89 });
    expect(types.reduce((a, x) => a + x.pourcentage, 0)).toBe(100);
    expect(body.series.mensuelle).toHaveLength(12);
    expect(body.series.quotidienne).toHaveLength(30);
    expect(body.series.quotidienne.at(-1)).toEqual({ jour: today, activites: 2, accompagnements: 9 });
  });

  it('after deleting the workshop: 1 activity and 1 accompagnement in every scope', async () => {
    expect((await api('conseiller', 'DELETE', `/api/v1/activites/${atelier}`)).statusCode).toBe(204);
    for (const who of scopes) expect(await figures(who), who).toMatchObject({ activites: 1, accompagnements: 1, participants_ateliers: 0 });
  });

  it('isolation: another département, structure or conseiller sees none of it and may not ask for it', async () => {
    expect(await figures('prefecture54')).toMatchObject({ activites: 0, accompagnements: 0 });
    expect(await figures('autreStructure')).toMatchObject({ activites: 0 });
    expect(await figures('autreConseiller')).toMatchObject({ activites: 0 });
    const refused: [string, string, string][] = [
      ['prefecture54', '?echelle=departement&code=57', 'code'],
      ['prefecture54', `?echelle=structure&code=${metzId}`, 'code'],
      ['prefecture54', '?echelle=national', 'echelle'],
      ['prefecture54', '?echelle=region&code=44', 'code'],
      ['autreStructure', `?echelle=structure&code=${metzId}`, 'code'],
      ['structure', '?echelle=departement&code=57', 'code'],
      ['autreConseiller', `?echelle=conseiller&code=${conseillerId}`, 'code'],
      ['conseiller', '?echelle=national', 'echelle'],
      ['conseiller', `?echelle=structure&code=${metzId}`, 'code'],
    ];
    for (const [who, q, param] of refused) {
      const res = await get(who, `/api/v1/statistiques${q}`);
      expect(res.statusCode, `${who} ${q}`).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().invalid_params[0].name).toBe(param);
    }
    expect((await get('candidat', '/api/v1/statistiques')).statusCode).toBe(403);
    expect((await get('', '/api/v1/statistiques')).statusCode).toBe(401);
  });

  it('bad input: 400 problem+json naming the parameter, never a 500', async () => {
    const cases: [string, string][] = [
      ['?du=2026-06-30&au=2026-06-01', 'du'],
      ['?du=2026-02-30', 'du'],
      ['?au=demain', 'au'],
      ['?du=2010-01-01&au=2026-06-30', 'du'],
      ['?echelle=monde', 'echelle'],
      ['?echelle=departement&code=999', 'code'],
      ['?echelle=region&code=99', 'code'],
      [`?echelle=structure&code=${randomUUID()}`, 'code'],
      ['?echelle=conseiller&code=pas-un-uuid', 'code'],
      [`?echelle=national&code=57`, 'code'],
      ['?types=individuel,visite', 'types'],
      ['?thematiques=email,jardinage', 'thematiques'],
      [`?code=${'x'.repeat(200)}`, 'code'],
      ['?du=2026-01-01&du=x', 'du'],
    ];
    for (const [q, param] of cases) {
      const res = await get('admin', `/api/v1/statistiques${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().invalid_params.map((p: { name: string }) => p.name), q).toContain(param);
    }
  });

  it('narrowing filters (conseillers, structures, départements, communes, places) narrow the figures to their intersection with the scope', async () => {
    const db = t.database.db;
    const autreId = (await findUserByEmail(db, 'autre.stat@demo.test'))!.id;
    // A place in Moselle where the other conseiller works, for the places filter.
    const lieu = rowsOf<{ id: string }>(await db.execute(sql`select id::text as id from lieux where code_insee like '57%' and code_insee <> '57463' order by nom limit 1`))[0]!;
    await db.execute(sql`insert into lieux_conseillers (lieu_id, user_id) values (${lieu.id}::uuid, ${autreId}::uuid) on conflict do nothing`);
    const base = { date: today, duree_minutes: 30, thematiques: ['email'], type: 'individuel' };
    for (const lieuPayload of [{ type: 'domicile', commune_insee: '54395' }, { type: 'lieu_activite', lieu_id: lieu.id }]) {
      const res = await api('autreConseiller', 'POST', '/api/v1/activites', { ...base, id: randomUUID(), lieu: lieuPayload });
      expect(res.statusCode, res.body).toBe(201);
    }
    // Left from above: the demo conseiller's 1 activity (Metz); now the other conseiller's 2 (same structure).
    expect(await figures('admin')).toMatchObject({ activites: 3 });
    const cas: [string, string, number][] = [
      ['admin', `&conseillers=${conseillerId}`, 1],
      ['admin', `&conseillers=${autreId}`, 2],
      ['admin', `&conseillers=${conseillerId},${autreId}`, 3],
      ['admin', `&conseillers=${conseillerId}&conseillers=${autreId}`, 3],
      ['admin', `&structures=${metzId}`, 3],
      ['admin', `&structures=${autreStructureId}`, 0],
      ['admin', '&departements=57', 3],
      ['admin', '&departements=54,67', 0],
      ['admin', '&echelle=region&code=44&departements=57', 3],
      ['admin', '&echelle=region&code=44&departements=54', 0],
      ['admin', `&echelle=structure&code=${metzId}&departements=54`, 0],
      ['admin', '&communes=54395', 1],
      ['admin', '&communes=57463,54395', 2],
      ['admin', `&lieux=${lieu.id}`, 1],
      ['admin', `&conseillers=${autreId}&communes=54395`, 1],
      ['admin', `&conseillers=${conseillerId}&types=collectif`, 0],
      ['structure', `&conseillers=${autreId}`, 2],
      ['prefecture', `&structures=${metzId}&conseillers=${conseillerId}`, 1],
      ['prefecture', `&lieux=${lieu.id}`, 1],
      ['conseiller', `&conseillers=${conseillerId}`, 1],
    ];
    for (const [who, q, n] of cas) expect((await figures(who, q)).activites, `${who} ${q}`).toBe(n);
    // The distinct people follow the filter too (the other conseiller's two anonymous people).
    expect((await figures('admin', `&conseillers=${autreId}`)).beneficiaires.total).toBe(2);
  });

  it('a filter value outside the scope: 403, unknown or malformed: 400, problem+json naming the parameter', async () => {
    const autreId = (await findUserByEmail(t.database.db, 'autre.stat@demo.test'))!.id;
    const lieu54 = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id::text as id from lieux where code_insee like '54%' limit 1`))[0];
    const cases: [string, string, number, string][] = [
      ['conseiller', `?conseillers=${autreId}`, 403, 'conseillers'],
      ['autreStructure', `?conseillers=${conseillerId}`, 403, 'conseillers'],
      ['autreStructure', `?structures=${metzId}`, 403, 'structures'],
      ['prefecture54', `?structures=${metzId}`, 403, 'structures'],
      ['prefecture54', `?conseillers=${conseillerId}`, 403, 'conseillers'],
      ['prefecture', '?communes=54395', 403, 'communes'],
      ['prefecture', '?departements=54', 403, 'departements'],
      ['admin', '?echelle=departement&code=57&departements=54', 403, 'departements'],
      ...(lieu54 ? ([['prefecture', `?lieux=${lieu54.id}`, 403, 'lieux']] as [string, string, number, string][]) : []),
      ['admin', `?conseillers=${randomUUID()}`, 400, 'conseillers'],
      ['admin', '?conseillers=camille', 400, 'conseillers'],
      ['admin', `?structures=${randomUUID()}`, 400, 'structures'],
      ['admin', '?communes=99999', 400, 'communes'],
      ['admin', '?communes=Metz', 400, 'communes'],
      ['admin', '?departements=999', 400, 'departements'],
      ['admin', '?departements=Moselle', 400, 'departements'],
      ['admin', `?lieux=${randomUUID()}`, 400, 'lieux'],
      ['admin', `?lieux=${Array.from({ length: 60 }, () => randomUUID()).join(',')}`, 400, 'lieux'],
      ['admin', `?conseillers=${'a'.repeat(3000)}`, 400, 'conseillers'],
      ['admin', '?departements=%27;drop', 400, 'departements'],
      ['admin', '?communes=%F0%9F%98%80', 400, 'communes'],
      ['admin', `?structures=${randomUUID()}&structures=x`, 400, 'structures'],
    ];
    for (const [who, q, status, param] of cases) {
      const res = await get(who, `/api/v1/statistiques${q}`);
      expect(res.statusCode, `${who} ${q}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().invalid_params.map((p: { name: string }) => p.name), `${who} ${q}`).toEqual([param]);
    }
  });

  it('is in the OpenAPI document with its real response schema', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const op = doc.paths['/api/v1/statistiques'].get;
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(['du', 'au', 'echelle', 'code', 'types', 'thematiques', 'conseillers', 'structures', 'communes', 'departements', 'lieux']);
    expect(op.parameters.find((p: { name: string }) => p.name === 'conseillers').description).toMatch(/virgules.*403/s);
    expect(op.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/Statistiques');
    const s = doc.components.schemas.Statistiques;
    expect(s.required).toEqual(['activites', 'accompagnements', 'participants_ateliers', 'beneficiaires', 'repartitions', 'series']);
    expect(s.properties.beneficiaires.required).toEqual(['total', 'suivis', 'anonymes', 'nouveaux']);
    expect(Object.keys(s.properties.repartitions.properties)).toEqual(['types', 'thematiques', 'thematiques_demarches', 'materiel', 'lieux', 'durees', 'genres', 'tranches_age', 'statuts', 'orientations']);
    expect(s.properties.series.required).toEqual(['mensuelle', 'quotidienne']);
  });
});
