/**
 * Issue 14 (the finder and the place page for a person): the « plus loin » cut, the count of near
 * places, the next opening when « open now » empties the list, the one-click links without a
 * filter, the chips of the active filters, and the place page's links, dates and hidden raw fields.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestContext } from '../platform/testing.js';
import { dateFrancaise, prochaineOuverture } from './horaires.js';
import { buildSnapshot, filtresActifs, indexPlusLoin, MoteurLieux, sansFiltre, type Resultat } from './recherche.js';
import type { LieuV1 } from './standard.js';
import { pourquoiVide, pucesFiltres, type RechercheForm } from './views/public.js';

const at = (...km: number[]): Resultat[] => km.map((d, i) => ({ lieu: { id: String(i) } as LieuV1, distanceKm: d }));

describe('indexPlusLoin: where the list stops being near', () => {
  it('cuts beyond 20 km', () => {
    expect(indexPlusLoin(at(0.37, 2, 52, 60))).toBe(2);
    expect(indexPlusLoin(at(1, 5, 12, 19.9))).toBe(4);
    expect(indexPlusLoin(at(1, 5, 19.9))).toBe(2); // 5 → 19.9 km is a jump
    expect(indexPlusLoin(at(25, 30))).toBe(0);
    expect(indexPlusLoin([])).toBe(0);
  });
  it('cuts at the first big jump, even under 20 km', () => {
    expect(indexPlusLoin(at(0.4, 1.2, 15, 16))).toBe(2); // 1.2 → 15 km
    expect(indexPlusLoin(at(8, 12, 18))).toBe(3); // steady: no jump
  });
});

describe('prochaineOuverture (Paris time)', () => {
  const H = 'Mo-Fr 08:30-12:00,13:30-17:00';
  it('tomorrow morning for a place closed tonight; null when it is open', () => {
    // Wednesday 15 January 2025, 21:00 in Paris
    expect(prochaineOuverture(H, new Date('2025-01-15T20:00:00Z'))?.texte).toBe('demain à 8 h 30');
    expect(prochaineOuverture(H, new Date('2025-01-15T09:00:00Z'))).toBeNull();
    // Friday evening → Monday
    expect(prochaineOuverture(H, new Date('2025-01-17T18:00:00Z'))?.texte).toBe('lundi à 8 h 30');
    expect(prochaineOuverture(null)).toBeNull();
    expect(prochaineOuverture('pas des horaires')).toBeNull();
  });
  it('dates in French words', () => {
    expect(dateFrancaise('2022-06-17')).toBe('17 juin 2022');
    expect(dateFrancaise('2026-04-01T10:00:00Z')).toBe('1er avril 2026');
    expect(dateFrancaise('')).toBeNull();
  });
});

function lieu(id: string, lat: number, lng: number, horaires: string | null, extra: Partial<LieuV1> = {}): LieuV1 {
  return {
    id,
    nom: id,
    commune: `Commune ${id}`,
    latitude: lat,
    longitude: lng,
    horaires,
    code_insee: null,
    services: ['Aide aux démarches administratives'],
    publics_specifiquement_adresses: [],
    prise_en_charge_specifique: [],
    frais_a_charge: ['Gratuit'],
    itinerance: ['Fixe'],
    ...extra,
  } as unknown as LieuV1;
}

describe('the engine: count near, next opening', () => {
  const m = new MoteurLieux(null as never, { pollMs: 0 });
  Object.assign(m as unknown as Record<string, unknown>, {
    snapshot: buildSnapshot(
      [
        lieu('pres-9h', 49.19, 6.9, 'Mo-Fr 09:00-17:00'),
        lieu('pres-8h30', 49.2, 6.91, 'Mo-Fr 08:30-12:00', { frais_a_charge: ['Payant'] }),
        lieu('loin-7h', 49.12, 6.18, 'Mo-Fr 07:00-12:00'), // Metz, ~ 53 km: not near, not a candidate while near ones exist
      ],
      't',
    ),
    dirty: false,
  });
  const WED_2100 = new Date('2025-01-15T20:00:00Z');
  it('counts within 20 km, with and without a filter', async () => {
    expect(await m.compter(49.19, 6.9, {}, 20)).toBe(2);
    expect(await m.compter(49.19, 6.9, { ouvert: true }, 20, 500, WED_2100)).toBe(0);
    expect(await m.compter(49.19, 6.9, { gratuit: true }, 20)).toBe(1);
    expect(await m.compter(49.19, 6.9, {}, 20, 1)).toBe(2); // capped: cap + 1
  });
  it('the earliest next opening near, among places passing the other filters', async () => {
    expect((await m.prochaineOuverture(49.19, 6.9, { ouvert: true }, WED_2100))).toMatchObject({ lieu: { id: 'pres-8h30' }, texte: 'demain à 8 h 30' });
    expect((await m.prochaineOuverture(49.19, 6.9, { ouvert: true, gratuit: true }, WED_2100))).toMatchObject({ lieu: { id: 'pres-9h' }, texte: 'demain à 9 h' });
  });
  it('filter groups', () => {
    expect(filtresActifs({ services: [], gratuit: true, ouvert: true })).toEqual(['gratuit', 'ouvert']);
    expect(sansFiltre({ gratuit: true, ouvert: true }, 'ouvert')).toEqual({ gratuit: true });
  });
});

const form = (g: Partial<RechercheForm> = {}): RechercheForm => ({ q: 'Forbach', commune: '', lat: '', lon: '', services: [], publics: [], pec: [], gratuit: false, ouvert: false, itinerance: '', ...g });

describe('chips and the reason of an empty list', () => {
  it('one chip per filter value, each a link without that one value', () => {
    const puces = pucesFiltres(form({ publics: ['Jeunes', 'Seniors'], ouvert: true }));
    expect(puces.map((p) => p.label)).toEqual(['Accueil : Jeunes', 'Accueil : Seniors', 'Ouvert maintenant']);
    const sansJeunes = new URL(puces[0]!.href, 'http://x').searchParams;
    expect(sansJeunes.getAll('publics')).toEqual(['Seniors']);
    expect(sansJeunes.get('ouvert')).toBe('1');
    expect(new URL(puces[2]!.href, 'http://x').searchParams.has('ouvert')).toBe(false);
  });
  it('says why in plain words', () => {
    expect(pourquoiVide(form({ ouvert: true }), 'Forbach')).toBe('Aucun lieu ouvert maintenant à moins de 20 km de Forbach');
    expect(pourquoiVide(form({ ouvert: true, gratuit: true }), 'Forbach')).toBe('Aucun lieu gratuit et ouvert maintenant à moins de 20 km de Forbach');
    expect(pourquoiVide(form({ publics: ['Femmes'] }), 'Forbach')).toBe('Aucun lieu à moins de 20 km de Forbach ne correspond à tous vos filtres');
  });
});

describe('the pages (demo data)', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());
  afterEach(() => vi.useRealTimers());

  it('/trouver?q=Forbach: « N lieux » near, the far ones under « Plus loin »', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/trouver?q=Forbach' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<strong>2 lieux<\/strong> à moins de 20 km/);
    const [near, far] = res.body.split('id="plus-loin-titre"');
    expect(near).toContain('La Turbine');
    expect(near).toContain('Behren-lès-Forbach');
    expect(far).toContain('Bibliothèque de Borny');
    expect(far).not.toContain('La Turbine');
  });

  it('« open now » at night: why, the next opening, and a link without that filter', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2025-01-15T20:00:00Z')); // Wednesday 21:00 in Paris: every demo place is closed
    const res = await t.app.inject({ method: 'GET', url: '/trouver?q=Forbach&ouvert=1' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Aucun lieu ouvert maintenant à moins de 20 km de Forbach');
    expect(res.body).toMatch(/Prochaine ouverture : demain à 9 h, <a href="\/lieux\/[^"]+">La Turbine – coworking de Forbach<\/a> à Forbach/);
    const link = /<a href="(\/trouver\?[^"]+)">Voir les 2 lieux à moins de 20 km sans le filtre « Ouvert maintenant »<\/a>/.exec(res.body);
    expect(link).not.toBeNull();
    const params = new URLSearchParams(link![1]!.replace(/&amp;/g, '&').split('?')[1]);
    expect(params.get('q')).toBe('Forbach');
    expect(params.has('ouvert')).toBe(false);
    // The chip removes it too, and the filters panel is collapsed
    expect(res.body).toMatch(/<details class="[^"]*cn-filtres" id="filtres">/);
    expect(res.body).toContain('Modifier les filtres (1 actif)');
  });

  it('the place page: links for a person, French dates, no raw or internal fields; the export keeps them', async () => {
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/lieux?commune=57463' })).json() as { lieux: { id: string; nom: string; source: string; horaires: string; date_maj: string }[] };
    const hdv = list.lieux.find((l) => l.nom.startsWith('Espace numérique'))!;
    const res = await t.app.inject({ method: 'GET', url: `/lieux/${hdv.id}` });
    expect(res.statusCode).toBe(200);
    const html = res.body.replace(/<script type="application\/ld\+json">.*?<\/script>/s, ''); // machine data (schema.org) keeps the hours
    expect(html).toMatch(/<a href="tel:\+33\d{9}">/);
    expect(html).toContain('https://www.openstreetmap.org/directions?route=%3B49.1196%2C');
    expect(html).not.toContain(hdv.horaires); // the raw OSM string
    expect(html).not.toContain('Mo-Fr');
    expect(html).not.toContain('Structure collectant la donnée');
    expect(html).not.toContain('SIRET');
    expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(html).toMatch(/Informations mises à jour le \d{1,2}(er)? [a-zéû]+ \d{4}/);
    expect(html).toContain('class="fr-mb-2w cn-adresse"');
    expect(html).not.toMatch(/<h2[^>]*>Horaires<\/h2>/);
    // The raw fields are still in the data export
    expect(hdv.source).toBeTruthy();
    expect(hdv.horaires).toContain('Mo-Fr');
    expect(hdv.date_maj).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
