import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { wrapPglite, type Database } from '../platform/db.js';
import { migrate } from '../platform/migrate.js';
import { importCentres, loadCentres, parseCentresCsv } from './centres.js';
import { commune } from './territoires.js';

describe('parseCentresCsv', () => {
  it('reads good rows and rejects bad ones with a reason', () => {
    const csv = [
      'insee_com,commune,lat,lng',
      '57058,Behren-lès-Forbach,49.16705,6.94512',
      '57058,"Behren-lès-Forbach, bis",49.16705,6.94512',
      '57227,Forbach,91.2,6.9',
      '57227,Forbach,abc,6.9',
      '99999,Nulle part,48,2',
      ',Sans code,48,2',
      '57227,Forbach,6.9,49.18',
      '1001,"L\'Abergement-Clémenciat",46.15,4.93',
      '57058,Behren-lès-Forbach,49.2,6.9',
      '',
    ].join('\r\n');
    const { rows, rejected } = parseCentresCsv('\uFEFF' + csv);
    expect(rows).toEqual([
      { insee: '57058', lat: 49.16705, lng: 6.94512 },
      { insee: '01001', lat: 46.15, lng: 4.93 },
    ]);
    expect(rejected.map((r) => r.line)).toEqual([4, 5, 6, 7, 8, 10]);
    expect(rejected[0]!.reason).toMatch(/^latitude hors de l'intervalle/);
    expect(rejected[1]!.reason).toMatch(/^latitude non numérique/);
    expect(rejected[2]!.reason).toBe('commune inconnue');
    expect(rejected[3]!.reason).toBe('code INSEE manquant');
    expect(rejected[4]!.reason).toMatch(/inversées/);
    expect(rejected[5]!.reason).toMatch(/déjà présent ligne 2/);
  });

  it('accepts semicolons, quoted fields, other column names and decimal commas', () => {
    const csv = 'Nom;"Code_INSEE";Latitude;Longitude\n"Forbach; Moselle";57227;"49,1883";6,8964\n"Ajaccio";2a004;41.93;8.74\n';
    expect(parseCentresCsv(csv)).toEqual({
      rows: [
        { insee: '57227', lat: 49.1883, lng: 6.8964 },
        { insee: '2A004', lat: 41.93, lng: 8.74 },
      ],
      rejected: [],
    });
  });

  it('rejects a file without the needed columns', () => {
    expect(parseCentresCsv('code;x;y\n57227;1;2\n')).toEqual({
      rows: [],
      rejected: [{ line: 1, reason: 'en-tête : colonne introuvable (latitude, longitude)' }],
    });
    expect(parseCentresCsv('').rejected[0]!.reason).toBe('fichier vide');
  });
});

describe('importCentres', () => {
  let database: Database;

  beforeAll(async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    database = wrapPglite(new PGlite());
    await migrate(database);
  });
  afterAll(() => database.close());

  it('upserts centres and updates the communes in memory', async () => {
    const first = await importCentres(database.db, 'insee,lat,lon\n57227,49.1,6.8\n57058,49.16705,6.94512\n00000,1,1\n', 'essai');
    expect(first).toEqual({ imported: 2, rejected: [{ line: 4, reason: 'commune inconnue' }] });
    const second = await importCentres(database.db, 'insee,lat,lon\n57227,49.1883,6.8964\n', 'essai 2');
    expect(second).toEqual({ imported: 1, rejected: [] });
    const rows = await database.query<{ insee: string; lat: number; source: string }>(
      'select insee, lat, source from commune_centres order by insee',
    );
    expect(rows).toEqual([
      { insee: '57058', lat: 49.16705, source: 'essai' },
      { insee: '57227', lat: 49.1883, source: 'essai 2' },
    ]);
    expect(commune('57227')).toMatchObject({ lat: 49.1883, lng: 6.8964, centreApproximatif: false });
    expect(await loadCentres(database.db)).toBe(2);
  });

  const realFile = fileURLToPath(new URL('../../../shared/data/communes.csv', import.meta.url));
  const exists = existsSync(realFile);
  if (!exists) console.warn(`⚠ ${realFile} absent : le test d'import du fichier réel des communes est ignoré.`);

  it.skipIf(!exists)('imports the real communes file', { timeout: 120_000 }, async () => {
    const { imported, rejected } = await importCentres(database.db, readFileSync(realFile, 'utf8'), 'communes.csv');
    expect(imported).toBeGreaterThanOrEqual(34_000);
    expect(rejected.every((r) => r.line > 1 && r.reason.length > 0)).toBe(true);
    const behren = commune('57058')!;
    expect(behren.centreApproximatif).toBe(false);
    expect(Math.abs(behren.lat - 49.17)).toBeLessThan(0.05);
    expect(Math.abs(behren.lng - 6.93)).toBeLessThan(0.05);
    const [{ count }] = (await database.query<{ count: number }>('select count(*)::int as count from commune_centres')) as [
      { count: number },
    ];
    expect(count).toBeGreaterThanOrEqual(imported);
    console.info(`communes.csv : ${imported} centres importés, ${rejected.length} lignes rejetées`);
  });
});
