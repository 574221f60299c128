/**
 * The statistics pages through the real application: each role's own page, filters and their errors
 * beside the fields, exports (filters written at the top, one XLSX sheet per section), the public page
 * and its open data with no cell under 5 people at département level.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { parisDate } from '../activites/dates.js';
import { masquer } from './publique.js';
import { sql } from 'drizzle-orm';
import { rowsOf } from '../platform/db.js';

let t: TestContext;
const today = parisDate(new Date());
const clients: Record<string, TestClient> = {};
const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

beforeAll(async () => {
  t = await createTestApp();
  const id = (await findUserByEmail(t.database.db, 'conseiller@demo.test'))!.id;
  const token = (await createApiToken(t.database.db, SYSTEM_ACTOR, id, 'test')).token;
  const base = { date: today, duree_minutes: 60, lieu: { type: 'domicile', commune_insee: '57463' }, thematiques: ['email', 'sante'] };
  for (const body of [
    { ...base, id: randomUUID(), type: 'individuel', personne: { genre: 'feminin' } },
    { ...base, id: randomUUID(), type: 'collectif', titre_atelier: 'Atelier', participants: { total: 8, deja_accompagnes: 2, genres: { feminin: 5, masculin: 3 } } },
  ]) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/activites', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    expect(res.statusCode, res.body).toBe(201);
  }
  for (const [k, email] of Object.entries({ conseiller: 'conseiller@demo.test', coordinateur: 'coordinateur@demo.test', structure: 'structure@demo.test', prefecture: 'prefecture57@demo.test', admin: 'admin@demo.test', banque: 'banque@demo.test', candidat: 'candidat@demo.test' })) {
    clients[k] = new TestClient(t.app);
    await clients[k].login(email);
  }
});

afterAll(async () => {
  await t?.close();
});

describe('/statistiques/perimetre', () => {
  it("shows each role its own scope's figures, charts with their tables, labels and no id", async () => {
    const expected: Record<string, string> = { conseiller: 'Camille Conseillère', structure: 'Statistiques — ', prefecture: 'Moselle (57)', admin: 'France entière', banque: 'France entière' };
    for (const [who, libelle] of Object.entries(expected)) {
      const res = await clients[who]!.get('/statistiques/perimetre');
      expect(res.statusCode, who).toBe(200);
      expect(res.body).toContain(libelle);
      expect(res.body).toMatch(/<p class="cn-stat">9<\/p>\s*<p class="fr-tile__detail">Accompagnements/);
      expect(res.body).toContain('<svg');
      expect(res.body).toContain('role="img"');
      expect(res.body).toContain('Atelier collectif');
      expect(res.body).toContain('Metz (57)'); // the commune by name
      // no UUID, no code on screen outside links and form values
      const texte = res.body.replace(/<[^>]+>/g, ' ');
      expect(texte, who).not.toMatch(UUID_RE);
      expect(texte).not.toMatch(/non_communique|a_distance|aide_aux_demarches|lieu_activite|plus_120/);
    }
    const coord = await clients.coordinateur!.get('/statistiques/perimetre');
    expect(coord.statusCode).toBe(200);
    expect(coord.body).toContain('Équipe de Karim Coordinateur');
    expect((await clients.candidat!.get('/statistiques/perimetre')).statusCode).toBe(403);
    expect((await clients.conseiller!.get('/statistiques/perimetre?echelle=national')).statusCode).toBe(403);
  });

  it('the territory table: ANCT by région or département, a préfecture by structure (records, people, posts, active conseillers)', async () => {
    const ligne = (html: string, nom: string) => {
      const m = new RegExp(`<th scope="row">${nom.replace(/[()]/g, '\\$&')}</th>(.*?)</tr>`, 's').exec(html);
      return m ? [...m[1]!.matchAll(/<td class="cn-num">([^<]*)<\/td>/g)].map((x) => x[1]) : null;
    };
    const national = (await clients.admin!.get(`/statistiques/perimetre?du=${today}&au=${today}`)).body;
    expect(national).toContain('Activité et conseillers par région');
    // activities, accompagnements, people, posts granted, in post, active, inactive, rate
    expect(ligne(national, 'Grand Est')!.slice(0, 3)).toEqual(['2', '9', '9']);
    expect(ligne(national, 'Grand Est')![5]).toBe('1');
    expect(ligne(national, 'Bretagne')!.slice(0, 3)).toEqual(['0', '0', '0']);
    const parDep = (await clients.admin!.get(`/statistiques/perimetre?du=${today}&au=${today}&par=departement`)).body;
    expect(ligne(parDep, 'Moselle (57)')!.slice(0, 3)).toEqual(['2', '9', '9']);
    // The types chosen narrow the table too (the workshop of 8 alone; the individual one alone by structure).
    expect(ligne((await clients.admin!.get(`/statistiques/perimetre?du=${today}&au=${today}&types=collectif`)).body, 'Grand Est')!.slice(0, 2)).toEqual(['1', '8']);
    const prefIndividuel = (await clients.prefecture!.get(`/statistiques/perimetre?du=${today}&au=${today}&types=individuel`)).body;
    expect([...prefIndividuel.matchAll(/<th scope="row">([^<]+)<\/th>\s*<td class="cn-num">1<\/td>\s*<td class="cn-num">1<\/td>/g)].length).toBe(1);
    const pref = (await clients.prefecture!.get(`/statistiques/perimetre?du=${today}&au=${today}`)).body;
    expect(pref).toContain('Activité et conseillers par structure');
    const metz = [...pref.matchAll(/<th scope="row">([^<]+)<\/th>\s*<td class="cn-num">2<\/td>\s*<td class="cn-num">9<\/td>/g)];
    expect(metz.length).toBe(1);
    // a conseiller's own page has no territory table
    expect((await clients.conseiller!.get('/statistiques/perimetre')).body).not.toContain('Activité et conseillers par');
  });

  /** The options (value, text) of the select `name` in a page. */
  const options = (html: string, name: string) => {
    const m = new RegExp(`<select[^>]*name="${name}"[^>]*>(.*?)</select>`, 's').exec(html);
    return m ? [...m[1]!.matchAll(/<option value(?:="([^"]*)")?[^>]*>([^<]*)<\/option>/g)].map((x) => [x[1] ?? '', x[2]!] as [string, string]) : null;
  };
  const groupes = (html: string) => [...(/<select[^>]*name="perimetre"[^>]*>(.*?)<\/select>/s.exec(html)?.[1] ?? '').matchAll(/<optgroup label="([^"]+)"/g)].map((x) => x[1]);

  it('the scope is chosen by name among those the caller may read (no code typed, no UUID shown)', async () => {
    const admin = (await clients.admin!.get('/statistiques/perimetre')).body;
    expect(admin).not.toContain('Code du périmètre');
    expect(admin).not.toMatch(/<input[^>]*name="code"/);
    expect(groupes(admin)).toEqual(expect.arrayContaining(['France entière', 'Régions', 'Départements', 'Structures']));
    expect(options(admin, 'perimetre')).toEqual(expect.arrayContaining([['national', 'France entière'], ['region:44', 'Grand Est'], ['departement:57', 'Moselle (57)']]));
    expect(options(admin, 'perimetre')!.find(([v]) => v === 'national')).toBeTruthy();
    // A préfecture: its département and the structures in it, nothing national, no other département.
    const pref = (await clients.prefecture!.get('/statistiques/perimetre')).body;
    const p = options(pref, 'perimetre')!;
    expect(groupes(pref)).toEqual(['Départements', 'Structures']);
    expect(p.filter(([v]) => v.startsWith('departement:'))).toEqual([['departement:57', 'Moselle (57)']]);
    expect(p.some(([v]) => v === 'national' || v.startsWith('region:') || v.startsWith('conseiller:'))).toBe(false);
    expect(p.filter(([v]) => v.startsWith('structure:')).length).toBeGreaterThan(0);
    for (const [, texte] of p) expect(texte).not.toMatch(UUID_RE);
    // A conseiller: only themselves.
    const cons = (await clients.conseiller!.get('/statistiques/perimetre')).body;
    expect(options(cons, 'perimetre')!.map(([, x]) => x)).toEqual(['Camille Conseillère (vous)']);
    // The form's value stands for echelle and code; a scope beyond one's rights is refused; a made-up value is named.
    const metz = p.find(([v]) => v.startsWith('structure:'))!;
    const choisi = await clients.prefecture!.get(`/statistiques/perimetre?perimetre=${encodeURIComponent(metz[0])}`);
    expect(choisi.statusCode).toBe(200);
    expect(choisi.body).toContain(`Statistiques — ${metz[1]}`);
    expect(options(choisi.body, 'perimetre')!.find(([v]) => v === metz[0])).toBeTruthy();
    expect(choisi.body).toMatch(new RegExp(`<option value="${metz[0]}" selected`));
    expect((await clients.prefecture!.get('/statistiques/perimetre?perimetre=departement:54')).statusCode).toBe(403);
    const faux = await clients.admin!.get('/statistiques/perimetre?perimetre=planete:mars');
    expect(faux.statusCode).toBe(400);
    expect(faux.body).toContain('id="champ-perimetre-erreur"');
    expect((await clients.admin!.get('/statistiques/perimetre?perimetre=departement:999')).body).toContain('id="champ-perimetre-erreur"');
    for (const v of ['structure:%F0%9F%98%80', `conseiller:${'x'.repeat(300)}`, 'equipe:', '%27%3B--']) {
      const res = await clients.admin!.get(`/statistiques/perimetre?perimetre=${v}&conseillers=${v}`);
      expect(res.statusCode, v).toBe(400);
      expect(res.body, v).toContain('id="champ-perimetre-erreur"');
    }
  });

  it('filters by conseiller, structure, département, commune and place: lists of names within the scope, that narrow the figures', async () => {
    const stat = (html: string) => /<p class="cn-stat">([^<]*)<\/p>\s*<p class="fr-tile__detail">Accompagnements/.exec(html)?.[1];
    const pref = (await clients.prefecture!.get(`/statistiques/perimetre?du=${today}&au=${today}`)).body;
    const conseillers = options(pref, 'conseillers')!;
    expect(conseillers[0]).toEqual(['', 'Tous les conseillers du périmètre']);
    const camille = conseillers.find(([, x]) => x === 'Camille Conseillère')!;
    expect(camille).toBeTruthy();
    for (const [, texte] of conseillers) expect(texte).not.toMatch(UUID_RE);
    expect(options(pref, 'communes')).toEqual([['', 'Toutes les communes'], ['57463', 'Metz (57)']]);
    const structures = options(pref, 'structures')!;
    expect(structures.length).toBeGreaterThan(1);
    // No structure of another département is offered to the Moselle préfecture.
    const hors = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id::text as id from structures where departement <> '57'`)).map((x) => x.id);
    expect(structures.some(([v]) => hors.includes(v))).toBe(false);
    // labels beside their fields
    expect(pref).toMatch(/<label class="fr-label" for="champ-conseillers">Conseiller/);
    // Narrowing: the conseiller's own 9, another commune's 0 (from the records), and said so.
    const filtre = await clients.prefecture!.get(`/statistiques/perimetre?du=${today}&au=${today}&conseillers=${camille[0]}`);
    expect(filtre.statusCode).toBe(200);
    expect(stat(filtre.body)).toBe('9');
    expect(filtre.body).toMatch(new RegExp(`<option value="${camille[0]}" selected`));
    // Several values (a shared link): one list keeping them all.
    const karim = conseillers.find(([, x]) => x === 'Karim Coordinateur')!;
    const deux = await clients.prefecture!.get(`/statistiques/perimetre?du=${today}&au=${today}&conseillers=${camille[0]},${karim[0]}`);
    expect(stat(deux.body)).toBe('9');
    expect(deux.body).toMatch(/<select[^>]*name="conseillers"[^>]*multiple/);
    expect([...deux.body.matchAll(/<option value="([^"]+)" selected/g)].map((m) => m[1])).toEqual(expect.arrayContaining([camille[0], karim[0]]));
    const commune = await clients.prefecture!.get(`/statistiques/perimetre?du=${today}&au=${today}&communes=54395`);
    expect(commune.statusCode).toBe(403);
    expect(commune.body).toContain('id="champ-communes-erreur"');
    expect(commune.body).toContain('hors du périmètre');
    const metz = await clients.prefecture!.get(`/statistiques/perimetre?du=${today}&au=${today}&communes=57463`);
    expect(stat(metz.body)).toBe('9');
    expect(metz.body).toContain('calculés directement à partir des comptes rendus');
    // ANCT: the départements of France by name; one département narrows a national page.
    const national = await clients.admin!.get(`/statistiques/perimetre?du=${today}&au=${today}&departements=54`);
    expect(options(national.body, 'departements')).toEqual(expect.arrayContaining([['57', 'Moselle (57)'], ['54', 'Meurthe-et-Moselle (54)']]));
    expect(stat(national.body)).toBe('0');
    expect(stat((await clients.admin!.get(`/statistiques/perimetre?du=${today}&au=${today}&departements=57`)).body)).toBe('9');
    // Choosing another scope on the form lets go of the shown scope's narrowing filters (else refused as outside it).
    const ailleursChoisi = await clients.admin!.get(`/statistiques/perimetre?du=${today}&au=${today}&perimetre=departement:54&perimetre_affiche=departement:57&conseillers=${camille[0]}`);
    expect(ailleursChoisi.statusCode).toBe(200);
    expect(ailleursChoisi.body).toContain('name="perimetre_affiche" value="departement:54"');
    expect((await clients.admin!.get(`/statistiques/perimetre?du=${today}&au=${today}&perimetre=departement:54&conseillers=${camille[0]}`)).statusCode).toBe(403);
    // A structure may not filter on a conseiller of another structure: refused beside the field.
    const structureUser = (await findUserByEmail(t.database.db, 'structure@demo.test'))!.id;
    const ailleurs = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id::text as id from structures
      where id not in (select structure_id from role_assignments where user_id = ${structureUser}::uuid and structure_id is not null) limit 1`))[0]!;
    const autre = await createUser(t.database.db, SYSTEM_ACTOR, { email: 'ailleurs.stat@demo.test', firstName: 'Alex', lastName: 'Ailleurs', passwordHash: null, roles: [{ role: 'conseiller', departement: null, structureId: ailleurs.id }] });
    const propre = (await clients.structure!.get('/statistiques/perimetre')).body;
    expect(options(propre, 'conseillers')!.map(([, x]) => x)).not.toContain('Alex Ailleurs');
    expect(options((await clients.admin!.get(`/statistiques/perimetre?perimetre=structure:${ailleurs.id}`)).body, 'conseillers')!.map(([, x]) => x)).toContain('Alex Ailleurs');
    const refus = await clients.structure!.get(`/statistiques/perimetre?conseillers=${autre.id}`);
    expect(refus.statusCode).toBe(403);
    expect(refus.body).toContain('id="champ-conseillers-erreur"');
    // … and the refused id is not turned into a name on that page.
    expect(refus.body).not.toContain('Ailleurs');
    // The export writes the narrowing filter by name at the top.
    const csv = await clients.prefecture!.get(`/statistiques/perimetre/export.csv?du=${today}&au=${today}&conseillers=${camille[0]}`);
    expect(csv.body).toContain('Conseillers;Camille Conseillère');
    expect(csv.body).toContain('Accompagnements;9');
  });

  it('says a bad filter beside its field (400), never a 500', async () => {
    const res = await clients.admin!.get('/statistiques/perimetre?du=2026-07-01&au=2026-06-01&types=visite');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="champ-du-erreur"');
    expect(res.body).toContain('La date de début (du) doit précéder la date de fin (au).');
    expect(res.body).toContain('id="types-erreur"');
    const exp = await clients.admin!.get('/statistiques/perimetre/export.csv?du=demain');
    expect(exp.statusCode).toBe(400);
    expect(exp.headers['content-type']).toMatch(/text\/html/);
    expect(exp.body).toContain('id="champ-du-erreur"');
  });

  it('exports CSV and XLSX with the filters at the top and one sheet per section', async () => {
    const csv = await clients.structure!.get(`/statistiques/perimetre/export.csv?du=${today}&au=${today}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lignes = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lignes[1]).toMatch(/^Périmètre;Structure : /);
    expect(lignes[2]).toBe(`Période;du ${today.split('-').reverse().join('/')} au ${today.split('-').reverse().join('/')}`);
    expect(csv.body).toContain('Accompagnements;9');
    expect(csv.body).not.toMatch(UUID_RE);
    const x = await clients.admin!.get(`/statistiques/perimetre/export.xlsx?du=${today}&au=${today}&types=collectif`);
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toContain('Accompagnements par thématique');
    expect(wb.worksheets.length).toBeGreaterThan(10);
    const synthese = wb.getWorksheet('Synthèse')!;
    expect(synthese.getRow(3).values).toContain('Atelier collectif');
    expect(synthese.getRow(8).values).toEqual([undefined, 'Accompagnements', 8]);
  });
});

describe('navigation to the statistics', () => {
  const lien = (html: string, href: string) => new RegExp(`<a class="fr-nav__link" href="${href.replace(/\//g, '\\/')}"[^>]*>`).test(html);
  it('the signed-in menu links to /statistiques/perimetre for the roles that may read statistics, to /couverture for ANCT and préfectures', async () => {
    for (const who of ['conseiller', 'coordinateur', 'structure', 'prefecture', 'admin', 'banque', 'candidat']) {
      const html = (await clients[who]!.get('/notifications')).body;
      expect(lien(html, '/statistiques/perimetre'), who).toBe(who !== 'candidat');
      expect(lien(html, '/couverture'), who).toBe(who === 'admin' || who === 'prefecture');
      // every link of the menu opens for that role
      for (const href of [...html.matchAll(/<a class="fr-nav__link" href="([^"]+)"/g)].map((m) => m[1]!).filter((h) => h.startsWith('/statistiques') || h === '/couverture'))
        expect((await clients[who]!.get(href)).statusCode, `${who} ${href}`).toBe(200);
    }
    const page = (await clients.prefecture!.get('/statistiques/perimetre')).body;
    expect(page).toMatch(/<a class="fr-nav__link" href="\/statistiques\/perimetre" aria-current="page">Statistiques<\/a>/);
  });

  it('the public footer and the home page link to the public statistics', async () => {
    for (const url of ['/', '/trouver', '/statistiques']) {
      const html = (await t.app.inject({ method: 'GET', url })).body;
      expect(html, url).toMatch(/<a class="fr-footer__bottom-link" href="\/statistiques">Statistiques publiques<\/a>/);
    }
    const home = (await t.app.inject({ method: 'GET', url: '/' })).body;
    expect(home).toContain('<a href="/statistiques">Les statistiques publiques du dispositif</a>');
    expect(home).not.toContain('Pas encore sur la plateforme');
  });
});

describe('/statistiques (public) and its open data', () => {
  it('works signed out, with no cell under 5 at département level', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/statistiques' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Statistiques publiques');
    expect(res.body).toMatch(/<p class="cn-stat">1 sur \d+<\/p>/);
    const moselle = /<a href="\/statistiques\?departement=57">Moselle \(57\)<\/a><\/th>(.*?)<\/tr>/s.exec(res.body)![1]!;
    // 2 activities and 1 active conseiller in Moselle: hidden; 9 accompagnements and 9 people: shown
    expect(moselle.match(/<td class="cn-num">([^<]*)<\/td>/g)!.map((c) => c.replace(/<[^>]+>/g, ''))).toEqual(['&lt; 5', '9', '9', '&lt; 5']);
    const dep = await t.app.inject({ method: 'GET', url: '/statistiques?departement=57' });
    expect(dep.statusCode).toBe(200);
    expect(dep.body).toContain('Moselle (57)');
    expect(dep.body).toContain("Habitants éloignés d'un lieu où des conseillers numériques sont présents");
    // every number cell of the page (tables of the charts and of the département), percentages aside
    const cells = [...dep.body.matchAll(/<td class="cn-num">([^<]*)<\/td>/g)].map((m) => m[1]!).filter((c) => !c.endsWith('%') && c !== '');
    expect(cells.length).toBeGreaterThan(20);
    for (const c of cells) expect(['&lt; 5', '0'].includes(c) || Number(c.replace(/\s/g, '')) >= 5, c).toBe(true);
    expect(dep.body).not.toMatch(/>[1-4] \(|>[1-4]</);
    const bad = await t.app.inject({ method: 'GET', url: '/statistiques?departement=999' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Département inconnu');
  });

  it('JSON and CSV: the same figures, small cells hidden, in the OpenAPI document', async () => {
    const j = (await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/publiques' })).json();
    expect(j.accompagnements).toBe(9);
    expect(j.licence).toMatch(/Licence Ouverte/);
    const d57 = j.departements.find((d: { code: string }) => d.code === '57');
    expect(d57).toMatchObject({ activites: '< 5', accompagnements: 9, personnes: 9, conseillers_actifs: '< 5' });
    expect(j.mensuelle.at(-1)).toMatchObject({ accompagnements: 9, cumul: 9 });
    const dj = (await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/publiques?departement=57' })).json();
    expect(dj.activites).toBe('< 5');
    expect(dj.thematiques.find((x: { code: string }) => x.code === 'email')).toMatchObject({ nombre: 9 });
    const csv = await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/publiques.csv' });
    expect(csv.body).toContain('Moselle;57;< 5;9;9;< 5');
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/statistiques/publiques?departement=xx' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().invalid_params[0].name).toBe('departement');
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.paths['/api/v1/statistiques/publiques'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/StatistiquesPubliques');
  });

  it('masquer: 1 to 4 hidden, 0 and 5+ shown', () => {
    expect([0, 1, 4, 5, 12].map(masquer)).toEqual([0, '< 5', '< 5', 5, 12]);
  });
});
