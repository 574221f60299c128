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
import { estOuvert } from './horaires.js';

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
  return { lieux, points: Int32Array.from(located), tree, masks, byId: new Map(lieux.map((l, i) => [l.id, i])), byInsee, signature };
}

function predicate(s: Snapshot, f: Filtres, now: Date): (i: number) => boolean {
  const services = maskOf('services', f.services ?? []);
  const publics = maskOf('publics_specifiquement_adresses', f.publics ?? []);
  const pec = maskOf('prise_en_charge_specifique', f.priseEnCharge ?? []);
  const gratuit = f.gratuit ? maskOf('frais_a_charge', ['Gratuit']) : 0;
  const itin = f.itinerance ? maskOf('itinerance', [f.itinerance]) : 0;
  const m = s.masks;
  return (i) =>
    i >= 0 &&
    (!services || (m.services[i]! & services) !== 0) &&
    (!publics || (m.publics_specifiquement_adresses[i]! & publics) !== 0) &&
    (!pec || (m.prise_en_charge_specifique[i]! & pec) !== 0) &&
    (!gratuit || (m.frais_a_charge[i]! & gratuit) !== 0) &&
    (!itin || (m.itinerance[i]! & itin) !== 0) &&
    (!f.ouvert || estOuvert(s.lieux[i]!.horaires, now));
}

function nearestIn(s: Snapshot, lat: number, lng: number, f: Filtres, limit: number, maxKm: number | undefined, now: Date): Resultat[] {
  if (!s.tree) return [];
  const pass = predicate(s, f, now);
  const ids = around(s.tree, lng, lat, limit, maxKm ?? Infinity, (p) => pass(s.points[p]!));
  return ids.map((p) => {
    const l = s.lieux[s.points[p]!]!;
    return { lieu: l, distanceKm: distance(lng, lat, l.longitude!, l.latitude!) };
  });
}
