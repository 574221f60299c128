/**
 * Coverage gaps (issue point 6): for every commune of a département (its centre and population, from
 * src/territoires), the distance to the nearest public place where conseillers numériques are present,
 * found in the places context's spatial index (MoteurLieux, k-d tree: a few nearest-neighbour queries per
 * commune, never a communes × places scan); the population beyond 5, 10 and 20 km; the communes furthest
 * away weighted by population. Kept per département for the index's snapshot: recomputed once the places
 * change (the index rebuilds on every change and follows other instances' by their signature).
 */
import { around, distance } from 'geokdbush';
import type { MoteurLieux } from '../lieux/recherche.js';
import { boundedCache } from '../platform/cache.js';
import { communesOfDepartement } from '../territoires/territoires.js';

export const SEUILS_KM = [5, 10, 20] as const;
/** Beyond this distance no place is searched: the commune is « à plus de 100 km ». */
export const RAYON_MAX_KM = 100;
const PROGRAMME = 'Conseillers numériques';

export interface CommuneCouverture {
  insee: string;
  nom: string;
  population: number;
  /** Kilometres to the nearest place with conseillers, one decimal; null beyond RAYON_MAX_KM. */
  distance_km: number | null;
  lat: number;
  lng: number;
}

export interface Couverture {
  communes: CommuneCouverture[];
  population_au_dela_km: Record<'5' | '10' | '20', number>;
  population: number;
}

/** Population living further than each threshold (no place within 100 km counts as beyond all). */
export function populationAuDela(communes: readonly Pick<CommuneCouverture, 'population' | 'distance_km'>[]): Record<'5' | '10' | '20', number> {
  const out = { '5': 0, '10': 0, '20': 0 };
  for (const c of communes) for (const s of SEUILS_KM) if (c.distance_km === null || c.distance_km > s) out[String(s) as '5'] += c.population;
  return out;
}

/** The communes furthest from help weighted by population (population × km, none within 100 km first). */
export function plusEloignees<T extends Pick<CommuneCouverture, 'population' | 'distance_km' | 'nom'>>(communes: readonly T[], n = 20): T[] {
  const poids = (c: T) => (c.distance_km === null ? Infinity : c.population * c.distance_km);
  return [...communes].filter((c) => c.distance_km === null || c.distance_km > 0).sort((a, b) => poids(b) - poids(a) || b.population - a.population || a.nom.localeCompare(b.nom, 'fr')).slice(0, n);
}

const cache = boundedCache<string, Couverture>({ name: 'statistiques.couverture', max: 200, ttlMs: 3_600_000 });

type Snapshot = Awaited<ReturnType<MoteurLieux['ready']>>;

/** Which points of a snapshot's k-d tree are places with conseillers (1) or not (0). */
export function drapeaux(s: Snapshot): Uint8Array {
  return Uint8Array.from(s.points, (i) => (s.lieux[i]!.dispositif_programmes_nationaux.includes(PROGRAMME) ? 1 : 0));
}

const RAYON_TERRE_KM = 6371;

/**
 * The distance (km) from (lat, lng) to the nearest place with conseillers within RAYON_MAX_KM, or null:
 * one nearest-neighbour walk of the tree. A point outside a box holding the whole circle passes the
 * test so that the walk stops there when no place qualifies (the same guard as the finder's).
 */
export function plusProche(s: Snapshot, lat: number, lng: number, cn: Uint8Array = drapeaux(s)): number | null {
  if (!s.tree) return null;
  const ang = (RAYON_MAX_KM * (1 + 1e-9)) / RAYON_TERRE_KM;
  const dLat = (ang * 180) / Math.PI;
  const cosMin = Math.cos((Math.min(90, Math.abs(lat) + dLat) * Math.PI) / 180);
  const ratio = cosMin > 0 ? Math.sin(ang / 2) / cosMin : Infinity;
  const dLng = ratio >= 1 ? Infinity : (2 * Math.asin(ratio) * 180) / Math.PI;
  const ids = around(s.tree, lng, lat, 1, RAYON_MAX_KM, (p: number) => {
    const l = s.lieux[s.points[p]!]!;
    let dx = Math.abs(l.longitude! - lng);
    if (dx > 180) dx = 360 - dx;
    if (Math.abs(l.latitude! - lat) > dLat || dx > dLng) return true;
    return cn[p] === 1;
  });
  if (!ids.length) return null;
  const l = s.lieux[s.points[ids[0]!]!]!;
  if (cn[ids[0]!] !== 1) return null;
  const d = distance(lng, lat, l.longitude!, l.latitude!);
  return d > RAYON_MAX_KM ? null : Math.round(d * 10) / 10;
}

export async function couvertureDepartement(moteur: MoteurLieux, departement: string): Promise<Couverture> {
  const snapshot = await moteur.ready();
  const key = `${departement}|${snapshot.signature}|${snapshot.lieux.length}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const communes: CommuneCouverture[] = [];
  const cn = drapeaux(snapshot);
  for (const c of communesOfDepartement(departement)) {
    if (c.communeParente) continue; // arrondissements: their commune is counted
    communes.push({ insee: c.insee, nom: c.nom, population: c.population, distance_km: plusProche(snapshot, c.lat, c.lng, cn), lat: c.lat, lng: c.lng });
  }
  const out: Couverture = { communes, population_au_dela_km: populationAuDela(communes), population: communes.reduce((a, c) => a + c.population, 0) };
  cache.set(key, out);
  return out;
}
