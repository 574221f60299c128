/**
 * The export must be usable by the national tools, not only valid against the schema's patterns:
 * every row of the whole cnfs-2022 import goes through the ANCT's own library of the standard.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSchemaLieuDeMediationNumerique, type SchemaLieuMediationNumerique } from '@gouvfr-anct/lieux-de-mediation-numerique';
import { createTestApp, type TestContext } from '../platform/testing.js';
import { SYSTEM_ACTOR } from '../audit/audit.js';
import { importerLieux, type RapportImport } from './import.js';

const CNFS = fileURLToPath(new URL('../../../shared/data/lieux/cnfs-2022.json', import.meta.url));
const present = existsSync(CNFS);
if (!present) console.warn(`[lieux] ${CNFS} absent : test de l'export avec la bibliothèque de l'ANCT ignoré`);

/** The rows the library refuses, with its error. */
function refus(rows: Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    try {
      fromSchemaLieuDeMediationNumerique(r as unknown as SchemaLieuMediationNumerique);
    } catch (e) {
      out.push(`${String(r.id)} (${String(r.nom)}) : ${(e as Error).name} ${(e as Error).message} — pivot ${String(r.pivot)}, téléphone ${String(r.telephone ?? '')}`);
    }
  }
  return out;
}

describe('the ANCT library refuses what the loose patterns accept', () => {
  it('a SIREN as pivot, a phone with a wrong number of digits', () => {
    const base = { id: 'x', nom: 'Lieu', commune: 'Metz', code_postal: '57000', adresse: '1 rue A', date_maj: '2024-01-01', source: 'essai' };
    expect(refus([{ ...base, pivot: '00000000000000', telephone: '+33387000000' }])).toEqual([]);
    expect(refus([{ ...base, pivot: '775560261' }])).toHaveLength(1);
    expect(refus([{ ...base, pivot: '00000000000000', telephone: '+3358770648' }])).toHaveLength(1);
  });
});

describe.skipIf(!present)('every exported row of the whole cnfs-2022 import passes fromSchemaLieuDeMediationNumerique', () => {
  let t: TestContext;
  let rapport: RapportImport;
  beforeAll(async () => {
    t = await createTestApp();
    rapport = await importerLieux(t.database.db, SYSTEM_ACTOR, readFileSync(CNFS));
  }, 180_000);
  afterAll(async () => t?.close());

  it('JSON export: zero refusals', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/lieux.json' });
    expect(res.statusCode).toBe(200);
    const rows = res.json() as Record<string, unknown>[];
    expect(rows.length).toBeGreaterThan(2600);
    expect(refus(rows)).toEqual([]);
  });

  it('CSV export: zero refusals', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/lieux.csv' });
    const rows = (parse(res.body, { columns: true }) as Record<string, string>[]).map((r) => {
      // As a reader of the CSV gives it to the library: empty cells are absent values, numbers are numbers.
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(r)) if (v !== '') o[k] = k === 'latitude' || k === 'longitude' ? Number(v) : v;
      return o;
    });
    expect(rows.length).toBeGreaterThan(2600);
    expect(refus(rows)).toEqual([]);
  });

  it('the values kept out are reported in their rows’ warnings', () => {
    const pivots = rapport.ecartes.filter((e) => e.champ === 'pivot');
    const phones = rapport.ecartes.filter((e) => e.champ === 'telephone');
    expect(pivots.length).toBeGreaterThan(0);
    expect(phones.length).toBeGreaterThan(0);
    for (const e of [...pivots, ...phones]) expect(e.numero).toBeGreaterThan(0);
  });
});
