import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TestClient, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { importerLieux } from './import.js';
import { getLieu, ressemblent, similarNames, toV1, updateLieu, type Comparable } from './lieux.js';
import { deciderDoublon } from './doublons.js';

const place = (over: Partial<Comparable> = {}): Comparable => ({
  pivot: '00000000000000',
  nom: 'Médiathèque du Pontiffroy',
  adresse: '1 rue du Pont',
  codePostal: '57000',
  commune: 'Metz',
  codeInsee: '57463',
  latitude: null,
  longitude: null,
  ...over,
});

describe('what looks like the same place', () => {
  it('same address and a similar name; same SIRET and address; a similar name within 30 m', () => {
    expect(ressemblent(place(), place({ nom: 'Médiathèque Pontiffroy', adresse: '1 Rue du Pont' }))).toBe(true);
    expect(ressemblent(place({ pivot: '21570463000015' }), place({ pivot: '21570463000015', nom: 'Hôtel de ville' }))).toBe(true);
    expect(ressemblent(place({ latitude: 49.12, longitude: 6.17 }), place({ adresse: '3 place X', latitude: 49.1201, longitude: 6.1701 }))).toBe(true);
  });

  it('not: another address, another commune of the postcode, names alike only by their kind or their commune', () => {
    expect(ressemblent(place(), place({ adresse: '2 rue du Pont' }))).toBe(false);
    expect(ressemblent(place({ adresse: 'Le Bourg', codeInsee: '43122', commune: 'Lubilhac' }), place({ adresse: 'Le Bourg', codeInsee: '43185', commune: 'Saint-Beauzire' }))).toBe(false);
    expect(similarNames('Médiathèque Elliant', 'Médiathèque Concarneau')).toBe(false);
    expect(similarNames('Mairie de Vernon', 'Secours catholique de Vernon', ['Vernon'])).toBe(false);
    expect(similarNames('CCAS de Feytiat', 'CCAS')).toBe(true);
  });
});

describe('likely duplicates held at import, decided by an administrator', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp({ demo: true });
  });
  afterAll(async () => t?.close());

  const head = 'id,pivot,nom,commune,code_postal,adresse,date_maj,latitude,longitude';
  const exported = async () => (t.app.inject({ method: 'GET', url: '/api/v1/lieux.json' }).then((r) => r.json() as { nom: string; pivot: string; telephone?: string }[]));
  const row = async (origineId: string) =>
    (await t.database.query<{ id: string; public: boolean; doublon_statut: string | null; doublon_de: string | null; pivot: string; telephone: string | null; valeurs_origine: Record<string, string> | null }>(
      `select id, public, doublon_statut, doublon_de, pivot, telephone, valeurs_origine from lieux where origine = 'doublons' and origine_id = '${origineId}'`,
    ))[0]!;

  it('holds the second of two places at the same address with similar names, and one like a place already there', async () => {
    const first = await importerLieux(t.database.db, SYSTEM_ACTOR, `${head}\nd1,,Espace numérique du Sablon,Metz,57000,12 rue du Sablon,2024-01-01,49.1,6.18\n`, { source: 'doublons' });
    expect(first).toMatchObject({ crees: 1, doublons: [] });
    const csv = [
      head,
      'd2,,ESPACE NUMERIQUE DU SABLON,Metz,57000,12 RUE DU SABLON,2024-01-01,,',
      'd3,,Maison des associations,Metz,57000,40 rue Haute-Seille,2024-01-01,,',
      'd4,,Maison des associations de Metz,Metz,57000,40 rue Haute Seille,2024-01-01,,',
      'd5,,Ludothèque,Metz,57000,41 rue Haute-Seille,2024-01-01,,',
    ].join('\n');
    const r = await importerLieux(t.database.db, SYSTEM_ACTOR, csv, { source: 'doublons' });
    expect(r.crees).toBe(4);
    expect(r.doublons.map((d) => [d.numero, d.id, d.doublonDe.nom])).toEqual([
      [2, 'd2', 'Espace numérique du Sablon'],
      [4, 'd4', 'Maison des associations'],
    ]);
    // Flagged in its row, capitals corrected.
    expect(r.alertes).toEqual([{ numero: 2, id: 'd2', champ: 'nom', motif: 'nom en capitales : « ESPACE NUMERIQUE DU SABLON » écrit « Espace Numerique du Sablon », à vérifier' }]);
    expect(await row('d2')).toMatchObject({ public: false, doublon_statut: 'a_verifier', doublon_de: (await row('d1')).id });
    expect(await row('d5')).toMatchObject({ public: true, doublon_statut: null });
    // Neither in the exports nor the finder nor on its public page, until decided.
    const noms = (await exported()).map((l) => l.nom);
    expect(noms).toContain('Espace numérique du Sablon');
    expect(noms).not.toContain('Espace Numerique du Sablon');
    expect(noms).not.toContain('Maison des associations de Metz');
    const csvExport = await t.app.inject({ method: 'GET', url: '/api/v1/lieux.csv' });
    expect(csvExport.body).not.toContain('Maison des associations de Metz');
    expect((await t.app.inject({ method: 'GET', url: `/lieux/${(await row('d2')).id}` })).statusCode).toBe(404);
    // Sending the file again holds nothing more.
    const again = await importerLieux(t.database.db, SYSTEM_ACTOR, csv, { source: 'doublons' });
    expect(again).toMatchObject({ crees: 0, inchanges: 4, doublons: [] });
  });

  it('the review list: one form per pair; publish both, keep the existing one, keep the new one', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    const page = await admin.get('/admin/lieux/doublons');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('2 doublons possibles à vérifier');
    expect(page.body).toContain('« Espace Numerique du Sablon » ressemble à « Espace numérique du Sablon »');
    expect(page.body).toContain('name="_csrf"');
    const d2 = await row('d2');
    const d4 = await row('d4');
    const d3 = await row('d3');

    // Without the CSRF token: refused.
    expect((await admin.post(`/admin/lieux/doublons/${d2.id}`, { _csrf: 'faux', decision: 'publier_les_deux', autre: d2.doublon_de! })).statusCode).toBe(403);
    // An unknown decision: a French message, nothing changed.
    const bad = await admin.post(`/admin/lieux/doublons/${d2.id}`, { decision: 'tout_supprimer', autre: d2.doublon_de! });
    expect(bad.statusCode).toBe(303);
    expect((await admin.get('/admin/lieux/doublons')).body).toContain('Choisissez une décision');
    expect(await row('d2')).toMatchObject({ doublon_statut: 'a_verifier' });
    expect((await admin.post('/admin/lieux/doublons/pas-un-id', { decision: 'publier_les_deux' })).statusCode).toBe(404);

    // Keep the existing one: the new one is set aside, still not public.
    await admin.get('/admin/lieux/doublons');
    expect((await admin.post(`/admin/lieux/doublons/${d2.id}`, { decision: 'garder_existant', autre: d2.doublon_de! })).statusCode).toBe(303);
    expect(await row('d2')).toMatchObject({ public: false, doublon_statut: 'ecarte' });
    // The same decision again (a second tab): refused, said so.
    await admin.get('/admin/lieux/doublons');
    await admin.post(`/admin/lieux/doublons/${d2.id}`, { decision: 'publier_les_deux', autre: d2.doublon_de! });
    expect((await admin.get('/admin/lieux/doublons')).body).toContain('déjà été traité');
    expect(await row('d2')).toMatchObject({ public: false, doublon_statut: 'ecarte' });

    // Keep the new one: it is published, the other set aside.
    await admin.post(`/admin/lieux/doublons/${d4.id}`, { decision: 'garder_nouveau', autre: d3.id });
    expect(await row('d4')).toMatchObject({ public: true, doublon_statut: 'distinct' });
    expect(await row('d3')).toMatchObject({ public: false, doublon_statut: 'ecarte', doublon_de: d4.id });
    const noms = (await exported()).map((l) => l.nom);
    expect(noms).toContain('Maison des associations de Metz');
    expect(noms).not.toContain('Maison des associations');
    expect((await admin.get('/admin/lieux/doublons')).body).toContain('Aucun doublon possible à vérifier.');

    // A re-import leaves the decisions as they are.
    const again = await importerLieux(t.database.db, SYSTEM_ACTOR, `${head}\nd3,,Maison des associations,Metz,57000,40 rue Haute-Seille,2024-02-01,,\n`, { source: 'doublons' });
    expect(again).toMatchObject({ misAJour: 1, doublons: [] });
    expect(await row('d3')).toMatchObject({ public: false, doublon_statut: 'ecarte' });
  });

  it('publish both', async () => {
    const r = await importerLieux(t.database.db, SYSTEM_ACTOR, `${head}\ne1,,Cyber-base du Tivoli,Metz,57000,5 rue Tivoli,2024-01-01,,\ne2,,Cyber-base Tivoli,Metz,57000,5 rue Tivoli,2024-01-01,,\n`, { source: 'doublons' });
    expect(r.doublons).toHaveLength(1);
    const admin = new TestClient(t.app);
    await admin.login('admin@demo.test');
    await admin.get('/admin/lieux/doublons');
    const e2 = await row('e2');
    expect((await admin.post(`/admin/lieux/doublons/${e2.id}`, { decision: 'publier_les_deux', autre: e2.doublon_de! })).statusCode).toBe(303);
    expect(await row('e2')).toMatchObject({ public: true, doublon_statut: 'distinct' });
    expect((await exported()).map((l) => l.nom)).toEqual(expect.arrayContaining(['Cyber-base du Tivoli', 'Cyber-base Tivoli']));
  });

  it('a SIREN and a phone with a wrong number of digits: kept out of the published fields, kept in the record, reported in the row', async () => {
    const r = await importerLieux(
      t.database.db,
      SYSTEM_ACTOR,
      'id,pivot,nom,commune,code_postal,adresse,date_maj,telephone\nf1,216600775,Mairie de Fenouillet,Fenouillet,31150,Place Alex Raymond,2024-01-01,05 87 70 64 8\n',
      { source: 'doublons' },
    );
    expect(r.crees).toBe(1);
    expect(r.ecartes).toEqual([
      { numero: 2, id: 'f1', champ: 'pivot', motif: "« 216600775 » est un SIREN (9 chiffres), pas le SIRET de l'établissement (14 chiffres) : 00000000000000 publié, valeur d'origine gardée dans la fiche" },
      { numero: 2, id: 'f1', champ: 'telephone', motif: "« 058770648 » : 9 chiffres, un numéro français en a 10 (03 87 00 00 00) : numéro écarté, valeur d'origine gardée dans la fiche" },
    ]);
    expect(await row('f1')).toMatchObject({ pivot: '00000000000000', telephone: null, valeurs_origine: { pivot: '216600775', telephone: '05 87 70 64 8' } });
    const l = (await exported()).find((x) => x.nom === 'Mairie de Fenouillet')!;
    expect(l).toMatchObject({ pivot: '00000000000000' });
    expect(l.telephone).toBeUndefined();
  });

  it('editing a held place does not publish it; a place set aside and made public again by its manager is published', async () => {
    await importerLieux(t.database.db, SYSTEM_ACTOR, `${head}\ng1,,Point numérique Bellecroix,Metz,57070,3 rue de Toulouse,2024-01-01,,\ng2,,Point numérique de Bellecroix,Metz,57070,3 rue de Toulouse,2024-01-01,,\n`, { source: 'doublons' });
    const g2 = await row('g2');
    const l = (await getLieu(t.database.db, g2.id))!;
    const input = { v: toV1(l), structureId: null, public: true, permanences: [] };
    await updateLieu(t.database.db, SYSTEM_ACTOR, g2.id, input);
    expect(await row('g2')).toMatchObject({ public: false, doublon_statut: 'a_verifier' });
    expect(await deciderDoublon(t.database.db, SYSTEM_ACTOR, g2.id, 'garder_existant', g2.doublon_de)).toMatchObject({ ok: true });
    await updateLieu(t.database.db, SYSTEM_ACTOR, g2.id, input);
    expect(await row('g2')).toMatchObject({ public: true, doublon_statut: 'distinct' });
    expect((await exported()).map((x) => x.nom)).toContain('Point numérique de Bellecroix');
  });

  it('only administrators see the review list', async () => {
    const structure = new TestClient(t.app);
    await structure.login('structure@demo.test');
    expect((await structure.get('/admin/lieux/doublons')).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/admin/lieux/doublons' })).statusCode).toBe(303);
  });
});
