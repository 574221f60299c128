import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { listAudit } from '../audit/audit.js';
import { findStructureBySiret, validateStructure } from './structures.js';
import { demoSiret } from '../demo/seed.js';

const VALID = {
  siret: '215 704 630 00015',
  nom: 'Commune de Sarreguemines',
  type: 'commune',
  adresse: '1 rue du Maire Massing',
  codePostal: '57200',
  communeInsee: '57631',
  contactEmail: '',
  contactTelephone: '03 87 98 93 00',
};

describe('validateStructure', () => {
  it('normalises a valid structure and derives its département and région', () => {
    const r = validateStructure(VALID);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.siret).toBe('21570463000015');
      expect(r.value.departement).toBe('57');
      expect(r.value.region).toBe('44');
      expect(r.value.contactTelephone).toBe('0387989300');
    }
  });

  it('reports each bad field in French', () => {
    const r = validateStructure({ ...VALID, siret: '123', nom: 'x'.repeat(201), type: 'inconnu', codePostal: '57000', communeInsee: '99999', contactEmail: 'pas-une-adresse', contactTelephone: '12' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.siret).toContain('14 chiffres');
      expect(r.errors.nom).toContain('au plus 200');
      expect(r.errors.type).toBe('Choisissez le type de structure.');
      expect(r.errors.communeInsee).toContain('Commune inconnue');
      expect(r.errors.contactEmail).toBeDefined();
      expect(r.errors.contactTelephone).toBeDefined();
    }
  });

  it('checks that the postcode belongs to the commune', () => {
    const r = validateStructure({ ...VALID, codePostal: '57000' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.codePostal).toContain('Sarreguemines');
  });
});

describe('structure pages', () => {
  let t: TestContext;
  let admin: TestClient;
  beforeAll(async () => {
    t = await createTestApp();
    admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
  });
  afterAll(async () => t.close());

  it('creates a structure, then refuses a second one with the same SIRET', async () => {
    await admin.get('/structures/nouvelle');
    const created = await admin.post('/structures/nouvelle', VALID);
    expect(created.statusCode).toBe(303);
    const s = await findStructureBySiret(t.database.db, '21570463000015');
    expect(s?.nom).toBe('Commune de Sarreguemines');
    expect(created.headers.location).toBe(`/structures/${s!.id}`);
    const dup = await admin.post('/structures/nouvelle', { ...VALID, nom: 'Doublon' });
    expect(dup.statusCode).toBe(409);
    expect(dup.body).toContain('Une structure existe déjà avec ce SIRET.');
    expect(dup.body).toContain('value="Doublon"'); // what was typed is kept
  });

  it('shows an invalid SIRET next to the field, with a 400 and the typed values kept', async () => {
    await admin.get('/structures/nouvelle');
    const res = await admin.post('/structures/nouvelle', { ...VALID, siret: '21570463000016', nom: 'Ma structure' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/id="champ-siret-erreur"[^>]*>Ce SIRET n&#39;est pas valide|id="champ-siret-erreur"[^>]*>Ce SIRET n'est pas valide/);
    expect(res.body).toContain('value="Ma structure"');
  });

  it('takes the commune by its name, narrowed by the postcode, and says which when it is unknown', async () => {
    await admin.get('/structures/nouvelle');
    const { communeInsee: _code, ...typed } = VALID;
    const unknown = await admin.post('/structures/nouvelle', { ...typed, siret: '21570463000015', commune: 'Sarregemines' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toMatch(/id="champ-commune-erreur"[^>]*>Aucune commune ne s(&#39;|')appelle/);
    expect(unknown.body).toContain('value="Sarregemines"');
    // a name shared by several communes, narrowed by the postcode typed
    const r = await admin.post('/structures/nouvelle', { ...typed, siret: '21570463000015', nom: 'Saint-Martin', codePostal: '67220', commune: 'Saint-Martin' });
    expect(r.statusCode).toBe(409); // the SIRET of the first test: the commune was resolved
    expect(r.body).not.toContain('champ-commune-erreur');
    expect(r.body).toContain('value="Saint-Martin"');
  });

  it('records an edit in the audit log with before and after', async () => {
    const s = (await findStructureBySiret(t.database.db, demoSiret(1)))!; // Ville de Metz
    const manager = new TestClient(t.app);
    await manager.login('structure@demo.test');
    await manager.get(`/structures/${s.id}/modifier`);
    const res = await manager.post(`/structures/${s.id}/modifier`, {
      siret: s.siret,
      nom: s.nom,
      type: s.type,
      adresse: s.adresse,
      codePostal: s.codePostal,
      communeInsee: s.communeInsee,
      contactEmail: 'numerique@metz.example',
      contactTelephone: '',
    });
    expect(res.statusCode).toBe(303);
    // the manager cannot move the structure to another département nor change its SIRET
    const moved = await manager.post(`/structures/${s.id}/modifier`, {
      siret: '21570463000015', nom: s.nom, type: s.type, adresse: s.adresse, codePostal: '54000', communeInsee: '54395', contactEmail: '', contactTelephone: '',
    });
    expect(moved.statusCode).toBe(400); // 54000 is not a postcode of Metz, which stays the commune
    const after = (await findStructureBySiret(t.database.db, s.siret))!;
    expect([after.siret, after.communeInsee, after.departement]).toEqual([s.siret, s.communeInsee, '57']);
    const [entry] = await listAudit(t.database.db, { action: 'structure.modifiee' });
    expect(entry?.actorLabel).toContain('structure@demo.test');
    expect(entry?.before).toEqual({ contactEmail: null });
    expect(entry?.after).toEqual({ contactEmail: 'numerique@metz.example' });
    const journal = await admin.get('/admin/journal?action=structure.modifiee');
    expect(journal.body).toContain('numerique@metz.example');
    // In words: the action's label, the field that changed, a link to the structure — no code, no raw JSON
    expect(journal.body).toContain('<td>Structure modifiée</td>');
    expect(journal.body).toContain('<strong>contact email</strong> : — → numerique@metz.example');
    expect(journal.body).toContain(`href="/structures/${s.id}"`);
    expect(journal.body).not.toContain('{&quot;contactEmail&quot;');
    expect(journal.body).not.toContain('<code>structure.modifiee</code>');
    expect(journal.body).toMatch(/<option value="structure\.creee"/); // distinct actions offered as filters
    expect(journal.body).toMatch(/<option value="utilisateur\.cree"/);
  });
});
