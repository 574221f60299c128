/**
 * The search engine: every public place in memory, in a static k-d tree (kdbush) queried for
 * nearest neighbours on the sphere (geokdbush), with the enumerated fields as bit masks so that
 * filters cost a few integer operations per candidate. Never a scan of every row per request.
 *
 * Kept in step with the database: rebuilt (once, lazily, on the next search) after a write in this
 * process (notification from lieux.ts), and after another instance's write, seen by a short poll
 * of the table's signature (count + max(updated_at), both from indexes).
 */
import KDBush from 'kdbush';
import { around, distance } from 'geokdbush';
import type { Db } from '../platform/db.js';
import { lieuxSignature, onLieuxChanged, publicLieux, toV1 } from './lieux.js';
import { ENUMS, type EnumField, type LieuV1 } from './standard.js';
import { estOuvertA, parisWallClock, prochaineOuverture } from './horaires.js';

/** Search radius when only open places are wanted and none was given: at night few are, and the tree walk must stay bounded. */
export const RAYON_OUVERT_KM = 100;
/** The sphere of geokdbush. */
const EARTH_RADIUS_KM = 6371;

export interface Filtres {
  /** At least one of these services. */
  services?: string[];
  /** At least one of these publics. */
  publics?: string[];
  /** At least one of these specific supports. */
  priseEnCharge?: string[];
  gratuit?: boolean;
  ouvert?: boolean;
  itinerance?: 'Fixe' | 'Itinérant';
}

/** Beyond this distance a place is « plus loin » for a person (the finder groups them apart). */
export const SEUIL_PROCHE_KM = 20;
/** Counting the places near: stop there (« plus de 500 lieux »), the walk stays bounded in a city. */
export const COMPTE_MAX = 500;

/** The filters, one group at a time: what a person can remove in one click. */
export const CLES_FILTRES = ['services', 'publics', 'priseEnCharge', 'gratuit', 'ouvert', 'itinerance'] as const;
export type CleFiltre = (typeof CLES_FILTRES)[number];

/** The filter groups in use. */
export function filtresActifs(f: Filtres): CleFiltre[] {
  return CLES_FILTRES.filter((k) => {
    const v = f[k];
    return Array.isArray(v) ? v.length > 0 : !!v;
  });
}

/** The same filters without one group. */
export function sansFiltre(f: Filtres, cle: CleFiltre): Filtres {
  const out = { ...f };
  delete out[cle];
  return out;
}

/**
 * Where the list stops being « near »: the index of the first result beyond SEUIL_PROCHE_KM, or
 * of the first big jump in distance (more than 10 km further and over twice as far as the one
 * before it: 2 km then 15 km). The results are sorted by distance; `length` when all are near.
 */
export function indexPlusLoin(resultats: readonly Resultat[]): number {
  for (let i = 0; i < resultats.length; i++) {
    const d = resultats[i]!.distanceKm;
    if (d === null) continue;
    if (d > SEUIL_PROCHE_KM) return i;
    const prev = i > 0 ? resultats[i - 1]!.distanceKm : null;
    if (prev !== null && d - prev > 10 && d > 2 * prev) return i;
  }
  return resultats.length;
}

export interface ProchaineOuverture {
  lieu: LieuV1;
  distanceKm: number | null;
  /** « demain à 8 h 30 » */
  texte: string;
}

export interface Resultat {
  lieu: LieuV1;
  distanceKm: number | null;
}

const MASKED = ['services', 'publics_specifiquement_adresses', 'prise_en_charge_specifique', 'frais_a_charge', 'itinerance'] as const satisfies readonly EnumField[];

export function maskOf(field: EnumField, values: readonly string[]): number {
  let m = 0;
  const all = ENUMS[field] as readonly string[];
  for (const v of values) {
    const i = all.indexOf(v);
    if (i >= 0) m |= 1 << i;
  }
  return m;
}

interface Snapshot {
  lieux: LieuV1[];
  /** Position in `lieux` of each point of the tree. */
  points: Int32Array;
  tree: KDBush | null;
  masks: Record<(typeof MASKED)[number], Int32Array>;
  byId: Map<string, number>;
  byInsee: Map<string, number[]>;
  /** Index of each place's opening-hours string in `horairesDistincts` (-1: none). */
  horairesIdx: Int32Array;
  horairesDistincts: string[];
  /** Open states of the distinct strings for one Paris minute (0 unknown, 1 closed, 2 open), filled lazily. */
  ouvertCache: { minute: number; states: Uint8Array } | null;
  signature: string;
}

export class MoteurLieux {
  private snapshot: Snapshot | null = null;
  private dirty = true;
  private building: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Db,
    opts: { pollMs?: number } = {},
  ) {
    this.unsubscribe = onLieuxChanged((changed) => {
      if (changed === db) this.dirty = true;
    });
    const pollMs = opts.pollMs ?? 5_000;
    if (pollMs > 0) {
      this.timer = setInterval(() => void this.poll(), pollMs);
      this.timer.unref();
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe();
  }

  /** Another instance may have written: compare the table's signature with the snapshot's. */
  async poll(): Promise<void> {
    if (this.dirty || !this.snapshot) return;
    try {
      if ((await lieuxSignature(this.db)) !== this.snapshot.signature) this.dirty = true;
    } catch {
      /* database closing: the next search retries */
    }
  }

  /** The current snapshot, rebuilt first when a change was notified. */
  async ready(): Promise<Snapshot> {
    while (this.dirty || !this.snapshot) {
      if (!this.building) {
        this.dirty = false;
        this.building = this.build().finally(() => (this.building = null));
      }
      await this.building;
    }
    return this.snapshot;
  }

  private async build(): Promise<void> {
    try {
      const signature = await lieuxSignature(this.db);
      const rows = await publicLieux(this.db);
      this.snapshot = buildSnapshot(rows.map(toV1), signature);
    } catch (e) {
      this.dirty = true;
      throw e;
    }
  }

  /** Number of public places in the index. */
  async size(): Promise<number> {
    return (await this.ready()).lieux.length;
  }

  async get(id: string): Promise<LieuV1 | undefined> {
    const s = await this.ready();
    const i = s.byId.get(id);
    return i === undefined ? undefined : s.lieux[i];
  }

  /** Public places of a commune (INSEE code). */
  async ofCommune(insee: string): Promise<LieuV1[]> {
    const s = await this.ready();
    return (s.byInsee.get(insee) ?? []).map((i) => s.lieux[i]!);
  }

  /** Nearest places to (lat, lng) that pass the filters, nearest first. */
  async nearest(lat: number, lng: number, f: Filtres, limit: number, maxKm?: number, now = new Date()): Promise<Resultat[]> {
    return nearestIn(await this.ready(), lat, lng, f, limit, maxKm, now);
  }

  /** How many places pass the filters within `maxKm` of (lat, lng), counted up to `cap` (then `cap + 1`). */
  async compter(lat: number, lng: number, f: Filtres, maxKm: number, cap = COMPTE_MAX, now = new Date()): Promise<number> {
    return nearestIn(await this.ready(), lat, lng, f, cap + 1, maxKm, now).length;
  }

  /**
   * When « open now » leaves nothing near: the earliest next opening among the places that pass
   * the other filters (the near ones, or the nearest ones when none is near), ties to the nearest.
   */
  async prochaineOuverture(lat: number, lng: number, f: Filtres, now = new Date()): Promise<ProchaineOuverture | null> {
    const s = await this.ready();
    const autres = sansFiltre(f, 'ouvert');
    let candidats = nearestIn(s, lat, lng, autres, 50, SEUIL_PROCHE_KM, now);
    if (!candidats.length) candidats = nearestIn(s, lat, lng, autres, 20, RAYON_OUVERT_KM, now);
    let best: (ProchaineOuverture & { at: number }) | null = null;
    for (const r of candidats) {
      const p = prochaineOuverture(r.lieu.horaires, now);
      if (p && (!best || p.wall.getTime() < best.at)) best = { lieu: r.lieu, distanceKm: r.distanceKm, texte: p.texte, at: p.wall.getTime() };
    }
    return best && { lieu: best.lieu, distanceKm: best.distanceKm, texte: best.texte };
  }

  /** The same, synchronously, on the current snapshot (benchmarks). */
  nearestSync(lat: number, lng: number, f: Filtres, limit: number, maxKm?: number, now = new Date()): Resultat[] {
    if (!this.snapshot) throw new Error('index non construit');
    return nearestIn(this.snapshot, lat, lng, f, limit, maxKm, now);
  }

  /** Filters a list of places (commune mode) and sorts it by distance to the origin. */
  async filterAndSort(list: LieuV1[], f: Filtres, origin: { lat: number; lng: number } | null, now = new Date()): Promise<Resultat[]> {
    const s = await this.ready();
    const pass = predicate(s, f, now);
    return list
      .filter((l) => pass(s.byId.get(l.id) ?? -1))
      .map((l) => ({
        lieu: l,
        distanceKm: origin && l.latitude !== null && l.longitude !== null ? distance(origin.lng, origin.lat, l.longitude, l.latitude) : null,
      }))
      .sort((a, b) => (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) || a.lieu.nom.localeCompare(b.lieu.nom, 'fr'));
  }
}

export function buildSnapshot(lieux: LieuV1[], signature: string): Snapshot {
  const located = lieux.map((l, i) => i).filter((i) => lieux[i]!.latitude !== null && lieux[i]!.longitude !== null);
  let tree: KDBush | null = null;
  if (located.length) {
    tree = new KDBush(located.length);
    for (const i of located) tree.add(lieux[i]!.longitude!, lieux[i]!.latitude!);
    tree.finish();
  }
  const masks = Object.fromEntries(MASKED.map((f) => [f, Int32Array.from(lieux, (l) => maskOf(f, l[f]))])) as Snapshot['masks'];
  const byInsee = new Map<string, number[]>();
  lieux.forEach((l, i) => {
    if (!l.code_insee) return;
    const list = byInsee.get(l.code_insee);
    if (list) list.push(i);
    else byInsee.set(l.code_insee, [i]);
  });
  const distinct = new Map<string, number>();
  const horairesIdx = Int32Array.from(lieux, (l) => {
    if (!l.horaires) return -1;
    let k = distinct.get(l.horaires);
    if (k === undefined) distinct.set(l.horaires, (k = distinct.size));
    return k;
  });
  return {
    lieux,
    points: Int32Array.from(located),
    tree,
    masks,
    byId: new Map(lieux.map((l, i) => [l.id, i])),
    byInsee,
    horairesIdx,
    horairesDistincts: [...distinct.keys()],
    ouvertCache: null,
    signature,
  };
}

/**
 * "Open now" for place i: the Paris wall clock is computed once per request, and each distinct
 * opening-hours string is evaluated at most once per snapshot and Paris minute (OSM hours have
 * minute resolution), so a night search that walks many closed places costs array reads.
 */
function ouvertMaintenant(s: Snapshot, now: Date): (i: number) => boolean {
  const wall = parisWallClock(now);
  wall.setSeconds(0, 0);
  const minute = wall.getTime();
  if (s.ouvertCache?.minute !== minute) s.ouvertCache = { minute, states: new Uint8Array(s.horairesDistincts.length) };
  const { states } = s.ouvertCache;
  return (i) => {
    const k = s.horairesIdx[i]!;
    if (k < 0) return false;
    let st = states[k]!;
    if (st === 0) states[k] = st = estOuvertA(s.horairesDistincts[k], wall) ? 2 : 1;
    return st === 2;
  };
}

function predicate(s: Snapshot, f: Filtres, now: Date): (i: number) => boolean {
  const services = maskOf('services', f.services ?? []);
  const publics = maskOf('publics_specifiquement_adresses', f.publics ?? []);
  const pec = maskOf('prise_en_charge_specifique', f.priseEnCharge ?? []);
  const gratuit = f.gratuit ? maskOf('frais_a_charge', ['Gratuit']) : 0;
  const itin = f.itinerance ? maskOf('itinerance', [f.itinerance]) : 0;
  const m = s.masks;
  const ouvert = f.ouvert ? ouvertMaintenant(s, now) : null;
  return (i) =>
    i >= 0 &&
    (!services || (m.services[i]! & services) !== 0) &&
    (!publics || (m.publics_specifiquement_adresses[i]! & publics) !== 0) &&
    (!pec || (m.prise_en_charge_specifique[i]! & pec) !== 0) &&
    (!gratuit || (m.frais_a_charge[i]! & gratuit) !== 0) &&
    (!itin || (m.itinerance[i]! & itin) !== 0) &&
    (!ouvert || ouvert(i));
}

function nearestIn(s: Snapshot, lat: number, lng: number, f: Filtres, limit: number, maxKm: number | undefined, now: Date): Resultat[] {
  if (!s.tree) return [];
  const pass = predicate(s, f, now);
  const radius = maxKm ?? (f.ouvert ? RAYON_OUVERT_KM : Infinity);
  let test = (p: number) => pass(s.points[p]!);
  if (Number.isFinite(radius)) {
    // geokdbush stops at the first *queued point* beyond the radius, but only points that pass the
    // predicate are queued: when none does (open now, at night), it would walk the whole tree. So a
    // point outside a box that holds the whole circle (certainly beyond the radius) is let through:
    // it is never returned, the walk stops on it. Two comparisons per point, no trigonometry.
    const ang = (radius * (1 + 1e-9)) / EARTH_RADIUS_KM; // the radius as an angle (radians)
    const dLat = (ang * 180) / Math.PI;
    // hav(d) ≥ cos φ1 · cos φ2 · hav(Δλ), and both |φ| are at most |lat| + dLat inside the box.
    const cosMin = Math.cos((Math.min(90, Math.abs(lat) + dLat) * Math.PI) / 180);
    const ratio = cosMin > 0 ? Math.sin(ang / 2) / cosMin : Infinity;
    const dLng = ratio >= 1 ? Infinity : (2 * Math.asin(ratio) * 180) / Math.PI;
    test = (p) => {
      const l = s.lieux[s.points[p]!]!;
      let dx = Math.abs(l.longitude! - lng);
      if (dx > 180) dx = 360 - dx;
      if (Math.abs(l.latitude! - lat) > dLat || dx > dLng) return true;
      return pass(s.points[p]!);
    };
  }
  const ids = around(s.tree, lng, lat, limit, radius, test);
  return ids.map((p) => {
    const l = s.lieux[s.points[p]!]!;
    return { lieu: l, distanceKm: distance(lng, lat, l.longitude!, l.latitude!) };
  });
}
