/**
 * Activity reports and beneficiaries through the real HTTP application: entry by form and by API,
 * idempotency, field-level errors, exports, counts after create / edit / merge / delete, privacy of
 * beneficiaries, the retention job.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { createApiToken } from '../comptes/tokens.js';
import { createUser, findUserByEmail } from '../comptes/users.js';
import { findStructureBySiret } from '../structures/structures.js';
import { DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';
import { countsForConseiller, listActivites } from './activites.js';
import { anonymiserInactifs, cleNom, getOwnBeneficiaire, normalisePhone } from './beneficiaires.js';
import { parisDate } from './dates.js';
import { setEquipesPort } from './ports.js';

let t: TestContext;
const today = parisDate(new Date());
let conseiller: TestClient;
let coordinateur: TestClient;
let structure: TestClient;
let autre: TestClient;
let conseillerId = '';
let tokenConseiller = '';
let tokenCoordinateur = '';
let tokenAutre = '';
let tokenStructure = '';

const api = (token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

const individuel = (over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'individuel',
  date: today,
  duree_minutes: 45,
  lieu: { type: 'domicile', commune_insee: '57463' },
  thematiques: ['email', 'aide_aux_demarches_administratives'],
  thematiques_demarches: ['logement'],
  nom_demarche: "Demande d'APL",
  materiel: ['ordinateur'],
  autonomie: 'partiellement_autonome',
  orientation: 'aide_sociale',
  beneficiaire_id: null,
  notes: 'RAS',
  ...over,
});

beforeAll(async () => {
  t = await createTestApp();
  const metz = (await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === 'metz'))))!;
  const other = await createUser(t.database.db, SYSTEM_ACTOR, {
    email: 'autre.conseiller@demo.test',
    firstName: 'Autre',
    lastName: 'Conseiller',
    passwordHash: (await findUserByEmail(t.database.db, 'conseiller@demo.test'))!.passwordHash,
    roles: [{ role: 'conseiller', departement: null, structureId: metz.id }],
  });
  conseillerId = (await findUserByEmail(t.database.db, 'conseiller@demo.test'))!.id;
  const coordId = (await findUserByEmail(t.database.db, 'coordinateur@demo.test'))!.id;
  // The demo coordinator leads the demo conseiller (since long ago): their figures are the team's.
  setEquipesPort({ async membresPendant(_db, id) { return id === coordId ? [{ userId: conseillerId, debut: '2000-01-01', fin: null }] : []; } });
  const structId = (await findUserByEmail(t.database.db, 'structure@demo.test'))!.id;
  tokenConseiller = (await createApiToken(t.database.db, SYSTEM_ACTOR, conseillerId, 'test')).token;
  tokenCoordinateur = (await createApiToken(t.database.db, SYSTEM_ACTOR, coordId, 'test')).token;
  tokenAutre = (await createApiToken(t.database.db, SYSTEM_ACTOR, other.id, 'test')).token;
  tokenStructure = (await createApiToken(t.database.db, SYSTEM_ACTOR, structId, 'test')).token;
  conseiller = new TestClient(t.app);
  await conseiller.login('conseiller@demo.test');
  coordinateur = new TestClient(t.app);
  await coordinateur.login('coordinateur@demo.test');
  structure = new TestClient(t.app);
  await structure.login('structure@demo.test');
  autre = new TestClient(t.app);
  await autre.login('autre.conseiller@demo.test');
});
afterAll(async () => t.close());

/** The dashboard figure labelled `label` (the tile's number). */
function stat(html: string, label: string): number {
  const re = new RegExp(`<p class="cn-stat">([^<]+)</p><p class="fr-tile__detail">(?:<a[^>]*>)?${label}<`);
  const m = re.exec(html);
  if (!m) throw new Error(`no stat « ${label} »`);
  return Number(m[1]!.replace(/\D/g, ''));
}

describe('entry in the browser (forms, no JavaScript)', () => {
  let ids: string[] = [];

  it('records an individual accompaniment, a workshop of 8 and a one-off help', async () => {
    const form = await conseiller.get('/activites/nouvelle');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="thematiques"');
    expect(form.body).toContain(`value="${today}"`); // today by default
    expect(form.body).toContain('value="57463"'); // the structure's commune by default
    const id1 = /name="id" value="([0-9a-f-]{36})"/.exec(form.body)![1]!;
    const r1 = await conseiller.post('/activites/nouvelle', {
      id: id1, type: 'individuel', date: today, duree: '45', lieu: 'domicile', commune_insee: '57463',
      thematiques: ['email', 'aide_aux_demarches_administratives'], thematiques_demarches: ['logement'], nom_demarche: 'APL', materiel: ['ordinateur'], autonomie: 'autonome',
    });
    expect(r1.statusCode).toBe(303);
    expect(r1.headers.location).toBe(`/activites/nouvelle?precedente=${id1}`);
    // The same form posted twice (double click) stores one activity
    const again = await conseiller.post('/activites/nouvelle', {
      id: id1, type: 'individuel', date: today, duree: '45', lieu: 'domicile', commune_insee: '57463',
      thematiques: ['email', 'aide_aux_demarches_administratives'], thematiques_demarches: ['logement'], nom_demarche: 'APL', materiel: ['ordinateur'], autonomie: 'autonome',
    });
    expect(again.statusCode).toBe(303);

    // Defaults from the previous entry: same type, duration and place
    const next = await conseiller.get(r1.headers.location as string);
    expect(next.body).toMatch(/name="type" value="individuel" checked/);
    expect(next.body).toMatch(/name="duree" value="45" checked/);
    expect(next.body).toMatch(/name="lieu" value="domicile" checked/);

    const id2 = randomUUID();
    const r2 = await conseiller.post('/activites/nouvelle', {
      id: id2, type: 'collectif', date: today, duree: '120', lieu: 'autre', commune_insee: '57463', thematiques: 'prendre_en_main_du_materiel',
      titre_atelier: 'Premiers pas sur tablette', niveau_atelier: 'debutant', participants_total: '8', participants_deja_accompagnes: '2',
      genre_feminin: '5', genre_masculin: '3', age_soixante_soixante_neuf: '6', statut_retraite: '6',
    });
    expect(r2.statusCode).toBe(303);
    const id3 = randomUUID();
    const r3 = await conseiller.post('/activites/nouvelle', {
      id: id3, type: 'ponctuel', date: today, duree: 'autre', duree_autre: '10', lieu: 'a_distance', commune_insee: '57463', thematiques: 'securite_numerique',
    });
    expect(r3.statusCode).toBe(303);
    ids = [id1, id2, id3];

    const list = await conseiller.get('/activites');
    for (const id of ids) expect(list.body.split(`data-id="${id}"`).length - 1).toBe(1);
    expect(list.body).toContain('Premiers pas sur tablette');
  });

  it('shows the records on the dashboards (activities, accompaniments: a workshop counts its participants)', async () => {
    const dash = await conseiller.get('/tableau-de-bord/conseiller');
    expect(stat(dash.body, 'Mes activités')).toBe(3);
    expect(stat(dash.body, 'Mes accompagnements')).toBe(10);
    for (const [c, role, label] of [[coordinateur, 'coordinateur', "Accompagnements de l'équipe"], [structure, 'structure', 'Accompagnements de la structure']] as const) {
      const d = await c.get(`/tableau-de-bord/${role}`);
      expect(stat(d.body, label), role).toBe(10);
    }
    const s = await structure.get('/activites/structure');
    expect(s.statusCode).toBe(200);
    expect(s.body).toContain('Premiers pas'.length ? 'Accompagnements par thématique' : '');
  });

  it('exports them as CSV and XLSX with the filters in the header rows', async () => {
    // For people (the default): French columns and labels, no ids, no codes, times in Paris
    const lisible = await conseiller.get('/activites/export.csv');
    expect(lisible.statusCode).toBe(200);
    const l = lisible.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(l[0]).toBe('Activités de Camille Conseillère');
    expect(l[4]!.startsWith('Date;Type;Durée (minutes);Tranche de durée;Lieu;Commune;Thématiques')).toBe(true);
    for (const id of ids) expect(lisible.body).not.toContain(id);
    expect(lisible.body).toContain('Atelier collectif');
    expect(lisible.body).not.toMatch(/;collectif;|prendre_en_main_du_materiel|T\d{2}:\d{2}:\d{2}\.\d{3}Z/);
    expect(l[5]).toMatch(/;\d{2}\/\d{2}\/\d{4} \d{2}:\d{2};\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(lisible.headers['content-disposition']).toMatch(/activites-\d{4}-\d{2}-\d{2}\.csv/);
    // For machines, a separate choice: exchange codes and ids
    const csv = await conseiller.get('/activites/export.csv?forme=codes');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toMatch(/activites-codes-/);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('Activités de Camille Conseillère (codes d’échange, pour un traitement automatique)');
    expect(lines[2]).toBe('Filtres : aucun (toutes les activités)');
    expect(lines[4]!.startsWith('id;date;type;duree_minutes')).toBe(true);
    for (const id of ids) expect(csv.body.split(id).length - 1).toBe(1);
    expect((await conseiller.get('/activites/export.csv?forme=autre')).statusCode).toBe(400);

    const filtered = await conseiller.get(`/activites/export.csv?forme=codes&type=collectif&du=${today}`);
    expect(filtered.body).toContain(`Filtres : à partir du ${today.split('-').reverse().join('/')} ; type : Atelier collectif`);
    const both = await conseiller.get(`/activites/export.csv?du=${today}&au=${today}&lieu=a_distance`);
    const fr = today.split('-').reverse().join('/');
    expect(both.body).toContain(`Filtres : période du ${fr} au ${fr} ; lieu : À distance (téléphone, visio)`);
    expect(filtered.body).toContain(ids[1]);
    expect(filtered.body).not.toContain(ids[0]);

    const xlsx = await conseiller.get('/activites/export.xlsx?forme=codes&thematique=securite_numerique');
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(String(ws.getRow(3).getCell(1).value)).toBe('Filtres : thématique : Sécurité numérique');
    expect(ws.getRow(5).getCell(1).value).toBe('id');
    expect(ws.getRow(6).getCell(1).value).toBe(ids[2]);
    expect(ws.getRow(7).getCell(1).value ?? null).toBeNull();

    expect((await conseiller.get('/activites/export.csv?type=atelier')).statusCode).toBe(400);
  });

  it('edits and deletes, and every count follows', async () => {
    const [id1, id2, id3] = ids as [string, string, string];
    const edit = await conseiller.get(`/activites/${id2}/modifier`);
    expect(edit.statusCode).toBe(200);
    expect(edit.body).toContain('value="Premiers pas sur tablette"');
    const r = await conseiller.post(`/activites/${id2}/modifier`, {
      type: 'collectif', date: today, duree: '90', lieu: 'autre', commune_insee: '57463', thematiques: 'prendre_en_main_du_materiel',
      titre_atelier: 'Premiers pas sur tablette', participants_total: '12',
    });
    expect(r.statusCode).toBe(303);
    let dash = await conseiller.get('/tableau-de-bord/conseiller');
    expect(stat(dash.body, 'Mes accompagnements')).toBe(14);
    const bad = await conseiller.post(`/activites/${id2}/modifier`, {
      type: 'collectif', date: today, duree: '90', lieu: 'autre', commune_insee: '57463', thematiques: 'prendre_en_main_du_materiel', titre_atelier: 'X', participants_total: '2', genre_feminin: '3',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('la somme (3) dépasse le nombre total de participants (2)');
    expect(bad.body).toContain('value="3"'); // typed values kept

    // The list links to a confirmation naming the activity; nothing is deleted by following it.
    const list = await conseiller.get('/activites');
    expect(list.body).toContain(`href="/activites/${id3}/supprimer"`);
    expect(list.body).not.toMatch(/aria-label="Supprimer l&#39;activité du/);
    const confirm = await conseiller.get(`/activites/${id3}/supprimer`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toMatch(/<h1>Supprimer l(&#39;|')[^<]+ du [^<]+ \?<\/h1>/);
    expect(confirm.body).toContain(`action="/activites/${id3}/supprimer"`);
    expect((await conseiller.get('/activites')).body).toContain(id3);
    expect((await autre.get(`/activites/${id3}/supprimer`)).statusCode).toBe(404);
    expect((await conseiller.post(`/activites/${id3}/supprimer`)).statusCode).toBe(303);
    dash = await conseiller.get('/tableau-de-bord/conseiller');
    expect(stat(dash.body, 'Mes activités')).toBe(2);
    expect(stat(dash.body, 'Mes accompagnements')).toBe(13);
    const coord = await coordinateur.get('/tableau-de-bord/coordinateur');
    expect(stat(coord.body, "Accompagnements de l'équipe")).toBe(13);
    expect((await conseiller.get('/activites')).body).not.toContain(id3);
    // Another conseiller cannot edit or delete them
    expect((await autre.get(`/activites/${id1}/modifier`)).statusCode).toBe(404);
    expect((await autre.post(`/activites/${id1}/supprimer`)).statusCode).toBe(404);
    // Duplicate: a prefilled form with a new id and today's date
    const dup = await conseiller.get(`/activites/nouvelle?dupliquer=${id2}`);
    expect(dup.body).toContain('value="Premiers pas sur tablette"');
    expect(dup.body).not.toContain(`name="id" value="${id2}"`);
  });

  it('takes the commune by name or postcode, offers a choice when it is ambiguous, and « à distance » needs none', async () => {
    await conseiller.get('/activites/nouvelle');
    const common = { type: 'ponctuel', date: today, duree: '15', thematiques: 'email' };
    const rows = () => listActivites(t.database.db, conseillerId, {}, null, 1000);
    const named = randomUUID();
    const byName = await conseiller.post('/activites/nouvelle', { ...common, id: named, lieu: 'autre', commune: 'forbach' });
    expect(byName.statusCode).toBe(303);
    expect((await rows()).find((r) => r.id === named)).toMatchObject({ communeInsee: '57227', type: 'ponctuel' });

    // a shared name: the same form again, with the communes to choose from (no JavaScript needed)
    const id = randomUUID();
    const ambiguous = await conseiller.post('/activites/nouvelle', { ...common, id, lieu: 'domicile', commune: 'Saint-Martin' });
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.body).toMatch(/Plusieurs communes s(&#39;|')appellent Saint-Martin : choisissez la vôtre\.<\/p>/);
    expect(ambiguous.body).toContain('Quelle commune ?');
    const choice = /name="commune_insee" value="([0-9AB]{5})"/.exec(ambiguous.body)![1]!;
    expect(ambiguous.body).toContain('name="commune_insee_pour" value="Saint-Martin"');
    const chosen = await conseiller.post('/activites/nouvelle', { ...common, id, lieu: 'domicile', commune: 'Saint-Martin', commune_insee: choice, commune_insee_pour: 'Saint-Martin' });
    expect(chosen.statusCode).toBe(303);
    expect((await rows()).find((r) => r.id === id)).toMatchObject({ communeInsee: choice, lieuType: 'domicile' });

    // the edit form shows the commune by its name
    const edit = await conseiller.get(`/activites/${id}/modifier`);
    expect(edit.body).toMatch(/name="commune" type="text" value="Saint-Martin \(\d[\dAB]\)"/);

    // at a distance, no commune: the structure's (Metz)
    const distance = randomUUID();
    expect((await conseiller.post('/activites/nouvelle', { ...common, id: distance, lieu: 'a_distance' })).statusCode).toBe(303);
    expect((await rows()).find((r) => r.id === distance)).toMatchObject({ communeInsee: '57463', lieuType: 'a_distance' });
  });

  it('records the gender, age and status of an anonymous person with one click each, counted like a workshop', async () => {
    const id = randomUUID();
    await conseiller.get('/activites/nouvelle');
    const r = await conseiller.post('/activites/nouvelle', {
      id, type: 'individuel', date: today, duree: '30', lieu: 'autre', commune: '57463', thematiques: 'email',
      personne_genre: 'feminin', personne_age: 'soixante_dix_plus', personne_statut: 'retraite',
    });
    expect(r.statusCode).toBe(303);
    const row = (await listActivites(t.database.db, conseillerId, {}, null, 1000)).find((x) => x.id === id)!;
    expect(row.participants).toMatchObject({ total: 1, genres: { feminin: 1 }, tranches_age: { soixante_dix_plus: 1 }, statuts: { retraite: 1 } });
    const got = await api(tokenConseiller, 'GET', `/api/v1/activites/${id}`);
    expect(got.json().personne).toEqual({ genre: 'feminin', tranche_age: 'soixante_dix_plus', statut: 'retraite' });
    const edit = await conseiller.get(`/activites/${id}/modifier`);
    expect(edit.body).toMatch(/name="personne_genre" value="feminin" checked/);
    // replayed by an offline device with the same content: the same record
    const replay = await api(tokenConseiller, 'POST', '/api/v1/activites', { ...(got.json() as Record<string, unknown>), created_at: undefined, updated_at: undefined });
    expect(replay.statusCode).toBe(200);
  });

  it('re-renders the form with a French message next to each invalid field', async () => {
    await conseiller.get('/activites/nouvelle');
    const r = await conseiller.post('/activites/nouvelle', { id: randomUUID(), type: 'individuel', date: '2999-01-01', duree: 'autre', duree_autre: '600', lieu: 'autre', thematiques_demarches: 'logement' });
    expect(r.statusCode).toBe(400);
    expect(r.body).toContain('La date ne peut pas être dans le futur');
    expect(r.body).toContain('La durée doit être comprise entre 1 et 480 minutes.');
    expect(r.body).toContain('Choisissez au moins une thématique.');
    expect(r.body).toContain("Indiquez la commune (son nom, son code postal ou son code INSEE)");
    expect(r.body).toContain('href="#champ-thematiques"');
  });
});

describe('API /api/v1/activites', () => {
  it('is idempotent by the client UUID', async () => {
    const body = individuel();
    const a = await api(tokenConseiller, 'POST', '/api/v1/activites', body);
    expect(a.statusCode).toBe(201);
    const b = await api(tokenConseiller, 'POST', '/api/v1/activites', body);
    expect(b.statusCode).toBe(200);
    expect(b.json()).toEqual(a.json());
    const rows = await listActivites(t.database.db, conseillerId, {}, null, 1000);
    expect(rows.filter((r) => r.id === body.id)).toHaveLength(1);
    const c = await api(tokenConseiller, 'POST', '/api/v1/activites', { ...body, duree_minutes: 60 });
    expect(c.statusCode).toBe(409);
    expect(c.headers['content-type']).toContain('application/problem+json');
    // Another conseiller replaying the id gets a conflict, not the record
    const d = await api(tokenAutre, 'POST', '/api/v1/activites', body);
    expect(d.statusCode).toBe(409);
    expect(d.body).not.toContain('RAS');
    // After a deletion, a replay does not bring it back
    expect((await api(tokenConseiller, 'DELETE', `/api/v1/activites/${body.id}`)).statusCode).toBe(204);
    expect((await api(tokenConseiller, 'POST', '/api/v1/activites', body)).statusCode).toBe(409);
    expect((await api(tokenConseiller, 'GET', `/api/v1/activites/${body.id}`)).statusCode).toBe(404);
  });

  it('returns the stored activity with the contract field names', async () => {
    const body = {
      ...individuel({ type: 'collectif', autonomie: null, titre_atelier: 'Atelier mail', niveau_atelier: 'debutant' }),
      participants: { total: 8, deja_accompagnes: 2, genres: { feminin: 5, masculin: 3 }, tranches_age: { soixante_soixante_neuf: 6 }, statuts: { retraite: 6 } },
    };
    const r = await api(tokenConseiller, 'POST', '/api/v1/activites', body);
    expect(r.statusCode).toBe(201);
    const j = r.json();
    expect(j).toMatchObject({ id: body.id, type: 'collectif', date: today, duree_minutes: 45, lieu: { type: 'domicile', commune_insee: '57463' }, thematiques_demarches: ['logement'] });
    expect(j.participants.tranches_age.non_communique).toBe(2);
    expect(j.participants.statuts).toMatchObject({ retraite: 6, non_communique: 2 });
    // a workshop replayed (counts stored as jsonb, in another key order) is still the same record
    const replay = await api(tokenConseiller, 'POST', '/api/v1/activites', body);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(j);
    const patched = await api(tokenConseiller, 'PATCH', `/api/v1/activites/${body.id}`, { duree_minutes: 90, notes: null });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ duree_minutes: 90, notes: null, titre_atelier: 'Atelier mail' });
    const badPatch = await api(tokenConseiller, 'PATCH', `/api/v1/activites/${body.id}`, { thematiques: [] });
    expect(badPatch.statusCode).toBe(400);
    expect(badPatch.json().invalid_params).toEqual([{ name: 'thematiques', reason: 'Choisissez au moins une thématique.' }]);
    expect((await api(tokenAutre, 'GET', `/api/v1/activites/${body.id}`)).statusCode).toBe(404);
    expect((await api(tokenAutre, 'PATCH', `/api/v1/activites/${body.id}`, { duree_minutes: 5 })).statusCode).toBe(404);
    expect((await api(tokenAutre, 'DELETE', `/api/v1/activites/${body.id}`)).statusCode).toBe(404);
    expect((await api(tokenStructure, 'GET', `/api/v1/activites/${body.id}`)).statusCode).toBe(403);
  });

  it('answers each bad payload with a 4xx and a French message per field, never a 500', async () => {
    const cases: [string, unknown, string][] = [
      ['wrong types', individuel({ duree_minutes: '45', date: 20260101, thematiques: 'email' }), 'duree_minutes'],
      ['unknown theme', individuel({ thematiques: ['astrologie'] }), 'thematiques'],
      ['sub-theme without démarches', individuel({ thematiques: ['email'] }), 'thematiques_demarches'],
      ['counts over total', individuel({ type: 'collectif', autonomie: null, titre_atelier: 'x', participants: { total: 3, genres: { feminin: 4 } } }), 'participants.genres'],
      ['future date', individuel({ date: '2999-12-31' }), 'date'],
      ['lieu not among the conseiller’s', individuel({ lieu: { type: 'lieu_activite', lieu_id: randomUUID() } }), 'lieu.lieu_id'],
      ['unknown beneficiary', individuel({ beneficiaire_id: randomUUID() }), 'beneficiaire_id'],
      ['not an object', [1, 2], 'body'],
    ];
    for (const [what, body, field] of cases) {
      const r = await api(tokenConseiller, 'POST', '/api/v1/activites', body);
      expect(r.statusCode, what).toBe(400);
      expect(r.headers['content-type'], what).toContain('application/problem+json');
      const params = r.json().invalid_params as { name: string; reason: string }[];
      const p = params.find((x) => x.name === field);
      expect(p, `${what}: ${JSON.stringify(params)}`).toBeDefined();
      expect(p!.reason).toMatch(/[a-zéèàç]{3,}/);
      expect(new Set(params.map((x) => x.name)).size).toBe(params.length); // one entry per field
    }
    const malformed = await api(tokenConseiller, 'POST', '/api/v1/activites', '{"id": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    const text = await t.app.inject({ method: 'POST', url: '/api/v1/activites', headers: { authorization: `Bearer ${tokenConseiller}`, 'content-type': 'text/plain' }, payload: 'bonjour' });
    expect(text.statusCode).toBe(400);
    expect(text.json().invalid_params).toEqual([{ name: 'body', reason: 'Le corps de la requête doit être un objet JSON décrivant une activité.' }]);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }> }> };
    };
    expect(Object.keys(doc.paths['/api/v1/activites']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/activites/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.paths['/api/v1/activites']!.post!.responses).sort()).toEqual(['200', '201', '400', '401', '403', '409', '413']);
    expect(doc.components.schemas.Activite!.properties.thematiques!.items!.enum).toContain('aide_aux_demarches_administratives');
    expect(doc.components.schemas.Activite!.properties.type!.enum).toEqual(['individuel', 'collectif', 'ponctuel']);
  });

  it('refuses a 10 MB body with a clean 413 problem', async () => {
    const big = JSON.stringify(individuel({ notes: 'x'.repeat(10 * 1024 * 1024) }));
    const r = await api(tokenConseiller, 'POST', '/api/v1/activites', big);
    expect(r.statusCode).toBe(413);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ status: 413, title: 'Le contenu envoyé est trop volumineux.' });
  });

  it('lists own activities with filters and cursor pagination', async () => {
    for (let i = 0; i < 5; i++) expect((await api(tokenAutre, 'POST', '/api/v1/activites', individuel({ thematiques: ['bureautique'], thematiques_demarches: [], nom_demarche: null }))).statusCode).toBe(201);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await api(tokenAutre, 'GET', `/api/v1/activites?limite=2${cursor ? `&curseur=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const j = res.json() as { activites: { id: string }[]; curseur_suivant: string | null };
      for (const a of j.activites) seen.add(a.id);
      cursor = j.curseur_suivant;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.size).toBe(5);
    expect(pages).toBe(3);
    const filtered = await api(tokenAutre, 'GET', '/api/v1/activites?thematique=email');
    expect(filtered.json().activites).toHaveLength(0);
    const bad = await api(tokenAutre, 'GET', '/api/v1/activites?type=x&du=hier&curseur=zz');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().invalid_params.map((p: { name: string }) => p.name).sort()).toEqual(['curseur', 'du', 'type']);
    // the conseiller's own list does not contain the other conseiller's
    const mine = await api(tokenConseiller, 'GET', '/api/v1/activites?limite=1000');
    expect(mine.json().activites.every((a: { thematiques: string[] }) => !a.thematiques.includes('bureautique'))).toBe(true);
  });
});

describe('beneficiaries: private, deduplicated, merged, erased, retained', () => {
  let jeanne = '';
  let doublon = '';

  it('creates a followed beneficiary only with consent, and detects duplicates', async () => {
    await conseiller.get('/beneficiaires/nouveau');
    const noConsent = await conseiller.post('/beneficiaires/nouveau', { prenom: 'Jeanne', nom: 'Dupont', annee_naissance: '1950' });
    expect(noConsent.statusCode).toBe(400);
    expect(noConsent.body).toContain('demande son accord');
    const ok = await conseiller.post('/beneficiaires/nouveau', { prenom: 'Jeanne', nom: 'Dupont', annee_naissance: '1950', telephone: '06 12 34 56 78', consentement: 'oui' });
    expect(ok.statusCode).toBe(303);
    jeanne = (ok.headers.location as string).split('/').pop()!;
    const dup = await conseiller.post('/beneficiaires/nouveau', { prenom: 'DUPONT', nom: 'jeanne', annee_naissance: '1950', consentement: 'oui' });
    expect(dup.statusCode).toBe(409);
    expect(dup.body).toContain('Cette personne est peut-être déjà suivie');
    const byPhone = await conseiller.post('/beneficiaires/nouveau', { prenom: 'J.', nom: 'D.', telephone: '+33 6 12 34 56 78', consentement: 'oui' });
    expect(byPhone.statusCode).toBe(409);
    const confirmed = await conseiller.post('/beneficiaires/nouveau', { prenom: 'Jeanne', nom: 'Dupond', annee_naissance: '1950', email: 'JD@exemple.fr', consentement: 'oui', confirmer: 'oui' });
    expect(confirmed.statusCode).toBe(303);
    doublon = (confirmed.headers.location as string).split('/').pop()!;
  });

  it("takes a beneficiary's commune by name, offers a choice for a shared postcode, and shows it by name", async () => {
    await autre.get('/beneficiaires/nouveau');
    const shared = await autre.post('/beneficiaires/nouveau', { prenom: 'Paul', nom: 'Commune', commune: '57600', consentement: 'oui' });
    expect(shared.statusCode).toBe(400);
    expect(shared.body).toContain('Plusieurs communes ont le code 57600');
    expect(shared.body).toMatch(/name="commune_insee" value="57227"/); // Forbach among the choices
    const chosen = await autre.post('/beneficiaires/nouveau', { prenom: 'Paul', nom: 'Commune', commune: '57600', commune_insee: '57227', commune_insee_pour: '57600', consentement: 'oui' });
    expect(chosen.statusCode).toBe(303);
    const id = (chosen.headers.location as string).split('/').pop()!;
    expect((await t.database.query<{ commune_insee: string }>('select commune_insee from beneficiaires where id = $1', [id]))[0]?.commune_insee).toBe('57227');
    const edit = await autre.get(`/beneficiaires/${id}/modifier`);
    expect(edit.body).toContain('value="Forbach (57)"');
    // the text changed: the code picked for the old text no longer counts
    const moved = await autre.post(`/beneficiaires/${id}/modifier`, { prenom: 'Paul', nom: 'Commune', commune: 'Behren-lès-Forbach', commune_insee: '57227', commune_insee_pour: 'Forbach (57)' });
    expect(moved.statusCode).toBe(303);
    expect((await t.database.query<{ commune_insee: string }>('select commune_insee from beneficiaires where id = $1', [id]))[0]?.commune_insee).toBe('57058');
    // erased on request (the retention test below counts every conseiller's inactive beneficiaries)
    expect((await autre.post(`/beneficiaires/${id}/effacer`)).statusCode).toBe(303);
  });

  it('links activities, merges the duplicate keeping history, and counts do not drift', async () => {
    const a1 = individuel({ beneficiaire_id: jeanne });
    const a2 = individuel({ beneficiaire_id: doublon, date: today });
    expect((await api(tokenConseiller, 'POST', '/api/v1/activites', a1)).statusCode).toBe(201);
    expect((await api(tokenConseiller, 'POST', '/api/v1/activites', a2)).statusCode).toBe(201);
    const before = await countsForConseiller(t.database.db, conseillerId);
    const page = await conseiller.get(`/beneficiaires/${jeanne}`);
    expect(page.body).toContain('Jeanne Dupont');
    expect(page.body).toContain('1 accompagnement');
    const merge = await conseiller.post(`/beneficiaires/${jeanne}/fusionner`, { doublon });
    expect(merge.statusCode).toBe(303);
    const after = await conseiller.get(`/beneficiaires/${jeanne}`);
    expect(after.body).toContain('2 accompagnements');
    expect((await api(tokenConseiller, 'GET', `/api/v1/activites/${a2.id}`)).json().beneficiaire_id).toBe(jeanne);
    expect(await countsForConseiller(t.database.db, conseillerId)).toEqual(before);
    const old = await getOwnBeneficiaire(t.database.db, conseillerId, doublon);
    expect(old?.fusionneDans).toBe(jeanne); // history kept
    expect((await conseiller.get('/beneficiaires')).body).not.toContain(doublon);
    const merged = await getOwnBeneficiaire(t.database.db, conseillerId, jeanne);
    expect(merged?.email).toBe('jd@exemple.fr'); // completed from the duplicate
    // the dashboard still shows the same figures from the records
    const dash = await conseiller.get('/tableau-de-bord/conseiller');
    expect(stat(dash.body, 'Mes activités')).toBe(before.activites);
    expect(stat(dash.body, 'Bénéficiaires suivis')).toBe(1);
  });

  it('keeps names away from other conseillers, coordinators and structures, by page and by API', async () => {
    for (const [who, c] of [['autre conseiller', autre], ['coordinateur', coordinateur]] as const) {
      expect((await c.get(`/beneficiaires/${jeanne}`)).statusCode, who).toBe(404);
      expect((await c.get(`/beneficiaires/${jeanne}/export.json`)).statusCode, who).toBe(404);
      expect((await c.get('/beneficiaires')).body, who).not.toContain('Dupont');
      expect((await c.get('/activites')).body, who).not.toContain('Dupont');
      expect((await c.get('/activites/export.csv')).body, who).not.toContain(jeanne);
    }
    expect((await structure.get(`/beneficiaires/${jeanne}`)).statusCode).toBe(403);
    expect((await structure.get('/beneficiaires')).statusCode).toBe(403);
    for (const c of [coordinateur, structure]) {
      const pages = [await c.get('/activites/structure'), await c.get(`/tableau-de-bord/${c === structure ? 'structure' : 'coordinateur'}`)];
      for (const p of pages) {
        expect(p.statusCode).toBe(200);
        expect(p.body).not.toContain('Dupont');
        expect(p.body).not.toContain('Jeanne');
      }
    }
    for (const token of [tokenAutre, tokenCoordinateur]) {
      const list = await api(token, 'GET', '/api/v1/beneficiaires');
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain('Dupont');
    }
    expect((await api(tokenStructure, 'GET', '/api/v1/beneficiaires')).statusCode).toBe(403);
    expect((await api(tokenStructure, 'GET', '/api/v1/activites')).statusCode).toBe(403);
    expect((await api(tokenConseiller, 'GET', '/api/v1/beneficiaires')).body).toContain('Dupont');
    // The structure's export: every activity of the structure, without notes nor beneficiary
    for (const c of [structure, coordinateur]) {
      const exp = await c.get('/activites/structure/export.csv');
      expect(exp.statusCode).toBe(200);
      expect(exp.body).toContain('sans données personnelles');
      expect(exp.body).toContain('Premiers pas sur tablette');
      expect(exp.body).not.toContain(jeanne);
      expect(exp.body).not.toContain('RAS');
      expect(exp.body).not.toContain("Demande d'APL"); // the procedure's name may describe a person's case
    }
    expect((await conseiller.get('/activites/structure/export.csv')).statusCode).toBe(403);
    // A coordinator cannot attach another conseiller's beneficiary to an activity
    const steal = await api(tokenCoordinateur, 'POST', '/api/v1/activites', individuel({ beneficiaire_id: jeanne }));
    expect(steal.statusCode).toBe(400);
    expect(steal.json().invalid_params[0].name).toBe('beneficiaire_id');
  });

  it('exports and erases a person’s data on request', async () => {
    const exp = await conseiller.get(`/beneficiaires/${jeanne}/export.json`);
    expect(exp.statusCode).toBe(200);
    const data = JSON.parse(exp.body);
    expect(data.beneficiaire).toMatchObject({ prenom: 'Jeanne', nom: 'Dupont', annee_naissance: 1950, fiches_fusionnees: [doublon] });
    expect(data.activites).toHaveLength(2);
    const before = await countsForConseiller(t.database.db, conseillerId);
    expect((await conseiller.post(`/beneficiaires/${jeanne}/effacer`)).statusCode).toBe(303);
    const b = await getOwnBeneficiaire(t.database.db, conseillerId, jeanne);
    expect([b?.prenom, b?.nom, b?.telephone, b?.email, b?.anneeNaissance]).toEqual([null, null, null, null, null]);
    expect((await getOwnBeneficiaire(t.database.db, conseillerId, doublon))?.nom).toBeNull();
    expect(await countsForConseiller(t.database.db, conseillerId)).toEqual(before);
    expect((await conseiller.get(`/beneficiaires/${jeanne}`)).body).toContain('Bénéficiaire anonymisé');
  });

  it('anonymises followed beneficiaries after the retention period without activity', async () => {
    const db = t.database.db;
    await conseiller.get('/beneficiaires/nouveau');
    const r = await conseiller.post('/beneficiaires/nouveau', { prenom: 'Paul', nom: 'Martin', consentement: 'oui' });
    const paul = (r.headers.location as string).split('/').pop()!;
    const r2 = await conseiller.post('/beneficiaires/nouveau', { prenom: 'Lucie', nom: 'Bernard', consentement: 'oui' });
    const lucie = (r2.headers.location as string).split('/').pop()!;
    expect(await anonymiserInactifs(db, SYSTEM_ACTOR, { months: 12 })).toBe(0);
    // 13 months later, Lucie has an activity 2 months old: only Paul goes
    const later = new Date(Date.now() + 395 * 86400_000);
    const recent = parisDate(new Date(later.getTime() - 60 * 86400_000));
    await t.database.query(`insert into activites (id, conseiller_id, type, date, duree_minutes, tranche_duree, lieu_type, commune_insee, thematiques, beneficiaire_id, accompagnements, participants)
      values ($1, $2, 'individuel', $3, 30, '30_60', 'domicile', '57463', '{email}', $4, 1, '{"total":1}')`, [randomUUID(), conseillerId, recent, lucie]);
    expect(await anonymiserInactifs(db, SYSTEM_ACTOR, { months: 12, now: later })).toBe(1);
    expect((await getOwnBeneficiaire(db, conseillerId, paul))?.nom).toBeNull();
    expect((await getOwnBeneficiaire(db, conseillerId, lucie))?.nom).toBe('Bernard');
    expect(await anonymiserInactifs(db, SYSTEM_ACTOR, { months: 12, now: later })).toBe(0);
  });

  it('normalises names and phones for duplicate detection', () => {
    expect(cleNom('Jean-Pierre', 'DUPONT')).toBe(cleNom('dupont', 'jean pierre'));
    expect(cleNom('Élodie', 'Lefèvre')).toBe('elodie lefevre');
    expect(normalisePhone('+33 6 12 34 56 78')).toBe('0612345678');
    expect(normalisePhone('06.12.34.56.78')).toBe('0612345678');
    expect(normalisePhone('12')).toBeNull();
  });
});
