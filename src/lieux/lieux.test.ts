import { createServer, type Server } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { GeocodeurBan, GeocodageIndisponible, GeocodeurMemoire, lireReponseBan } from './geocodage.js';

/** A recorded-shape answer of api-adresse.data.gouv.fr/search/. */
const BAN_METZ = {
  type: 'FeatureCollection',
  version: 'draft',
  features: [
    {
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [6.176389, 49.119722] },
      properties: {
        label: "1 Place d'Armes 57000 Metz",
        score: 0.9732,
        housenumber: '1',
        id: '57463_0080_00001',
        name: "1 Place d'Armes",
        postcode: '57000',
        citycode: '57463',
        x: 931185.14,
        y: 6902496.4,
        city: 'Metz',
        context: '57, Moselle, Grand Est',
        type: 'housenumber',
        importance: 0.7,
        street: "Place d'Armes",
      },
    },
  ],
  attribution: 'BAN',
  licence: 'ETALAB-2.0',
  query: "1 place d'Armes Metz",
  limit: 1,
};

let ban: Server;
let banUrl = '';
const banRequests: URL[] = [];

beforeAll(async () => {
  ban = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    banRequests.push(url);
    if (url.pathname !== '/search/') return res.writeHead(404).end();
    if (url.searchParams.get('q')?.includes('lent')) return setTimeout(() => res.end('{}'), 2_000);
    if (url.searchParams.get('q')?.includes('panne')) return res.writeHead(503).end('down');
    const match = /armes/i.test(url.searchParams.get('q') ?? '');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(match ? BAN_METZ : { ...BAN_METZ, features: [] }));
  });
  await new Promise<void>((r) => ban.listen(0, '127.0.0.1', r));
  banUrl = `http://127.0.0.1:${(ban.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => ban.close(() => r())));

describe('the BAN client', () => {
  it('sends the query and reads the GeoJSON answer', async () => {
    const g = new GeocodeurBan(banUrl);
    const [a] = await g.rechercher("1 place d'Armes Metz", { limit: 1, codePostal: '57000' });
    expect(a).toEqual({ label: "1 Place d'Armes 57000 Metz", type: 'housenumber', score: 0.9732, lat: 49.119722, lng: 6.176389, codeInsee: '57463', codePostal: '57000', commune: 'Metz', voie: "1 Place d'Armes" });
    const sent = banRequests.at(-1)!;
    expect(Object.fromEntries(sent.searchParams)).toEqual({ q: "1 place d'Armes Metz", limit: '1', postcode: '57000' });
  });

  it('reports an unavailable service, a timeout and a bad answer as GeocodageIndisponible', async () => {
    await expect(new GeocodeurBan(banUrl).rechercher('en panne')).rejects.toThrow(GeocodageIndisponible);
    await expect(new GeocodeurBan(banUrl, 200).rechercher('lent')).rejects.toThrow(/délai dépassé/);
    expect(() => lireReponseBan({ nope: 1 })).toThrow(GeocodageIndisponible);
  });

  it('the in-memory stand-in answers the same interface', async () => {
    const g = new GeocodeurMemoire(lireReponseBan(BAN_METZ));
    expect((await g.rechercher('place armes metz'))[0]?.codeInsee).toBe('57463');
    expect(await g.rechercher('rue inconnue lyon')).toEqual([]);
  });
});

describe('the public finder, the API and the place pages', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp({ config: { banUrl } });
  });
  afterAll(async () => t?.close());

  const names = (html: string) => [...html.matchAll(/<h3 class="fr-h6 fr-mb-1v"><a href="\/lieux\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!.replace(/&#39;/g, "'"));

  it('/trouver?q=Behren-lès-Forbach lists the places of Behren and Forbach first', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/trouver?q=${encodeURIComponent('Behren-lès-Forbach')}` });
    expect(res.statusCode).toBe(200);
    const found = names(res.body);
    expect(found.slice(0, 2)).toEqual(['Maison des Services de Behren-lès-Forbach', 'La Turbine – coworking de Forbach']);
    expect(res.body).toMatch(/Ouvert maintenant|Fermé/);
    expect(res.body).toContain('tel:+33387000004');
  });

  it('/trouver?q=57460 works and offers the communes of the postcode', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/trouver?q=57460' });
    expect(res.statusCode).toBe(200);
    expect(names(res.body)[0]).toBe('Maison des Services de Behren-lès-Forbach');
    expect(res.body).toContain('Préciser la commune');
    expect(res.body).toMatch(/Kerbach|Etzling|Spicheren/);
  });

  it('filters as a plain GET form; an unknown commune gets suggestions; an ambiguous one a choice', async () => {
    const jeunes = await t.app.inject({ method: 'GET', url: `/trouver?q=Metz&publics=Jeunes` });
    expect(names(jeunes.body)).toEqual(['Mission locale du Pays Messin']);
    const typo = await t.app.inject({ method: 'GET', url: `/trouver?q=${encodeURIComponent('Behren-lès-Forbak')}` });
    expect(typo.statusCode).toBe(200);
    expect(typo.body).toContain('Vouliez-vous dire');
    expect(typo.body).toContain('Behren-lès-Forbach');
    const many = await t.app.inject({ method: 'GET', url: '/trouver?q=Saint-Denis' });
    expect(many.body).toContain('Plusieurs communes correspondent');
  });

  it('an address query goes through the BAN', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/trouver?q=${encodeURIComponent("1 place d'Armes Metz")}` });
    expect(res.statusCode).toBe(200);
    expect(names(res.body)[0]).toBe("Espace numérique de l'Hôtel de Ville de Metz");
  });

  it('GET /api/v1/lieux by position and by commune, each result with distance_km', async () => {
    const near = await t.app.inject({ method: 'GET', url: `/api/v1/lieux?lat=49.17&lon=6.93&rayon_km=10&limit=5` });
    expect(near.statusCode).toBe(200);
    const body = near.json() as { lieux: { nom: string; distance_km: number; services: string[] }[] };
    expect(body.lieux.map((l) => l.nom)).toEqual(['Maison des Services de Behren-lès-Forbach', 'La Turbine – coworking de Forbach']);
    expect(body.lieux[0]!.distance_km).toBeLessThan(1);
    expect(Array.isArray(body.lieux[0]!.services)).toBe(true);
    const filtered = await t.app.inject({ method: 'GET', url: `/api/v1/lieux?lat=49.17&lon=6.93&services=${encodeURIComponent('Insertion professionnelle via le numérique')}&limit=1` });
    expect((filtered.json() as { lieux: { nom: string }[] }).lieux.map((l) => l.nom)).toEqual(['La Turbine – coworking de Forbach']);
    const metz = await t.app.inject({ method: 'GET', url: '/api/v1/lieux?commune=57463' });
    expect((metz.json() as { lieux: unknown[] }).lieux).toHaveLength(3);
  });

  it('bad coordinates → 400 application/problem+json naming the parameter', async () => {
    for (const [url, name] of [
      ['/api/v1/lieux?lat=91&lon=6', 'lat'],
      ['/api/v1/lieux?lat=49&lon=abc', 'lon'],
      ['/api/v1/lieux?lat=49&lon=6&rayon_km=-1', 'rayon_km'],
      ['/api/v1/lieux?lat=49&lon=6&limit=1000', 'limit'],
      ['/api/v1/lieux?commune=99999', 'commune'],
      ['/api/v1/lieux?lat=49&lon=6&services=Cuisine', 'services'],
      ['/api/v1/lieux', 'lat'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect((res.json() as { invalid_params: { name: string }[] }).invalid_params[0]!.name, url).toBe(name);
    }
  });

  it('the detail page has everything, the week, the conseillers present and schema.org Place data', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/lieux?commune=57463' });
    const hdv = (list.json() as { lieux: { id: string; nom: string }[] }).lieux.find((l) => l.nom.startsWith('Espace numérique'))!;
    const res = await t.app.inject({ method: 'GET', url: `/lieux/${hdv.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<script type="application/ld+json">');
    const ld = JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(res.body)![1]!);
    expect(ld).toMatchObject({ '@type': 'Place', name: "Espace numérique de l'Hôtel de Ville de Metz", address: { postalCode: '57000' }, geo: { latitude: 49.1196 } });
    expect(res.body).toContain('Horaires de la semaine');
    expect(res.body).toContain('Camille Conseillère');
    expect(res.body).toContain('lundi matin');
    expect(res.body).toContain('openstreetmap.org');
    expect((await t.app.inject({ method: 'GET', url: '/lieux/00000000-0000-0000-0000-000000000000' })).statusCode).toBe(404);
  });

  it('a malformed id is a 404, never a failed ::uuid cast (36 dashes, hex without dashes, misplaced dashes)', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    for (const id of ['-'.repeat(36), 'a'.repeat(36), '0000000-00000-0000-0000-000000000000', 'g0000000-0000-0000-0000-000000000000']) {
      expect((await t.app.inject({ method: 'GET', url: `/lieux/${id}` })).statusCode, id).toBe(404);
      expect((await admin.get(`/lieux/${id}/modifier`)).statusCode, id).toBe(404);
      expect((await admin.post(`/lieux/${id}/modifier`, {})).statusCode, id).toBe(404);
    }
  });

  it('a 200-character junk query answers the "unknown commune" page, not an error', async () => {
    const junk = 'zq'.repeat(100);
    const res = await t.app.inject({ method: 'GET', url: `/trouver?q=${junk}` });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('Aucune commune');
    expect(res.body).not.toContain('Vouliez-vous dire');
    // A long tail after a real name still suggests it.
    const tail = await t.app.inject({ method: 'GET', url: `/trouver?q=${encodeURIComponent('Behren-lès-Forba' + 'x'.repeat(180))}` });
    expect(tail.statusCode).toBe(200);
    expect(tail.body).toContain('Behren-lès-Forbach');
  });

  it('OpenAPI at /api/openapi.json and a readable page at /api/docs', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { openapi: string; paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/lieux']!.get!.parameters!.map((p) => p.name)).toEqual(['lat', 'lon', 'rayon_km', 'commune', 'services', 'limit']);
    expect(doc.paths['/api/v1/lieux.csv']).toBeDefined();
    const page = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('GET /api/v1/lieux');
    expect(page.body).toContain('rayon_km');
  });
});

describe('managing places', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp({ config: { banUrl } });
  });
  afterAll(async () => t?.close());

  const form = {
    nom: 'Permanence de la place d’Armes',
    pivot: '',
    public: '1',
    adresse: "1 place d'Armes",
    code_postal: '57000',
    commune: 'metz',
    telephone: '03 87 55 55 55',
    horaires_Mo: '9h-12h',
    horaires_Tu: '9h-12h',
    horaires_We: '',
    horaires_Th: '',
    horaires_Fr: '',
    horaires_Sa: '',
    horaires_Su: '',
    horaires_exceptions: 'PH off',
    services: ['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien'],
    frais_a_charge: ['Gratuit'],
    courriels: 'contact@metz.example\nnumerique@metz.example',
  };

  it('a conseiller creates a place (geocoded through the BAN stand-in); it shows in the finder at once', async () => {
    const c = new TestClient(t.app);
    await c.login('conseiller@demo.test');
    const page = await c.get('/lieux/nouveau');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Lundi');
    const before = (await t.app.inject({ method: 'GET', url: '/api/v1/lieux?lat=49.1197&lon=6.1764&limit=3' })).json() as { lieux: { id: string }[] };
    expect(before.lieux.length).toBe(3);
    const res = await c.post('/lieux/nouveau', { ...form, confirmer_doublon: '1' });
    expect(res.statusCode, res.body.slice(0, 3000)).toBe(303);
    const id = res.headers.location!.split('/').pop()!;
    expect(before.lieux.map((l) => l.id)).not.toContain(id);
    const detail = await c.get(`/lieux/${id}`);
    expect(detail.body).toContain('Mo,Tu 09:00-12:00; PH off');
    expect(detail.body).toContain('Modifier ce lieu'); // the creating conseiller works there
    // The search asked just before the creation (its answer kept in memory) is answered anew.
    expect(((await t.app.inject({ method: 'GET', url: '/api/v1/lieux?lat=49.1197&lon=6.1764&limit=3' })).json() as { lieux: { id: string }[] }).lieux.map((l) => l.id)).toContain(id);
    const api = (await t.app.inject({ method: 'GET', url: '/api/v1/lieux?lat=49.1197&lon=6.1764&limit=3' })).json() as { lieux: { id: string; telephone: string; code_insee: string; courriels: string[]; pivot: string }[] };
    const mine = api.lieux.find((l) => l.id === id)!;
    expect(mine).toMatchObject({ telephone: '+33387555555', code_insee: '57463', courriels: ['contact@metz.example', 'numerique@metz.example'], pivot: '00000000000000' });
  });

  it('warns before creating a place 30 m from a place with a similar name', async () => {
    const c = new TestClient(t.app);
    await c.login('structure@demo.test');
    await c.get('/lieux/nouveau');
    const res = await c.post('/lieux/nouveau', { ...form, nom: "Espace numérique de l'Hôtel de Ville", latitude: '49.1197', longitude: '6.1764' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('Ce lieu existe peut-être déjà');
    expect(res.body).toMatch(/value="Espace numérique de l(&#39;|')Hôtel de Ville"/);
  });

  it('bad input is shown next to its field, typed values kept', async () => {
    const c = new TestClient(t.app);
    await c.login('structure@demo.test');
    await c.get('/lieux/nouveau');
    const res = await c.post('/lieux/nouveau', { ...form, nom: '', horaires_We: 'le matin', telephone: '12', latitude: '95', longitude: '6' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="champ-nom-erreur"');
    expect(res.body).toContain('Mercredi : plages illisibles');
    expect(res.body).toContain('id="champ-telephone-erreur"');
    expect(res.body).toContain('id="champ-latitude-erreur"');
    expect(res.body).toContain('value="le matin"');
  });

  it('a conseiller may not edit a place where they do not work; the structure manager may edit their structure’s', async () => {
    const api = (await t.app.inject({ method: 'GET', url: '/api/v1/lieux?commune=57058' })).json() as { lieux: { id: string }[] };
    const behren = api.lieux[0]!.id;
    const conseiller = new TestClient(t.app);
    await conseiller.login('conseiller@demo.test');
    expect((await conseiller.get(`/lieux/${behren}/modifier`)).statusCode).toBe(403);
    const metz = (await t.app.inject({ method: 'GET', url: '/api/v1/lieux?commune=57463' })).json() as { lieux: { id: string; nom: string }[] };
    const borny = metz.lieux.find((l) => l.nom === 'Bibliothèque de Borny')!.id;
    const manager = new TestClient(t.app);
    await manager.login('structure@demo.test');
    const edit = await manager.get(`/lieux/${borny}/modifier`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="13:00-18:00"'); // the OSM string read back into the grid
    const list = await manager.get('/lieux');
    expect(list.body).toContain('Bibliothèque de Borny');
    expect(list.body).not.toContain('Behren');
  });

  it('the admin upload: multipart, CSRF-checked, with the report', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    const page = await admin.get('/admin/lieux/import');
    expect(page.statusCode).toBe(200);
    const csv = 'id,pivot,nom,commune,code_postal,adresse,date_maj,services\nu1,,Lieu importé,Thionville,57100,3 rue X,2024-05-01,Loisirs et créations numériques\nu2,,,Thionville,57100,4 rue X,2024-05-01,';
    const multipart = (csrf: string | null) => {
      const b = '----cn' + Math.random().toString(16).slice(2);
      const parts = [
        ...(csrf !== null ? [`--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`] : []),
        `--${b}\r\nContent-Disposition: form-data; name="source"\r\n\r\ntest-envoi\r\n`,
        `--${b}\r\nContent-Disposition: form-data; name="fichier"; filename="lieux.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
        `--${b}--\r\n`,
      ];
      return {
        method: 'POST' as const,
        url: '/admin/lieux/import',
        headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': `multipart/form-data; boundary=${b}` },
        payload: parts.join(''),
      };
    };
    const noToken = await t.app.inject(multipart(null));
    expect(noToken.statusCode).toBe(403);
    const badToken = await t.app.inject(multipart('faux'));
    expect(badToken.statusCode).toBe(403);
    const ok = await t.app.inject(multipart(admin.lastCsrf));
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('1 créés');
    expect(ok.body).toContain('1 rejetés');
    expect(ok.body).toContain('obligatoire');
    const structure = new TestClient(t.app);
    await structure.login('structure@demo.test');
    expect((await structure.get('/admin/lieux/import')).statusCode).toBe(403);
  });

  it('the upload refuses non-admins before reading the body (a body that never ends gets an answer)', async () => {
    /** A multipart upload whose body never ends: only a refusal before the body is read can answer it. */
    const endless = (client: TestClient) => {
      const b = '----cn' + Math.random().toString(16).slice(2);
      const body = new Readable({ read() {} });
      body.push(`--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${client.lastCsrf}\r\n--${b}\r\nContent-Disposition: form-data; name="fichier"; filename="l.csv"\r\nContent-Type: text/csv\r\n\r\nid,nom\n`);
      const res = t.app.inject({
        method: 'POST',
        url: '/admin/lieux/import',
        headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': `multipart/form-data; boundary=${b}` },
        payload: body,
      });
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 3_000).unref());
      return Promise.race([res, timeout]).finally(() => body.destroy());
    };
    const anon = new TestClient(t.app);
    await anon.get('/connexion');
    const a = await endless(anon);
    expect(a === 'timeout' ? a : [a.statusCode, a.headers.location]).toEqual([303, `/connexion?retour=${encodeURIComponent('/admin/lieux/import')}`]);
    const conseiller = new TestClient(t.app);
    await conseiller.login('conseiller@demo.test');
    const c = await endless(conseiller);
    expect(c === 'timeout' ? c : c.statusCode).toBe(403);
    if (c !== 'timeout') expect(c.body).toContain('Accès refusé');
    const structure = new TestClient(t.app);
    await structure.login('structure@demo.test');
    const s = await endless(structure);
    expect(s === 'timeout' ? s : s.statusCode).toBe(403);
  });
});
