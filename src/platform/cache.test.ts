import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundedCache, cachesInProcess } from './cache.js';

describe('boundedCache', () => {
  it('never holds more than its bound: the least recently used entry goes first', () => {
    const c = boundedCache<string, number>({ name: 'test.borne', max: 3, ttlMs: 60_000 });
    for (let i = 0; i < 1000; i++) {
      c.set(`k${i}`, i);
      expect(c.size).toBeLessThanOrEqual(3);
    }
    expect(c.get('k999')).toBe(999);
    expect(c.get('k996')).toBeUndefined();
    c.get('k997'); // read: now the most recent
    c.set('nouveau', 1);
    expect(c.get('k997')).toBe(997);
    expect(c.get('k998')).toBeUndefined();
  });

  it('forgets an entry once its lifetime is over', () => {
    let now = 1_000;
    const c = boundedCache<string, string>({ name: 'test.duree', max: 10, ttlMs: 5_000, now: () => now });
    c.set('a', 'x');
    now += 4_999;
    expect(c.get('a')).toBe('x');
    now += 2;
    expect(c.get('a')).toBeUndefined();
  });

  it('deletes and clears', () => {
    const c = boundedCache<string, string>({ name: 'test.vidage', max: 10, ttlMs: 5_000 });
    c.set('a', 'x');
    c.set('b', 'y');
    c.delete('a');
    expect(c.get('a')).toBeUndefined();
    c.clear();
    expect(c.size).toBe(0);
  });

  it('refuses a cache without a bound or a lifetime', () => {
    expect(() => boundedCache({ name: 'test.sans-borne', max: Infinity, ttlMs: 1 })).toThrow(/max/);
    expect(() => boundedCache({ name: 'test.sans-borne', max: 0, ttlMs: 1 })).toThrow(/max/);
    expect(() => boundedCache({ name: 'test.sans-duree', max: 1, ttlMs: 0 })).toThrow(/ttlMs/);
  });

  it('registers every cache with its size and bound', () => {
    const c = boundedCache<string, number>({ name: 'test.registre', max: 2, ttlMs: 1_000 });
    c.set('a', 1);
    expect(cachesInProcess()).toContainEqual({ name: 'test.registre', size: 1, max: 2, ttlMs: 1_000 });
  });

  it('the application caches are bounded ones (conseillers’ profiles, structures, opening hours)', async () => {
    await import('../activites/activites.js');
    await import('../lieux/horaires.js');
    const names = cachesInProcess().map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['activites.bornes-des-conseillers', 'activites.departement-des-structures', 'lieux.horaires-analysees']),
    );
    for (const s of cachesInProcess()) expect(s.max, s.name).toBeLessThanOrEqual(50_000);
  });

  it('parsing ever more distinct opening hours keeps the cache within its bound', async () => {
    const { parseHoraires } = await import('../lieux/horaires.js');
    const stats = () => cachesInProcess().find((s) => s.name === 'lieux.horaires-analysees')!;
    for (let i = 0; i < stats().max + 500; i++) parseHoraires(`Mo-Fr 08:00-${String(12 + (i % 10)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}; PH off ${i}`);
    expect(stats().size).toBeLessThanOrEqual(stats().max);
    expect(stats().size).toBeGreaterThan(0);
  }, 120_000);
});

/**
 * The class of bug: a module-level Map or Set filled by traffic grows without end. Module-level
 * collections must be fixed tables (listed here, with why) — anything filled at run time goes
 * through `boundedCache`.
 */
const FIXED_TABLES: Record<string, string> = {
  'src/platform/testing.ts:schemaOf': 'WeakMap of test databases (retains nothing)',
  'src/comptes/tokens.ts:bearerQueries': 'the prepared bearer lookup, one per database handle (WeakMap: retains nothing)',
  'src/platform/http.ts:STATE_CHANGING': 'constant list of HTTP methods',
  'src/platform/fuzz.ts:UPLOAD_ROUTES': 'constant list of routes',
  'src/platform/access.ts:ROLE_NEEDS_DEPARTEMENT': 'constant list of roles',
  'src/platform/access.ts:ROLE_NEEDS_STRUCTURE': 'constant list of roles',
  'src/platform/openapi.ts:tags': 'one entry per API tag, filled at start-up',
  'src/platform/cache.ts:registry': 'one entry per named cache',
  'src/lieux/lieux.ts:MOTS_GENERIQUES': 'constant list of words',
  'src/lieux/normalisation.ts:ACRONYMES': 'constant list of acronyms',
  'src/lieux/normalisation.ts:PETITS_MOTS': 'constant list of words',
  'src/lieux/normalisation.ts:PETITS_MOTS_ADRESSE': 'constant list of words',
  'src/programme/regles.ts:STATUTS_AVIS': 'constant list of statuses',
  'src/programme/regles.ts:STATUTS_DECIDABLES': 'constant list of statuses',
  'src/programme/regles.ts:STATUTS_CLOS': 'constant list of statuses',
  'src/programme/entreprises.ts:EPCI': 'constant list of legal categories',
  'src/programme/entreprises.ts:COOPERATIVES': 'constant list of legal categories',
  'src/lieux/views/creneaux.ts:CRENEAUX_CODES': 'constant list of time slots',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('module-level collections', () => {
  it('are fixed tables; a collection filled by traffic must be a boundedCache', () => {
    const root = join(import.meta.dirname, '..', '..');
    const found: string[] = [];
    for (const file of sourceFiles(join(root, 'src'))) {
      const lines = readFileSync(file, 'utf8').split('\n');
      for (const line of lines) {
        const m = /^(?:export )?(?:const|let|var) (\w+)\b[^=]*= new (?:Map|Set|WeakMap|WeakSet)\b/.exec(line);
        if (m) found.push(`${relative(root, file)}:${m[1]}`);
      }
    }
    expect(found.length).toBeGreaterThan(5); // the scan does see them
    expect(found.filter((f) => !(f in FIXED_TABLES))).toEqual([]);
  });
});
