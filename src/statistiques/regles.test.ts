import { describe, expect, it } from 'vitest';
import { decouperPeriode, indicateurs, joursDeSerie, lireParametres, moisDeSerie, pourcentages, type Echelle, type Figures } from './regles.js';

const today = '2026-12-03';
const known = (e: Echelle, c: string) => (e === 'departement' ? ['57', '2A'].includes(c) : e === 'region' ? c === '44' : true);
const read = (q: Record<string, unknown>) => lireParametres(q, today, known);

describe('pourcentages (largest remainder)', () => {
  it('adds up to exactly 100 where plain rounding gives 99 or 101', () => {
    expect(pourcentages([1, 1, 1])).toEqual([34, 33, 33]);
    expect(pourcentages([2, 2, 2, 2, 2, 2])).toEqual([17, 17, 17, 17, 16, 16]);
    expect(pourcentages([1, 1, 1, 1, 1, 1, 1]).reduce((a, b) => a + b)).toBe(100);
    expect(pourcentages([995, 5])).toEqual([100, 0]); // 99.5 / 0.5: equal remainders, the larger value wins the tie
  });
  it('gives the point to the largest remainders', () => {
    // 12.5 / 37.5 / 50 → floors 12, 37, 50 = 99; remainders equal, the larger value (37.5) gets it
    expect(pourcentages([1, 3, 4])).toEqual([12, 38, 50]);
    // 14.28…, 28.57…, 57.14… → 14, 28, 57 = 99; the largest remainder is 28.57's
    expect(pourcentages([1, 2, 4])).toEqual([14, 29, 57]);
  });
  it('keeps exact shares, zeros and empty lists', () => {
    expect(pourcentages([1, 1, 2])).toEqual([25, 25, 50]);
    expect(pourcentages([0, 0])).toEqual([0, 0]);
    expect(pourcentages([])).toEqual([]);
    expect(pourcentages([0, 7])).toEqual([0, 100]);
  });
  it('always sums to 100 for random lists', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const values = Array.from({ length: 1 + Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 1000));
      const p = pourcentages(values);
      if (values.some((v) => v > 0)) expect(p.reduce((a, b) => a + b)).toBe(100);
      // never more than one point away from the exact share
      const total = values.reduce((a, b) => a + b, 0);
      values.forEach((v, k) => total && expect(Math.abs(p[k]! - (v * 100) / total)).toBeLessThan(1));
    }
  });
});

describe('decouperPeriode', () => {
  it('splits into whole months and edge days', () => {
    expect(decouperPeriode('2026-01-01', '2026-12-31')).toEqual({ mois: ['2026-01-01', '2026-12-01'], jours: [] });
    expect(decouperPeriode('2025-12-04', '2026-12-03')).toEqual({ mois: ['2026-01-01', '2026-11-01'], jours: [['2025-12-04', '2025-12-31'], ['2026-12-01', '2026-12-03']] });
    expect(decouperPeriode('2026-02-10', '2026-02-20')).toEqual({ mois: null, jours: [['2026-02-10', '2026-02-20']] });
    expect(decouperPeriode('2026-02-01', '2026-02-28')).toEqual({ mois: ['2026-02-01', '2026-02-01'], jours: [] });
    expect(decouperPeriode('2026-01-31', '2026-03-01')).toEqual({ mois: ['2026-02-01', '2026-02-01'], jours: [['2026-01-31', '2026-01-31'], ['2026-03-01', '2026-03-01']] });
  });
});

describe('lireParametres', () => {
  it('defaults to the last 12 months and the caller’s own scope', () => {
    const aucun = { conseillers: [], structures: [], communes: [], departements: [], lieux: [] };
    expect(read({})).toEqual({ ok: true, value: { du: '2025-12-04', au: today, echelle: null, code: null, types: [], thematiques: [], ...aucun } });
  });
  it('reads lists, codes and scales', () => {
    const r = read({ du: '2026-01-01', au: '2026-06-30', echelle: 'departement', code: '2a', types: 'collectif,individuel', thematiques: ['email', 'sante'] });
    expect(r).toEqual({
      ok: true,
      value: { du: '2026-01-01', au: '2026-06-30', echelle: 'departement', code: '2A', types: ['collectif', 'individuel'], thematiques: ['email', 'sante'], conseillers: [], structures: [], communes: [], departements: [], lieux: [] },
    });
  });
  it('reads the narrowing filters, comma-separated or repeated, deduplicated, in canonical case', () => {
    const a = '0F8FAD5B-D9CB-469F-A165-70867728950E';
    const b = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
    const r = read({ conseillers: [`${a},${b}`, b], structures: a, communes: '57463, 2a004', departements: ['2b', '57'], lieux: b });
    expect(r.ok && r.value).toMatchObject({ conseillers: [a.toLowerCase(), b], structures: [a.toLowerCase()], communes: ['2A004', '57463'], departements: ['2B', '57'], lieux: [b] });
  });
  it('names the parameter of each bad input', () => {
    const errors = (q: Record<string, unknown>) => (read(q) as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors({ du: '2026-07-01', au: '2026-06-30' }))).toEqual(['du']);
    expect(Object.keys(errors({ du: '2026-02-30' }))).toEqual(['du']);
    expect(Object.keys(errors({ au: '2026-13-01' }))).toEqual(['au']);
    expect(errors({ du: '2010-01-01', au: '2026-06-30' }).du).toMatch(/10 ans/);
    expect(Object.keys(errors({ echelle: 'monde' }))).toEqual(['echelle']);
    expect(Object.keys(errors({ echelle: 'departement', code: '99' }))).toEqual(['code']);
    expect(Object.keys(errors({ echelle: 'structure', code: 'pas-un-uuid' }))).toEqual(['code']);
    expect(Object.keys(errors({ code: '57' }))).toEqual(['code']);
    expect(Object.keys(errors({ types: 'individuel,inconnu' }))).toEqual(['types']);
    expect(Object.keys(errors({ thematiques: 'email,zzz' }))).toEqual(['thematiques']);
    expect(errors({ thematiques: Array.from({ length: 51 }, () => 'email').join(',') }).thematiques).toMatch(/50 au plus/);
    const trop = errors({ conseillers: Array.from({ length: 51 }, (_x, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',') }).conseillers;
    expect(trop).toBe('Trop de valeurs (conseillers) : 50 au plus.');
    // The narrowing filters' syntax (which exist and lie in the scope: filtres.ts, against the records).
    expect(Object.keys(errors({ conseillers: 'camille' }))).toEqual(['conseillers']);
    expect(Object.keys(errors({ structures: ['7c9e6679-7425-40de-944b-e07fc1f90ae7', 'x'] }))).toEqual(['structures']);
    expect(Object.keys(errors({ lieux: '12' }))).toEqual(['lieux']);
    expect(Object.keys(errors({ communes: 'Metz' }))).toEqual(['communes']);
    expect(Object.keys(errors({ departements: 'Moselle' }))).toEqual(['departements']);
    expect(errors({ communes: '5746' }).communes).toMatch(/« 5746 »/);
  });
  it('accepts a period of exactly 10 years', () => {
    expect(read({ du: '2016-06-30', au: '2026-06-30' }).ok).toBe(true);
  });
});

describe('indicateurs', () => {
  const vide: Figures = { activites: 0, accompagnements: 0, participantsAteliers: 0, anonymes: 0, anonymesNouveaux: 0, suivis: 0, suivisNouveaux: 0, repartitions: {}, suivisPar: {}, mensuelle: [], quotidienne: [] };
  it('counts a workshop of 8 and an individual accompaniment as 2 activities and 9 accompagnements, distributions weighted by accompagnements', () => {
    const f: Figures = {
      ...vide,
      activites: 2,
      accompagnements: 9,
      participantsAteliers: 8,
      anonymes: 8,
      anonymesNouveaux: 6,
      suivis: 1,
      suivisNouveaux: 1,
      repartitions: {
        type: [
          { valeur: 'individuel', activites: 1, accompagnements: 1, personnes: 0, minutes: 45 },
          { valeur: 'collectif', activites: 1, accompagnements: 8, personnes: 0, minutes: 90 },
        ],
        genre: [{ valeur: 'feminin', activites: 1, accompagnements: 0, personnes: 5, minutes: 0 }, { valeur: 'masculin', activites: 1, accompagnements: 0, personnes: 3, minutes: 0 }],
      },
      suivisPar: { genre: [{ valeur: 'masculin', personnes: 1 }] },
      mensuelle: [{ mois: '2026-12', activites: 2, accompagnements: 9 }],
      quotidienne: [{ jour: '2026-12-03', activites: 2, accompagnements: 9 }],
    };
    const i = indicateurs(f, '2026-12-03');
    expect(i.activites).toBe(2);
    expect(i.accompagnements).toBe(9);
    expect(i.beneficiaires).toEqual({ total: 9, suivis: 1, anonymes: 8, nouveaux: 7 });
    expect(i.repartitions.types.map((t) => [t.code, t.nombre, t.pourcentage])).toEqual([['individuel', 1, 11], ['collectif', 8, 89], ['ponctuel', 0, 0]]);
    expect(i.repartitions.genres.find((g) => g.code === 'masculin')).toMatchObject({ nombre: 4, pourcentage: 44, libelle: 'Masculin' });
    expect(i.series.mensuelle).toHaveLength(12);
    expect(i.series.mensuelle.at(-1)).toEqual({ mois: '2026-12', activites: 2, accompagnements: 9 });
    expect(i.series.quotidienne).toHaveLength(30);
    expect(i.series.quotidienne[0]!.jour).toBe('2026-11-04');
  });
  it('series: the 12 months and 30 days ending with au', () => {
    expect(moisDeSerie('2026-03-15')).toEqual(['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    expect(joursDeSerie('2026-03-01').slice(0, 2)).toEqual(['2026-01-31', '2026-02-01']);
  });
});
