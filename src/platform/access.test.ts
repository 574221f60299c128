import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from './testing.js';
import { can, ROLES, rolesAllowed, structureScope, type Principal, type Role } from './access.js';
import { findStructureBySiret } from '../structures/structures.js';
import { DEMO_ACCOUNTS, DEMO_STRUCTURES, demoSiret } from '../demo/seed.js';

/**
 * Every route of the application, with who may call it. A route added without an entry here
 * makes this test fail: access is decided on purpose, never by accident.
 */
type Allowed = 'public' | 'authentifie' | Role[];
const ALL: Role[] = [...ROLES];
const STRUCTURE_READERS: Role[] = ['admin', 'prefecture', 'banque', 'structure', 'conseiller', 'coordinateur'];
const SAISIE: Role[] = ['conseiller', 'coordinateur'];
const STATISTIQUES: Role[] = ['admin', 'prefecture', 'banque', 'structure', 'conseiller', 'coordinateur'];
const FORMATION_READERS: Role[] = ['admin', 'prefecture', 'banque', 'structure', 'conseiller', 'coordinateur', 'organisme_formation'];
const FORMATION_SUIVI: Role[] = ['admin', 'prefecture', 'banque', 'structure', 'coordinateur'];
const ROUTES: Record<string, Allowed> = {
  'GET /activites': SAISIE,
  'GET /activites/nouvelle': SAISIE,
  'POST /activites/nouvelle': SAISIE,
  'GET /activites/:id/modifier': SAISIE,
  'POST /activites/:id/modifier': SAISIE,
  'GET /activites/:id/supprimer': SAISIE,
  'POST /activites/:id/supprimer': SAISIE,
  'GET /activites/export.csv': SAISIE,
  'GET /activites/export.xlsx': SAISIE,
  'GET /activites/sw.js': 'public',
  'GET /activites/structure': ['structure', 'coordinateur'],
  'GET /activites/structure/export.csv': ['structure', 'coordinateur'],
  'GET /activites/structure/export.xlsx': ['structure', 'coordinateur'],
  'GET /beneficiaires': SAISIE,
  'GET /beneficiaires/nouveau': SAISIE,
  'POST /beneficiaires/nouveau': SAISIE,
  'GET /beneficiaires/:id': SAISIE,
  'GET /beneficiaires/:id/modifier': SAISIE,
  'POST /beneficiaires/:id/modifier': SAISIE,
  'POST /beneficiaires/:id/fusionner': SAISIE,
  'POST /beneficiaires/:id/effacer': SAISIE,
  'GET /beneficiaires/:id/export.json': SAISIE,
  'GET /beneficiaires/:id/export.pdf': SAISIE,
  'POST /api/v1/activites': SAISIE,
  'GET /api/v1/activites': SAISIE,
  'GET /api/v1/activites/:id': SAISIE,
  'PATCH /api/v1/activites/:id': SAISIE,
  'DELETE /api/v1/activites/:id': SAISIE,
  'GET /api/v1/beneficiaires': SAISIE,
  'GET /api/v1/statistiques': STATISTIQUES,
  'GET /statistiques/perimetre': STATISTIQUES,
  'GET /statistiques/perimetre/export.csv': STATISTIQUES,
  'GET /statistiques/perimetre/export.xlsx': STATISTIQUES,
  'GET /statistiques': 'public',
  'GET /api/v1/statistiques/publiques': 'public',
  'GET /api/v1/statistiques/publiques.csv': 'public',
  'GET /couverture': ['admin', 'prefecture'],
  'GET /api/v1/couverture': ['admin', 'prefecture'],
  'GET /': 'public',
  'GET /accessibilite': 'public',
  'GET /mentions-legales': 'public',
  'GET /donnees-personnelles': 'public',
  'GET /healthz': 'public',
  'GET /api/v1/communes': 'public',
  'GET /connexion': 'public',
  'POST /connexion': 'public',
  'POST /connexion/proconnect': 'public',
  'GET /connexion/proconnect/retour': 'public',
  'GET /mot-de-passe/oublie': 'public',
  'POST /mot-de-passe/oublie': 'public',
  'GET /mot-de-passe/nouveau': 'public',
  'POST /mot-de-passe/nouveau': 'public',
  'POST /deconnexion': 'authentifie',
  'GET /tableau-de-bord': 'authentifie',
  'GET /compte': ALL,
  'POST /compte/mot-de-passe': ALL,
  'POST /compte/jetons': ALL,
  'POST /compte/jetons/:id/revoquer': ALL,
  'GET /tableau-de-bord/admin': ['admin'],
  'GET /tableau-de-bord/prefecture': ['prefecture'],
  'GET /tableau-de-bord/banque': ['banque'],
  'GET /tableau-de-bord/structure': ['structure'],
  'GET /tableau-de-bord/conseiller': ['conseiller'],
  'GET /tableau-de-bord/coordinateur': ['coordinateur'],
  'GET /tableau-de-bord/candidat': ['candidat'],
  'GET /admin/utilisateurs': ['admin'],
  'GET /admin/utilisateurs/inviter': ['admin'],
  'POST /admin/utilisateurs/inviter': ['admin'],
  'GET /admin/utilisateurs/:id': ['admin'],
  'POST /admin/utilisateurs/:id/roles': ['admin'],
  'POST /admin/utilisateurs/:id/roles/:roleId/retirer': ['admin'],
  'POST /admin/utilisateurs/:id/desactiver': ['admin'],
  'POST /admin/utilisateurs/:id/reactiver': ['admin'],
  'GET /admin/courriels': ['admin'],
  'GET /admin/taches': ['admin'],
  'GET /notifications': 'authentifie',
  'POST /notifications/:id/lue': 'authentifie',
  'POST /notifications/tout-lire': 'authentifie',
  'GET /compte/notifications': 'authentifie',
  'POST /compte/notifications': 'authentifie',
  'POST /admin/taches/:id/relancer': ['admin'],
  'GET /admin/journal': ['admin'],
  'GET /structures': STRUCTURE_READERS,
  'GET /structures/nouvelle': ['admin'],
  'POST /structures/nouvelle': ['admin'],
  'GET /structures/:id': STRUCTURE_READERS,
  'GET /structures/:id/modifier': ['admin', 'structure'],
  'POST /structures/:id/modifier': ['admin', 'structure'],
  'GET /structures/:id/documents': STRUCTURE_READERS,
  'POST /structures/:id/documents': ['admin', 'structure'],
  'GET /structures/:id/documents/:docId': STRUCTURE_READERS,
  'POST /structures/:id/documents/:docId/supprimer': ['admin', 'structure'],
  'GET /trouver': 'public',
  'GET /lieux/:id': 'public',
  'GET /api/v1/lieux': 'public',
  'GET /api/v1/lieux.csv': 'public',
  'GET /api/v1/lieux.json': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /lieux': ['admin', 'structure', 'conseiller'],
  'GET /lieux/nouveau': ['admin', 'structure', 'conseiller'],
  'POST /lieux/nouveau': ['admin', 'structure', 'conseiller'],
  'GET /lieux/:id/modifier': ['admin', 'structure', 'conseiller'],
  'POST /lieux/:id/modifier': ['admin', 'structure', 'conseiller'],
  'GET /admin/lieux/import': ['admin'],
  'POST /admin/lieux/import': ['admin'],
  'GET /admin/lieux/doublons': ['admin'],
  'POST /admin/lieux/doublons/:id': ['admin'],
  'GET /candidature/structure': 'public',
  'POST /candidature/structure': 'public',
  'GET /candidature/structure/envoyee': 'public',
  'GET /programme/dossiers': ['admin', 'prefecture', 'banque'],
  'GET /programme/dossiers/export.csv': ['admin', 'prefecture', 'banque'],
  'GET /programme/dossiers/export.xlsx': ['admin', 'prefecture', 'banque'],
  'GET /structures/:id/dossier': ['admin', 'prefecture', 'banque', 'structure'],
  'POST /structures/:id/avis-prefet': ['prefecture'],
  'POST /structures/:id/priorite': ['prefecture'],
  'POST /structures/:id/statut': ['admin', 'structure'],
  'POST /structures/:id/avenants': ['structure'],
  'POST /programme/avenants/:id/avis-prefet': ['prefecture'],
  'POST /programme/avenants/:id/decision': ['admin'],
  'GET /programme/coselec': ['admin'],
  'POST /programme/coselec': ['admin'],
  'GET /programme/coselec/:id': ['admin'],
  'POST /programme/coselec/:id/decisions': ['admin'],
  'POST /programme/coselec/:id/decisions/:dossierId/retirer': ['admin'],
  'POST /programme/coselec/:id/cloture': ['admin'],
  'GET /programme/coselec/:id/releve': ['admin'],
  'GET /programme/coselec/:id/releve.pdf': ['admin'],
  'GET /programme/postes': ['admin', 'prefecture', 'banque'],
  'POST /programme/postes/enveloppe': ['admin'],
  'POST /api/v1/candidatures-structures': 'public',
  'GET /api/v1/structures/:id': ['admin', 'prefecture', 'banque', 'structure'],
  'POST /api/v1/structures/:id/avis-prefet': ['prefecture'],
  'POST /api/v1/structures/:id/avenants': ['structure'],
  'POST /api/v1/avenants/:id/avis-prefet': ['prefecture'],
  'POST /api/v1/avenants/:id/decision': ['admin'],
  'POST /api/v1/coselec': ['admin'],
  'GET /api/v1/coselec/:id': ['admin'],
  'POST /api/v1/coselec/:id/decisions': ['admin'],
  'POST /api/v1/coselec/:id/cloture': ['admin'],
  'GET /api/v1/departements/:code/postes': ['admin', 'prefecture', 'banque'],
  'PUT /api/v1/departements/:code/enveloppe': ['admin'],
  'GET /candidature/conseiller': 'public',
  'POST /candidature/conseiller': 'public',
  'GET /candidature/conseiller/envoyee': 'public',
  'POST /api/v1/candidatures-conseillers': 'public',
  'GET /candidature/profil': ['candidat'],
  'POST /candidature/profil': ['candidat'],
  'POST /candidature/profil/pause': ['candidat'],
  'POST /candidature/profil/reprendre': ['candidat'],
  'POST /candidature/profil/retirer': ['candidat'],
  'POST /candidature/profil/cv': ['candidat'],
  'POST /candidature/profil/cv/supprimer': ['candidat'],
  'GET /candidature/profil/cv': ['candidat'],
  'GET /recrutement': ['structure'],
  'GET /recrutement/:id': ['structure'],
  'GET /recrutement/:id/cv': ['structure'],
  'POST /recrutement/:id/statut': ['structure'],
  'POST /recrutement/:id/contrat': ['structure'],
  'POST /recrutement/:id/contrat/annuler': ['structure'],
  'POST /recrutement/:id/rupture': ['structure'],
  'POST /recrutement/:id/rupture/documents': ['structure'],
  'POST /recrutement/:id/renouvellement': ['structure'],
  'POST /recrutement/:id/prolongation': ['structure'],
  'GET /admin/recrutements': ['admin'],
  'POST /recrutement/:id/validation': ['admin'],
  'POST /recrutement/:id/rupture/validation': ['admin'],
  'GET /conseillers': ['admin', 'prefecture', 'structure'],
  'GET /conseillers/export.csv': ['admin', 'prefecture', 'structure'],
  'GET /conseillers/export.xlsx': ['admin', 'prefecture', 'structure'],
  'GET /conseillers/:userId': ['admin', 'prefecture', 'structure'],
  'GET /api/v1/structures/:id/candidats': ['structure'],
  'POST /api/v1/mises-en-relation/:id/statut': ['structure'],
  'POST /api/v1/mises-en-relation/:id/contrat': ['structure'],
  'POST /api/v1/mises-en-relation/:id/validation': ['admin'],
  'POST /api/v1/mises-en-relation/:id/rupture': ['structure'],
  'POST /api/v1/mises-en-relation/:id/rupture/validation': ['admin'],
  'GET /equipes': ['admin', 'coordinateur'],
  'GET /equipes/:coordinateurId': ['admin', 'coordinateur'],
  'POST /equipes/:coordinateurId/membres': ['admin'],
  'POST /equipes/:coordinateurId/membres/:membreId/fin': ['admin'],
  'GET /coordination': ['coordinateur'],
  'POST /coordination': ['coordinateur'],
  'POST /coordination/:id/supprimer': ['coordinateur'],
  'GET /conventions': ['admin', 'prefecture', 'banque'],
  'GET /conventions/export.csv': ['admin', 'prefecture', 'banque'],
  'GET /conventions/export.xlsx': ['admin', 'prefecture', 'banque'],
  'GET /conventions/regimes': ['admin'],
  'POST /conventions/regimes': ['admin'],
  'GET /conventions/regimes/:id': ['admin'],
  'POST /conventions/regimes/:id': ['admin'],
  'GET /ma-convention': ['structure'],
  'GET /conventions/:id': ['admin', 'prefecture', 'banque', 'structure'],
  'GET /conventions/:id/documents/:doc': ['admin', 'prefecture', 'banque', 'structure'],
  'POST /conventions/:id/signature': ['structure'],
  'POST /conventions/:id/contresigne': ['structure'],
  'POST /conventions/:id/dates': ['banque'],
  'POST /conventions/:id/validation': ['banque'],
  'POST /conventions/:id/refus': ['banque'],
  'POST /conventions/:id/versements': ['banque'],
  'POST /conventions/:id/reconventionnement': ['structure'],
  'POST /conventions/:id/non-interesse': ['structure'],
  'GET /api/v1/structures/:id/conventions': ['admin', 'prefecture', 'banque', 'structure'],
  'GET /api/v1/structures/:id/postes': ['admin', 'prefecture', 'banque', 'structure'],
  'GET /api/v1/conventions/:id': ['admin', 'prefecture', 'banque', 'structure'],
  'POST /api/v1/conventions/:id/validation': ['banque'],
  'POST /api/v1/conventions/:id/versements': ['banque'],
  'GET /tableau-de-bord/organisme_formation': ['organisme_formation'],
  'GET /formation/organismes': ['admin', 'banque'],
  'POST /formation/organismes': ['admin', 'banque'],
  'GET /formation/organismes/:id': ['admin', 'banque'],
  'POST /formation/organismes/:id/personnels': ['admin', 'banque'],
  'POST /formation/positionnements': ['organisme_formation'],
  'POST /formation/sessions': ['organisme_formation'],
  'GET /formation/sessions/:id': ['organisme_formation'],
  'POST /formation/sessions/:id/inscriptions': ['organisme_formation'],
  'POST /formation/sessions/:id/presences': ['organisme_formation'],
  'GET /formation/moi': ['conseiller'],
  'POST /formation/sessions/:id/inscription': ['conseiller'],
  'GET /formation/conseillers/:userId': FORMATION_READERS,
  'POST /formation/conseillers/:userId/ajustement': ['organisme_formation'],
  'POST /formation/conseillers/:userId/certification': ['organisme_formation'],
  'GET /api/v1/conseillers/:id/formation': FORMATION_READERS,
  'POST /api/v1/sessions-formation/:id/presences': ['organisme_formation'],
  'GET /formation/suivi': FORMATION_SUIVI,
  'GET /formation/suivi/export.csv': FORMATION_SUIVI,
  'GET /formation/suivi/export.xlsx': FORMATION_SUIVI,
  'GET /formation/catalogue': ['admin', 'banque', 'conseiller', 'organisme_formation'],
  'POST /formation/catalogue/modules': ['admin'],
  'POST /formation/catalogue/choix': ['conseiller'],
  'POST /formation/catalogue/propositions': ['conseiller'],
  'POST /formation/catalogue/propositions/:id/vote': ['conseiller'],
  'GET /formation/modules/:id': ['organisme_formation'],
  'POST /formation/modules/:id/realisations': ['organisme_formation'],
  'GET /formation/couts': ['admin', 'banque'],
  'GET /formation/couts/export.csv': ['admin', 'banque'],
  'GET /formation/couts/export.xlsx': ['admin', 'banque'],
  'GET /formation/bareme': ['admin'],
  'POST /formation/bareme': ['admin'],
};

let t: TestContext;
const clients = new Map<Role, TestClient>();
let metzId = '';
let nancyId = '';
let achenId = '';

function emailOf(role: Role): string {
  return DEMO_ACCOUNTS.find((a) => a.role === role)!.email;
}

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ROLES) {
    const c = new TestClient(t.app);
    await c.login(emailOf(role));
    clients.set(role, c);
  }
  const idOf = async (key: string) => (await findStructureBySiret(t.database.db, demoSiret(DEMO_STRUCTURES.findIndex((s) => s.key === key))))!.id;
  metzId = await idOf('metz');
  nancyId = await idOf('nancy');
  achenId = await idOf('achen');
});
afterAll(async () => t.close());

function concrete(url: string): string {
  // :id stands for the demo structure of the structure-bound accounts (Ville de Metz), or an unknown id.
  const u = url.replace(':code', '57');
  return u.startsWith('/structures/') ? u.replace(':id', metzId) : u.replace(':id', UNKNOWN_ID);
}
const UNKNOWN_ID = randomUUID();

async function call(c: TestClient, method: string, url: string) {
  if (method === 'PATCH' || method === 'PUT' || method === 'DELETE') {
    const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const json = method !== 'DELETE';
    return t.app.inject({ method: method as 'PATCH' | 'PUT' | 'DELETE', url, headers: { cookie, 'x-csrf-token': c.lastCsrf, ...(json ? { 'content-type': 'application/json' } : {}) }, payload: json ? '{}' : undefined });
  }
  return method === 'GET' ? c.get(url) : c.post(url, {});
}

describe('route access table', () => {
  it('lists every route of the application, and nothing else', () => {
    const actual = t.app.routeTable.map((r) => `${r.method} ${r.url}`).sort();
    expect(actual).toEqual(Object.keys(ROUTES).sort());
  });

  it('declares in each route the same access as this table', () => {
    for (const r of t.app.routeTable) {
      const expected = ROUTES[`${r.method} ${r.url}`]!;
      if (expected === 'public' || expected === 'authentifie') expect(r.access, `${r.method} ${r.url}`).toBe(expected);
      else expect(r.access === 'public' || r.access === 'authentifie' ? ALL : rolesAllowed(r.access), `${r.method} ${r.url}`).toEqual(expected);
    }
  });

  for (const [key, allowed] of Object.entries(ROUTES)) {
    const [method, url] = key.split(' ') as [string, string];
    if (allowed === 'public' || key === 'POST /deconnexion') continue;
    it(`${key}: ${allowed === 'authentifie' ? 'any signed-in user' : allowed.join(', ')}`, async () => {
      const anon = new TestClient(t.app);
      await anon.get('/connexion');
      const a = await call(anon, method, concrete(url));
      if (url.startsWith('/api/')) expect(a.statusCode).toBe(401);
      else if (method === 'GET') expect([a.statusCode, a.headers.location]).toEqual([303, `/connexion?retour=${encodeURIComponent(concrete(url))}`]);
      else expect([401, 303, 403]).toContain(a.statusCode);
      for (const role of ROLES) {
        const res = await call(clients.get(role)!, method, concrete(url));
        const mayCall = allowed === 'authentifie' || allowed.includes(role);
        if (mayCall) expect(res.statusCode, `${role} should reach ${key}`).not.toBe(403);
        else expect(res.statusCode, `${role} must not reach ${key}`).toBe(403);
        expect(res.statusCode, `${role} on ${key}`).toBeLessThan(500);
      }
    });
  }
});

describe('odd query strings never give a 500', () => {
  it.each([
    '/admin/utilisateurs?q=a&q=b',
    '/structures?q=a&q=b&page=x&page=y',
    '/admin/journal?q=a&q=b',
    '/admin/journal?du=2024-13-45&au=2024-02-30',
    '/admin/journal?avant=99999999999999999999',
    '/connexion?retour=/%0d%0aSet-Cookie:x',
    '/connexion?retour=/%E2%80%A8',
    '/mot-de-passe/nouveau?jeton=a&jeton=b',
  ])('%s', async (url) => {
    const res = await clients.get('admin')!.get(url);
    expect(res.statusCode).toBeLessThan(500);
    const anon = await new TestClient(t.app).get(url);
    expect(anon.statusCode).toBeLessThan(500);
  });
});

describe('territory and structure isolation', () => {
  it('a préfecture of the 57 sees no structure of another département', async () => {
    const c = clients.get('prefecture')!;
    const list = await c.get('/structures');
    expect(list.body).toContain('Ville de Metz');
    expect(list.body).not.toContain('Médiathèque de Nancy');
    expect((await c.get(`/structures/${nancyId}`)).statusCode).toBe(403);
    expect((await c.get(`/structures?q=Nancy`)).body).not.toContain(nancyId);
    const dash = await c.get('/tableau-de-bord/prefecture');
    expect(dash.body).not.toContain('Nancy');
  });

  it('a structure manager, conseiller or coordinateur sees nothing of another structure', async () => {
    for (const role of ['structure', 'conseiller', 'coordinateur'] as const) {
      const c = clients.get(role)!;
      const list = await c.get('/structures');
      expect(list.body).toContain(metzId);
      expect(list.body).not.toContain(achenId);
      expect(list.body).not.toContain(nancyId);
      expect((await c.get(`/structures/${achenId}`)).statusCode, role).toBe(403);
      expect((await c.get(`/structures/${metzId}`)).statusCode, role).toBe(200);
    }
    const manager = clients.get('structure')!;
    expect((await manager.get(`/structures/${achenId}/modifier`)).statusCode).toBe(403);
    expect((await manager.post(`/structures/${achenId}/modifier`, { nom: 'Piratée' })).statusCode).toBe(403);
  });

  it('the policy scopes lists by role', () => {
    const pref: Principal = { id: 'x', email: 'p', firstName: 'a', lastName: 'b', roles: [{ role: 'prefecture', departement: '57', structureId: null }] };
    expect(structureScope(pref)).toEqual({ all: false, departements: ['57'], structureIds: [] });
    expect(can(pref, 'structures:consulter', { kind: 'structure', id: 's', departement: '54' })).toBe(false);
    expect(can(pref, 'structures:consulter', { kind: 'structure', id: 's', departement: '57' })).toBe(true);
    expect(can(pref, 'structures:modifier', { kind: 'structure', id: 's', departement: '57' })).toBe(false);
    expect(can(null, 'compte:gerer')).toBe(false);
    const none: Principal = { ...pref, roles: [] };
    expect(structureScope(none)).toEqual({ all: false, departements: [], structureIds: [] });
  });
});
