import { describe, it, expect } from 'vitest';
import { CENTRES_DEPARTEMENTS } from './centres-departements.js';
import {
  commune,
  communesOfDepartement,
  departement,
  departements,
  distanceKm,
  normaliseName,
  region,
  regions,
  searchCommunes,
  setCommuneCentres,
  trouverCommune,
  lireCommune,
  resoudreCommune,
} from './territoires.js';

const codes = (q: string, limit?: number) => searchCommunes(q, limit).map((c) => c.insee);

describe('référentiel', () => {
  it('has the 101 départements, each in a known région and with an approximate centre', () => {
    expect(departements()).toHaveLength(101);
    expect(regions()).toHaveLength(18);
    for (const d of departements()) {
      expect(region(d.region), d.code).toBeDefined();
      const centre = CENTRES_DEPARTEMENTS[d.code];
      expect(centre, d.code).toBeDefined();
      const first = communesOfDepartement(d.code)[0]!;
      expect(first.centreApproximatif).toBe(true);
      expect([first.lat, first.lng]).toEqual(centre);
    }
    expect(departement('2a')?.nom).toBe('Corse-du-Sud');
    expect(departement('975')).toBeUndefined();
  });

  it('looks communes up by INSEE code and département', () => {
    expect(commune('57058')).toMatchObject({ nom: 'Behren-lès-Forbach', departement: '57', region: '44', codesPostaux: ['57460'] });
    expect(commune('75101')?.communeParente).toBe('75056');
    const moselle = communesOfDepartement('57');
    expect(moselle.length).toBeGreaterThan(700);
    expect(moselle.every((c) => c.departement === '57')).toBe(true);
    expect(communesOfDepartement('00')).toEqual([]);
  });

  it('normalises names', () => {
    expect(normaliseName("  L'Haÿ-les-Roses ")).toBe('l hay les roses');
    expect(normaliseName('Saint-Étienne')).toBe('saint etienne');
    expect(normaliseName('St-Étienne-du-Rouvray')).toBe('saint etienne du rouvray');
    expect(normaliseName('Œuilly')).toBe('oeuilly');
  });
});

describe('searchCommunes', () => {
  it('ranks exact, then prefix, then word matches, by population', () => {
    expect(codes('behren')[0]).toBe('57058');
    expect(codes('saint etienne')[0]).toBe('42218');
    expect(codes('Saint-Étienne', 3)).toHaveLength(3);
    expect(codes('paris')[0]).toBe('75056');
    expect(codes('marseille', 2)).toEqual(['13055', '13213']);
    const forbach = codes('forbach', 50);
    expect(forbach[0]).toBe('57227');
    expect(forbach.indexOf('57058')).toBeGreaterThan(0);
    const saint = searchCommunes('saint', 30);
    expect(saint).toHaveLength(30);
    expect(saint.every((c) => normaliseName(c.nom).startsWith('saint'))).toBe(true);
    expect(saint.map((c) => c.population)).toEqual(saint.map((c) => c.population).sort((a, b) => b - a));
  });

  it('ignores accents, case, hyphens and apostrophes', () => {
    expect(codes('BEHREN LES forbach')[0]).toBe('57058');
    expect(codes('behren-lès-forbach')[0]).toBe('57058');
    expect(codes('st etienne')[0]).toBe('42218');
    expect(searchCommunes('l hay les roses')[0]?.nom).toBe("L'Haÿ-les-Roses");
    expect(searchCommunes('forbach').map((c) => c.nom)).toContain('Behren-lès-Forbach');
  });

  it('finds every commune of a postcode, and communes by INSEE code', () => {
    const forbach = searchCommunes('57600');
    expect(forbach[0]?.nom).toBe('Forbach');
    expect(forbach.length).toBeGreaterThan(1);
    expect(forbach.every((c) => c.codesPostaux.includes('57600'))).toBe(true);
    expect(codes('57058')).toEqual(['57058']);
    expect(codes('2A004')).toEqual(['2A004']);
    expect(codes('2b033')).toEqual(['2B033']);
    expect(codes('75001')).toEqual(['75056', '75101']);
  });

  it('returns nothing for empty or unknown queries', () => {
    expect(searchCommunes('')).toEqual([]);
    expect(searchCommunes("  - ' ")).toEqual([]);
    expect(searchCommunes('zzxqwv')).toEqual([]);
    expect(searchCommunes('99999')).toEqual([]);
    expect(searchCommunes('2A999')).toEqual([]);
  });
});

describe('trouverCommune: what a person types for a commune', () => {
  const found = (q: string, cp?: string) => {
    const r = trouverCommune(q, cp);
    return r.ok ? r.commune.insee : null;
  };
  it('takes a name whatever its accents and case, a name with its département, an INSEE code', () => {
    expect(found('forbach')).toBe('57227');
    expect(found('BEHREN LES FORBACH')).toBe('57058');
    expect(found('Forbach (57)')).toBe('57227');
    expect(found('57463')).toBe('57463');
    expect(found('2a004')).toBe('2A004');
  });
  it('offers the communes of a shared name or postcode, the most populated first for a postcode', () => {
    const r = trouverCommune('Saint-Martin');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/Plusieurs communes s'appellent Saint-Martin/);
    expect(r.choix.length).toBeGreaterThan(1);
    expect(r.choix.every((c) => c.nom === 'Saint-Martin')).toBe(true);
    const cp = trouverCommune('57600');
    expect(!cp.ok && cp.choix[0]!.nom).toBe('Forbach');
    // 57600 is also Roussy-le-Village's INSEE code: offered last
    expect(!cp.ok && cp.choix[cp.choix.length - 1]!.nom).toBe('Roussy-le-Village');
    // the département or a postcode narrows a shared name
    const dep = r.choix[0]!.departement;
    expect(found(`Saint-Martin (${dep})`)).toBe(r.choix[0]!.insee);
  });
  it('says when nothing matches, and offers near names when the name is not exact', () => {
    const none = trouverCommune('Zzzzyx');
    expect(none).toEqual({ ok: false, error: expect.stringMatching(/Aucune commune ne s'appelle « Zzzzyx »/), choix: [] });
    const near = trouverCommune('Forba');
    expect(!near.ok && near.choix.map((c) => c.nom)).toContain('Forbach');
    expect(trouverCommune('   ')).toMatchObject({ ok: false, choix: [] });
  });
  it('keeps a code picked for the text in the field, not for another text', () => {
    expect(lireCommune('Metz (57)', '57463', 'Metz (57)')).toMatchObject({ ok: true, commune: { insee: '57463' } });
    expect(lireCommune('Forbach', '57463', 'Metz (57)')).toMatchObject({ ok: true, commune: { insee: '57227' } });
    expect(resoudreCommune('Saint-Martin')).toEqual({ error: expect.stringMatching(/code INSEE/) });
  });
});

describe('centres', () => {
  it('computes distances', () => {
    const km = distanceKm({ lat: 48.86, lng: 2.35 }, { lat: 43.3, lng: 5.37 });
    expect(Math.abs(km - 660)).toBeLessThan(15);
    expect(distanceKm({ lat: 45, lng: 5 }, { lat: 45, lng: 5 })).toBe(0);
  });

  it('overrides the approximate centre with an imported one', () => {
    expect(commune('57058')).toMatchObject({ lat: 49.12, lng: 6.18, centreApproximatif: true });
    setCommuneCentres([{ insee: '57058', lat: 49.167, lng: 6.945 }, { insee: '00000', lat: 1, lng: 1 }]);
    expect(commune('57058')).toMatchObject({ lat: 49.167, lng: 6.945, centreApproximatif: false });
  });
});
