import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DATE_FIELDS, ENUMS, FIELDS, MAX_LENGTH, NUMBER_FIELDS, PATTERNS, REQUIRED, enumPattern, toRecord, validateLieuV1, type Field } from './standard.js';

const DIR = fileURLToPath(new URL('../../../shared/data/standard-lieux/', import.meta.url));
const present = existsSync(DIR + 'schema-v1.0.2.json');
if (!present) console.warn(`[lieux] ${DIR} absent : tests du schéma ignorés`);

interface SchemaField {
  name: string;
  type: string;
  constraints?: { required?: boolean; pattern?: string; maxLength?: number };
}

describe.skipIf(!present)('the constants match schema-v1.0.2.json', () => {
  const schema = present ? (JSON.parse(readFileSync(DIR + 'schema-v1.0.2.json', 'utf8')) as { version: string; fields: SchemaField[] }) : { version: '', fields: [] };

  it('has the same fields, in the same order', () => {
    expect(schema.version).toBe('v1.0.2');
    expect(schema.fields.map((f) => f.name)).toEqual([...FIELDS]);
  });

  it('has the same required fields, types, maximum lengths', () => {
    expect(schema.fields.filter((f) => f.constraints?.required).map((f) => f.name)).toEqual([...REQUIRED]);
    expect(schema.fields.filter((f) => f.type === 'number').map((f) => f.name)).toEqual([...NUMBER_FIELDS]);
    expect(schema.fields.filter((f) => f.type === 'date').map((f) => f.name)).toEqual([...DATE_FIELDS]);
    expect(Object.fromEntries(schema.fields.filter((f) => f.constraints?.maxLength).map((f) => [f.name, f.constraints!.maxLength]))).toEqual(MAX_LENGTH);
  });

  it('has the same patterns and enumerations', () => {
    const withPattern = schema.fields.filter((f) => f.constraints?.pattern);
    expect(withPattern.map((f) => f.name).sort()).toEqual([...Object.keys(PATTERNS), ...Object.keys(ENUMS)].sort());
    for (const f of withPattern) {
      const ours = f.name in PATTERNS ? PATTERNS[f.name as keyof typeof PATTERNS] : enumPattern(ENUMS[f.name as keyof typeof ENUMS]);
      expect(ours, f.name).toBe(f.constraints!.pattern);
    }
  });

  it('accepts the standard’s valid example and rejects its values broken', () => {
    const rows = parse(readFileSync(DIR + 'exemple-valide.csv', 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const v = validateLieuV1(r);
      expect(v.ok, JSON.stringify(v)).toBe(true);
      if (v.ok) expect(toRecord(v.value)).toEqual(Object.fromEntries(FIELDS.map((f) => [f, r[f] ?? ''])));
    }
  });
});

describe('validateLieuV1', () => {
  const base = { id: 'x1', pivot: '43493312300029', nom: 'Lieu', commune: 'Metz', code_postal: '57000', adresse: '1 rue A', date_maj: '2024-04-02' };

  it('reports every problem with its field, in French', () => {
    const v = validateLieuV1({
      ...base,
      pivot: '123',
      code_postal: '5700',
      telephone: '03 87 00 00 00',
      services: 'Aide aux démarches administratives|Faire le café',
      presentation_resume: 'x'.repeat(281),
      latitude: '95',
      longitude: '6.1',
      date_maj: '2024-02-30',
      horaires: 'Lu 9h',
      nom: '',
    });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const by = Object.fromEntries(v.problems.map((p) => [p.field, p.reason]));
    expect(Object.keys(by).sort()).toEqual(['code_postal', 'date_maj', 'horaires', 'latitude', 'nom', 'pivot', 'presentation_resume', 'services', 'telephone'].sort());
    expect(by.services).toBe('valeur inconnue : « Faire le café »');
    expect(by.nom).toContain('obligatoire');
    expect(by.latitude).toContain('[-90, 90]');
  });

  it('refuses what the national tools refuse although the schema’s patterns accept it: a SIREN, a phone with 8 digits after +33', () => {
    const v = validateLieuV1({ ...base, pivot: '216600775', telephone: '+3358770648' });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.problems).toEqual([
      { field: 'pivot', reason: "« 216600775 » est un SIREN (9 chiffres), pas le SIRET de l'établissement (14 chiffres) : indiquez le SIRET ou le numéro RNA, ou laissez vide" },
      { field: 'telephone', reason: '« +3358770648 » : 8 chiffres après +33, il en faut 9 (un numéro français a 10 chiffres : 03 87 00 00 00)' },
    ]);
    expect(validateLieuV1({ ...base, pivot: 'W572001234', telephone: '+33387000000' }).ok).toBe(true);
  });

  it('types multi-values as arrays', () => {
    const v = validateLieuV1({ ...base, services: 'Loisirs et créations numériques|Compréhension du monde numérique', itinerance: 'Fixe|Itinérant' });
    expect(v.ok && v.value.services).toEqual(['Loisirs et créations numériques', 'Compréhension du monde numérique']);
    expect(v.ok && v.value.latitude).toBeNull();
  });

  it('every field has a label and a column (no field forgotten)', () => {
    const v = validateLieuV1(base);
    expect(v.ok).toBe(true);
    if (v.ok) expect(Object.keys(v.value).sort()).toEqual([...FIELDS].sort() as Field[]);
  });
});
