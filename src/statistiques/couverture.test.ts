/** Coverage gaps: the pure counts, and the page and API through the real application (demo places in Moselle). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { findUserByEmail } from '../comptes/users.js';
import { communesOfDepartement } from '../territoires/territoires.js';
import { buildSnapshot } from '../lieux/recherche.js';
import type { LieuV1 } from '../lieux/standard.js';
import { plusEloignees, plusProche, populationAuDela } from './couverture.js';

describe('pure rules', () => {
  const communes = [
    { nom: 'A', population: 1000, distance_km: 3 },
    { nom: 'B', population: 200, distance_km: 7.5 },
    { nom: 'C', population: 50, distance_km: 25 },
    { nom: 'D', population: 10, distance_km: null },
    { nom: 'E', population: 300, distance_km: 10 },
  ];
  it('population beyond 5, 10, 20 km (none within 100 km: beyond all; exactly 10 km is not beyond 10)', () => {
    expect(populationAuDela(communes)).toEqual({ '5': 560, '10': 60, '20': 60 });
  });
  it('furthest first, weighted by population; no place at all first', () => {
    // A 1000 × 3 = E 300 × 10 = 3000: the larger population first; then B 1500, C 1250
    expect(plusEloignees(communes).map((c) => c.nom)).toEqual(['D', 'A', 'E', 'B', 'C']);
    expect(plusEloignees(communes, 2).map((c) => c.nom)).toEqual(['D', 'A']);
  });
});

describe('plusProche: one walk of the k-d tree, places with conseillers only', () => {
  const lieu = (id: string, lat: number, lng: number, cn: boolean) =>
    ({ id, nom: id, latitude: lat, longitude: lng, code_insee: null, horaires: null, services: [], publics_specifiquement_adresses: [], prise_en_charge_specifique: [], frais_a_charge: [], itinerance: [], dispositif_programmes_nationaux: cn ? ['Conseillers numériques'] : ['France Services'] }) as unknown as LieuV1;
  // Metz 49.1193, 6.1757; a place without conseillers in Metz itself, one with them in Thionville (~27 km)
  const s = buildSnapshot([lieu('metz', 49.1193, 6.1757, false), lieu('thionville', 49.3579, 6.1684, true)], 'test');
  it('skips the places without conseillers, measures the great-circle distance', () => {
    expect(plusProche(s, 49.1193, 6.1757)).toBeCloseTo(26.6, 0);
    expect(plusProche(s, 49.3579, 6.1684)).toBe(0);
  });
  it('none within 100 km: null (Marseille), and no place at all: null', () => {
    expect(plusProche(s, 43.2965, 5.3698)).toBeNull();
    expect(plusProche(buildSnapshot([], 'vide'), 49, 6)).toBeNull();
  });
});

describe('/couverture and GET /api/v1/couverture', () => {
  let t: TestContext;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp();
    for (const [k, email] of Object.entries({ admin: 'admin@demo.test', prefecture: 'prefecture57@demo.test', structure: 'structure@demo.test' }))
      tokens[k] = (await createApiToken(t.database.db, SYSTEM_ACTOR, (await findUserByEmail(t.database.db, email))!.id, 'test')).token;
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = (who: string, url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });

  it('every commune of Moselle with its distance to the nearest place with conseillers, and the population beyond 5, 10, 20 km', async () => {
    const res = await get('admin', '/api/v1/couverture?departement=57');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { communes: { insee: string; nom: string; population: number; distance_km: number | null }[]; population_au_dela_km: Record<string, number> };
    expect(Object.keys(body).sort()).toEqual(['communes', 'population_au_dela_km']);
    expect(body.communes.length).toBe(communesOfDepartement('57').filter((c) => !c.communeParente).length);
    expect(Object.keys(body.communes[0]!).sort()).toEqual(['distance_km', 'insee', 'nom', 'population']);
    const metz = body.communes.find((c) => c.insee === '57463')!;
    expect(metz.distance_km).not.toBeNull();
    expect(metz.distance_km!).toBeLessThan(5);
    const total = body.communes.reduce((a, c) => a + c.population, 0);
    expect(body.population_au_dela_km['5']).toBeGreaterThanOrEqual(body.population_au_dela_km['10']!);
    expect(body.population_au_dela_km['10']).toBeGreaterThanOrEqual(body.population_au_dela_km['20']!);
    expect(body.population_au_dela_km['5']).toBeLessThan(total);
    expect(body.population_au_dela_km).toEqual(populationAuDela(body.communes));
  });

  it('a préfecture sees its own département only; other roles not at all; bad input named', async () => {
    expect((await get('prefecture', '/api/v1/couverture')).statusCode).toBe(200);
    const other = await get('prefecture', '/api/v1/couverture?departement=54');
    expect(other.statusCode).toBe(403);
    expect(other.json().invalid_params[0].name).toBe('departement');
    expect((await get('structure', '/api/v1/couverture?departement=57')).statusCode).toBe(403);
    for (const q of ['', '?departement=999']) {
      const r = await get('admin', `/api/v1/couverture${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().invalid_params[0].name).toBe('departement');
    }
  });

  it('the page: map, its summary and the table beside it', async () => {
    const c = new TestClient(t.app);
    await c.login('prefecture57@demo.test');
    const res = await c.get('/couverture');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Moselle (57)');
    expect(res.body).toContain('role="img"');
    expect(res.body).toContain('Les communes les plus éloignées, pondérées par leur population');
    expect(res.body).not.toContain('id="champ-departement"'); // a préfecture has nothing to choose
    expect((await c.get('/couverture?departement=54')).statusCode).toBe(403);
    const a = new TestClient(t.app);
    await a.login('admin@demo.test');
    const r = await a.get('/couverture?departement=2A');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Corse-du-Sud');
  });
});
