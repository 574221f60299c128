/**
 * The programme through HTTP, as its users meet it: the public form (with the directory stand-in),
 * the préfet's opinion, a committee, the API's contracts, and isolation between départements and
 * structures (pages, API, exports).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { createJobWorker } from '../platform/jobs/jobs.js';
import { listOutbox } from '../platform/mail.js';
import { parisCalendarDate } from '../platform/paris.js';
import { createApiToken } from '../comptes/tokens.js';
import { findUserByEmail } from '../comptes/users.js';
import { withLuhnKey } from '../structures/siret.js';
import { AnnuaireEnMemoire, AnnuaireIndisponible, type AnnuaireEntreprises } from './entreprises.js';

let t: TestContext;
let down = false;
const siret = (n: number) => withLuhnKey('998' + String(n).padStart(10, '0'));
const KNOWN = siret(1);
const directory = new AnnuaireEnMemoire([
  {
    siret: KNOWN,
    nom: 'COMMUNE DE MONTIGNY-LES-METZ',
    adresse: '18 RUE DE L EGLISE',
    codePostal: '57950',
    communeInsee: '57480',
    commune: 'MONTIGNY-LES-METZ',
    natureJuridique: '7210',
    formeJuridique: 'Commune et commune nouvelle',
    typeSuggere: 'commune',
    fermee: false,
  },
]);
const annuaire: AnnuaireEntreprises = {
  parSiret: (s) => (down ? Promise.reject(new AnnuaireIndisponible('délai dépassé')) : directory.parSiret(s)),
};

const inAMonth = () => {
  const d = new Date(Date.now() + 30 * 86400_000);
  return parisCalendarDate(d);
};

function form(over: Record<string, string> = {}): Record<string, string> {
  return {
    siret: siret(2),
    type: 'commune',
    nom: 'Commune de Woippy',
    adresse: '1 place de la Mairie',
    commune: 'Woippy',
    code_postal: '',
    contact_prenom: 'Nadia',
    contact_nom: 'Martin',
    contact_fonction: 'Directrice générale des services',
    contact_email: 'nadia.martin@woippy.example',
    contact_telephone: '03 87 00 00 00',
    postes_souhaites: '2',
    date_debut: inAMonth(),
    candidat_identifie: 'non',
    motivation: 'Accompagner les seniors de la commune dans leurs démarches en ligne.',
    engagement: 'oui',
    ...over,
  };
}

function apiBody(over: Record<string, unknown> = {}) {
  return {
    siret: siret(3),
    type: 'association',
    nom: 'Association Nancy Numérique',
    adresse: '3 rue Stanislas',
    commune_insee: '54395',
    contact: { prenom: 'Léa', nom: 'Durand', fonction: 'Présidente', email: 'lea@nancy-numerique.example', telephone: '+33383000000' },
    postes_souhaites: 1,
    date_debut: inAMonth(),
    candidat_identifie: true,
    motivation: 'Des ateliers pour les familles du quartier.',
    label_france_services: false,
    zrr: false,
    qpv: true,
    engagement: true,
    ...over,
  };
}

async function tokenFor(email: string): Promise<string> {
  const u = (await findUserByEmail(t.database.db, email))!;
  return (await createApiToken(t.database.db, { userId: u.id, label: email }, u.id, 'test')).token;
}

async function api(method: 'GET' | 'POST' | 'PUT', url: string, token: string | null, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
  });
}

let woippyId = '';
let nancyFileId = '';
let admin = '';
let pref57 = '';

beforeAll(async () => {
  t = await createTestApp({ programme: { annuaire } });
  admin = await tokenFor('admin@demo.test');
  pref57 = await tokenFor('prefecture57@demo.test');
}, 120_000);
afterAll(async () => t.close());

describe('the public application form', () => {
  it('fills the fields from the company directory, and says so when it is down', async () => {
    const c = new TestClient(t.app);
    await c.get('/candidature/structure');
    const res = await c.post('/candidature/structure', { ...form({ siret: KNOWN, nom: '', adresse: '', commune: '' }), _action: 'siret' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('value="COMMUNE DE MONTIGNY-LES-METZ"');
    expect(res.body).toContain('value="Montigny-lès-Metz"');
    down = true;
    const off = await c.post('/candidature/structure', { ...form({ siret: KNOWN }), _action: 'siret' });
    down = false;
    expect(off.statusCode).toBe(200);
    expect(off.body).toContain('ne répond pas');
  });

  it('reports each bad field next to it, in French, and keeps what was typed', async () => {
    const c = new TestClient(t.app);
    await c.get('/candidature/structure');
    const res = await c.post(
      '/candidature/structure',
      form({ siret: '12345678901234', date_debut: '2020-01-01', motivation: 'x'.repeat(2501), engagement: '', postes_souhaites: '0', contact_telephone: '12' }),
    );
    expect(res.statusCode).toBe(400);
    for (const m of ['clé de contrôle', 'ne peut pas être passée', 'au plus 2500 caractères', "Cochez la case d’engagement", 'au moins 1', '10 chiffres']) expect(res.body).toContain(m);
    expect(res.body).toContain('value="Commune de Woippy"');
  });

  it('records the file, invites the contact, and refuses a second file for the same SIRET', async () => {
    const c = new TestClient(t.app);
    await c.get('/candidature/structure');
    const res = await c.post('/candidature/structure', form());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/candidature\/structure\/envoyee\?numero=\d+$/);
    const numero = res.headers.location!.split('=')[1];
    expect((await c.get(res.headers.location!)).body).toContain(`Dossier n° ${numero}`);
    const user = await findUserByEmail(t.database.db, 'nadia.martin@woippy.example');
    expect(user?.passwordHash).toBeNull();
    await createJobWorker({ database: t.database, registry: t.app.jobs }).runDue();
    const mails = await listOutbox(t.database.db, 10, 'nadia.martin@woippy.example');
    expect(mails.map((m) => m.subject).sort()).toEqual([`Candidature n° ${numero} reçue — Conseiller numérique`, 'Votre compte Conseiller numérique'].sort());
    const again = await c.post('/candidature/structure', form({ nom: 'Autre nom', contact_prenom: 'Paul', contact_email: 'autre@woippy.example' }));
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Un dossier existe déjà pour ce SIRET');
    expect(again.body).not.toContain('Nadia');
    expect(await findUserByEmail(t.database.db, 'autre@woippy.example')).toBeUndefined();
  });
});

describe('the API contracts', () => {
  it('POST /api/v1/candidatures-structures: 201 {id, numero, statut}, 409 on a known SIRET, 400 naming the field', async () => {
    const res = await api('POST', '/api/v1/candidatures-structures', null, apiBody());
    expect(res.statusCode).toBe(201);
    const b = res.json();
    expect(b).toMatchObject({ statut: 'CREEE' });
    expect(typeof b.id).toBe('string');
    expect(Number.isInteger(b.numero)).toBe(true);
    nancyFileId = b.id;
    expect((await api('POST', '/api/v1/candidatures-structures', null, apiBody())).statusCode).toBe(409);
    const bad = await api('POST', '/api/v1/candidatures-structures', null, apiBody({ siret: siret(4), contact: { prenom: 'A', nom: 'B', fonction: 'C', email: 'pas-un-courriel', telephone: '0387000000' } }));
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.json().invalid_params).toEqual([{ name: 'contact.email', reason: expect.stringContaining('adresse électronique') }]);
  });

  it('runs a file from the opinion to a closed committee, and the posts follow', async () => {
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/departements/57/postes', headers: { authorization: `Bearer ${admin}` } });
    const before = list.json();
    expect((await api('PUT', '/api/v1/departements/57/enveloppe', admin, { postes: before.postes_valides + 2 })).statusCode).toBe(200);
    const c = new TestClient(t.app);
    await c.login('admin@demo.test');
    const page = await c.get('/programme/dossiers?q=Woippy');
    woippyId = /href="\/structures\/([0-9a-f-]{36})\/dossier"/.exec(page.body)![1]!;

    const short = await api('POST', `/api/v1/structures/${woippyId}/avis-prefet`, pref57, { avis: 'favorable', commentaire: 'court' });
    expect(short.statusCode).toBe(400);
    expect(short.json().invalid_params[0].name).toBe('commentaire');
    const avis = await api('POST', `/api/v1/structures/${woippyId}/avis-prefet`, pref57, { avis: 'favorable', commentaire: 'Projet solide, porté par la commune.' });
    expect(avis.statusCode).toBe(200);
    expect(avis.json().avis_prefet).toMatchObject({ avis: 'favorable' });

    const cos = await api('POST', '/api/v1/coselec', admin, { date: parisCalendarDate() });
    expect(cos.statusCode).toBe(201);
    const { id: coselecId, numero } = cos.json();
    expect(Number.isInteger(numero)).toBe(true);
    const zero = await api('POST', `/api/v1/coselec/${coselecId}/decisions`, admin, { structure_id: woippyId, avis: 'POSITIF', postes: 0 });
    expect(zero.statusCode).toBe(400);
    expect((await api('POST', `/api/v1/coselec/${coselecId}/decisions`, admin, { structure_id: woippyId, avis: 'POSITIF', postes: 3 })).statusCode).toBe(201);
    const over = await api('POST', `/api/v1/coselec/${coselecId}/cloture`, admin, {});
    expect(over.statusCode).toBe(409);
    expect(over.json().depassements[0]).toMatchObject({ territoire: '57' });
    expect((await api('GET', `/api/v1/structures/${woippyId}`, admin)).json().statut).toBe('CREEE');
    expect((await api('POST', `/api/v1/coselec/${coselecId}/decisions`, admin, { structure_id: woippyId, avis: 'POSITIF', postes: 2 })).statusCode).toBe(201);
    const closed = await api('POST', `/api/v1/coselec/${coselecId}/cloture`, admin, {});
    expect(closed.statusCode).toBe(200);
    expect((await api('POST', `/api/v1/coselec/${coselecId}/decisions`, admin, { structure_id: woippyId, avis: 'NEGATIF' })).statusCode).toBe(409);
    const file = (await api('GET', `/api/v1/structures/${woippyId}`, admin)).json();
    expect(file).toMatchObject({ statut: 'VALIDATION_COSELEC', postes_valides: 2 });
    expect(file.historique.map((e: { type: string }) => e.type)).toEqual(['depot', 'avis_prefet', 'decision']);
    const after = (await api('GET', '/api/v1/departements/57/postes', pref57)).json();
    expect(after).toMatchObject({ enveloppe: before.postes_valides + 2, postes_valides: before.postes_valides + 2 });
    expect(Object.keys(after)).toEqual(expect.arrayContaining(['enveloppe', 'postes_valides', 'postes_occupes', 'postes_vacants']));
    expect((await api('POST', `/api/v1/structures/${woippyId}/avis-prefet`, pref57, { avis: 'defavorable', commentaire: 'Trop tard pour changer.' })).statusCode).toBe(409);
  });

  it('amendments: the structure asks, the préfet gives an opinion, ANCT decides', async () => {
    const structure = await tokenFor('nadia.martin@woippy.example').catch(() => '');
    expect(structure).not.toBe('');
    const tooMany = await api('POST', `/api/v1/structures/${woippyId}/avenants`, structure, { type: 'retrait', postes: 3, motif: 'Difficultés de recrutement' });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().invalid_params[0].name).toBe('postes');
    const a = await api('POST', `/api/v1/structures/${woippyId}/avenants`, structure, { type: 'retrait', postes: 1, motif: 'Difficultés de recrutement' });
    expect(a.statusCode).toBe(201);
    expect((await api('POST', `/api/v1/structures/${woippyId}/avenants`, structure, { type: 'ajout', postes: 1, motif: 'Besoin' })).statusCode).toBe(409);
    const id = a.json().id;
    expect((await api('POST', `/api/v1/avenants/${id}/decision`, admin, { postes_accordes: 1 })).statusCode).toBe(409);
    expect((await api('POST', `/api/v1/avenants/${id}/avis-prefet`, pref57, { avis: 'favorable', commentaire: 'Retrait cohérent avec le besoin.' })).statusCode).toBe(200);
    const d = await api('POST', `/api/v1/avenants/${id}/decision`, admin, { postes_accordes: 1 });
    expect(d.statusCode).toBe(200);
    expect(d.json()).toMatchObject({ statut: 'validee', postes_valides: 1 });
  });
});

describe('isolation', () => {
  it('the Moselle préfecture gets nothing of a Meurthe-et-Moselle file: page, API, list, export', async () => {
    const c = new TestClient(t.app);
    await c.login('prefecture57@demo.test');
    expect((await c.get(`/structures/${nancyFileId}/dossier`)).statusCode).toBe(404);
    expect((await api('GET', `/api/v1/structures/${nancyFileId}`, pref57)).statusCode).toBe(404);
    expect((await api('POST', `/api/v1/structures/${nancyFileId}/avis-prefet`, pref57, { avis: 'favorable', commentaire: 'Je ne devrais pas pouvoir.' })).statusCode).toBe(404);
    expect((await api('GET', '/api/v1/departements/54/postes', pref57)).statusCode).toBe(404);
    const list = await c.get('/programme/dossiers');
    expect(list.body).toContain('Commune de Woippy');
    expect(list.body).not.toContain('Nancy Numérique');
    for (const f of ['csv', 'xlsx']) {
      const exp = await c.get(`/programme/dossiers/export.${f}`);
      expect(exp.statusCode).toBe(200);
      const text = f === 'csv' ? exp.body : exp.rawPayload.toString('latin1');
      if (f === 'csv') {
        expect(text).toContain('Commune de Woippy');
        expect(text).not.toContain('Nancy Numérique');
      }
    }
  });

  it('a structure reads only its own file; Banque des Territoires only validated files', async () => {
    const c = new TestClient(t.app);
    await c.login('structure@demo.test'); // Ville de Metz
    expect((await c.get(`/structures/${woippyId}/dossier`)).statusCode).toBe(404);
    const banque = await tokenFor('banque@demo.test');
    expect((await api('GET', `/api/v1/structures/${woippyId}`, banque)).statusCode).toBe(200);
    expect((await api('GET', `/api/v1/structures/${nancyFileId}`, banque)).statusCode).toBe(404);
  });

  it('the contact of a new file signs in and sees it awaiting the préfet’s opinion', async () => {
    const r = await api('POST', '/api/v1/candidatures-structures', null, apiBody({ siret: siret(5), nom: 'CCAS de Yutz', commune_insee: '57757', contact: { prenom: 'Jean', nom: 'Petit', fonction: 'Directeur', email: 'jean@yutz.example', telephone: '0382000000' } }));
    expect(r.statusCode).toBe(201);
    const tok = await tokenFor('jean@yutz.example');
    const file = (await api('GET', `/api/v1/structures/${r.json().id}`, tok)).json();
    expect(file.statut).toBe('CREEE');
    expect(file.statut_libelle).toBe("En attente de l'avis du préfet");
  });
});

describe('the OpenAPI document', () => {
  it('describes every /api/v1 route of the application, with the answers the programme gives', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const missing = t.app.routeTable
      .filter((r) => r.url.startsWith('/api/v1/'))
      .map((r) => ({ method: r.method.toLowerCase(), path: r.url.replace(/:(\w+)/g, '{$1}') }))
      .filter(({ method, path }) => !doc.paths[path]?.[method]);
    expect(missing).toEqual([]);
    expect(Object.keys(doc.paths['/api/v1/candidatures-structures']!.post!.responses)).toEqual(expect.arrayContaining(['201', '409']));
    expect(doc.paths['/api/v1/departements/{code}/enveloppe']!.put).toBeDefined();
  });
});
