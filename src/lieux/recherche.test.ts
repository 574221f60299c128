import { describe, expect, it } from 'vitest';
import { buildSnapshot, MoteurLieux, RAYON_OUVERT_KM } from './recherche.js';
import type { LieuV1 } from './standard.js';

function lieu(id: string, lat: number, lng: number, horaires: string | null): LieuV1 {
  return {
    id,
    nom: id,
    latitude: lat,
    longitude: lng,
    horaires,
    code_insee: null,
    services: ['Aide aux démarches administratives'],
    publics_specifiquement_adresses: [],
    prise_en_charge_specifique: [],
    frais_a_charge: ['Gratuit'],
    itinerance: ['Fixe'],
  } as unknown as LieuV1;
}

function moteurOf(lieux: LieuV1[]): MoteurLieux {
  const m = new MoteurLieux(null as never, { pollMs: 0 });
  Object.assign(m as unknown as Record<string, unknown>, { snapshot: buildSnapshot(lieux, 'test'), dirty: false });
  return m;
}

const METZ = { lat: 49.1193, lng: 6.1757 };
const SUNDAY_2330 = new Date('2025-01-19T22:30:00Z'); // Sunday 19 January 2025, 23:30 in Paris
const MONDAY_1000 = new Date('2025-01-20T09:00:00Z'); // Monday, 10:00 in Paris

describe('"open now" in the search engine', () => {
  const m = moteurOf([
    lieu('toujours', 49.12, 6.18, 'Mo-Su 00:00-24:00'),
    lieu('semaine', 49.121, 6.181, 'Mo-Fr 09:00-17:00'),
    lieu('semaine-bis', 49.122, 6.182, 'Mo-Fr 09:00-17:00'),
    lieu('sans-horaires', 49.123, 6.183, null),
    lieu('paris', 48.8566, 2.3522, '24/7'), // 280 km away
  ]);
  const ids = (at: Date, maxKm?: number) => m.nearestSync(METZ.lat, METZ.lng, { ouvert: true }, 10, maxKm, at).map((r) => r.lieu.id);

  it('keeps only the places open at that Paris minute, the state of each hours string evaluated afresh each minute', () => {
    expect(ids(SUNDAY_2330)).toEqual(['toujours']);
    expect(ids(MONDAY_1000)).toEqual(['toujours', 'semaine', 'semaine-bis']);
    expect(ids(new Date(MONDAY_1000.getTime() + 8 * 3_600_000))).toEqual(['toujours']); // 18:00
    expect(ids(SUNDAY_2330)).toEqual(['toujours']);
  });

  it(`bounds the search to ${RAYON_OUVERT_KM} km unless a radius is given`, () => {
    expect(ids(SUNDAY_2330)).not.toContain('paris');
    expect(ids(SUNDAY_2330, 500)).toEqual(['toujours', 'paris']);
    // Places beyond the radius let through the walk are never returned, even when nothing inside passes.
    expect(m.nearestSync(METZ.lat, METZ.lng, { ouvert: true, services: ['Insertion professionnelle via le numérique'] }, 10, undefined, MONDAY_1000)).toEqual([]);
    expect(m.nearestSync(METZ.lat, METZ.lng, { services: ['Insertion professionnelle via le numérique'] }, 10, 500, MONDAY_1000)).toEqual([]);
    expect(m.nearestSync(METZ.lat, METZ.lng, {}, 10, 1, MONDAY_1000).map((r) => r.lieu.id)).toEqual(['toujours', 'semaine', 'semaine-bis', 'sans-horaires']);
    // Without the open filter, no bound.
    expect(m.nearestSync(METZ.lat, METZ.lng, {}, 10, undefined, SUNDAY_2330).map((r) => r.lieu.id)).toContain('paris');
  });
});
