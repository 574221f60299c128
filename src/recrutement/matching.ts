/**
 * Matching, incremental: a candidate who applies or changes is paired at once with the validated
 * structures around them (an in-memory k-d tree of structures), and a structure that is validated or
 * changes is paired with the candidates around it (one k-d tree per maximum distance, so a structure
 * queries each tree with that tree's radius). No nightly batch, no scan of the other side.
 *
 * The trees are per process and follow the tables: before each use, the rows changed since the last
 * look (updated_at, with an overlap for transactions that commit late) are merged in, and the tree is
 * rebuilt only when something changed. Any instance therefore matches against current data.
 */
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { and, eq, gte, sql } from 'drizzle-orm';
import { rowsOf } from '../platform/db.js';
import type { Db } from '../platform/db.js';
import { candidats, misesEnRelation, structuresRecrutement } from './schema.js';
import { apparier, DISTANCES_KM, type PointCandidat, type PointStructure } from './regles.js';

/** Transactions may commit a little after their updated_at: look back that far. */
const OVERLAP_MS = 60_000;

interface Tree<T> {
  items: T[];
  tree: KDBush | null;
}

function build<T extends { lat: number; lng: number }>(items: T[]): Tree<T> {
  if (items.length === 0) return { items, tree: null };
  const tree = new KDBush(items.length);
  for (const i of items) tree.add(i.lng, i.lat);
  tree.finish();
  return { items, tree };
}

interface StructurePoint extends PointStructure {
  id: string;
  aPourvoir: number;
}
interface CandidatPoint extends PointCandidat {
  id: string;
}

/**
 * Loads, then follows, one table's rows by their updated_at. The watermark is the database's clock at
 * the previous look (not the newest updated_at seen): rows a mass update stamped at one instant are
 * read again only during the overlap that follows, never for ever.
 */
class Follower<T extends { id: string }> {
  private readonly rows = new Map<string, T>();
  private seen: Date | null = null;
  private dirty = true;

  constructor(private readonly load: (db: Db, since: Date | null) => Promise<{ row: T | null; id: string }[]>) {}

  async refresh(db: Db): Promise<boolean> {
    const since = this.seen ? new Date(this.seen.getTime() - OVERLAP_MS) : null;
    const [clock] = rowsOf<{ now: string | Date }>(await db.execute(sql`select clock_timestamp() as now`));
    const changed = await this.load(db, since);
    for (const c of changed) {
      const prev = this.rows.get(c.id);
      if (c.row) {
        if (!prev || JSON.stringify(prev) !== JSON.stringify(c.row)) {
          this.rows.set(c.id, c.row);
          this.dirty = true;
        }
      } else if (prev) {
        this.rows.delete(c.id);
        this.dirty = true;
      }
    }
    if (clock) this.seen = new Date(clock.now);
    const was = this.dirty;
    this.dirty = false;
    return was;
  }

  values(): T[] {
    return [...this.rows.values()];
  }

  get size(): number {
    return this.rows.size;
  }
}

export class Appariement {
  private readonly structures = new Follower<StructurePoint>(async (db, since) => {
    const rows = await db
      .select()
      .from(structuresRecrutement)
      .where(since ? gte(structuresRecrutement.updatedAt, since) : undefined);
    return rows.map((r) => ({
      id: r.structureId,
      row: r.postes - r.occupes > 0 ? { id: r.structureId, lat: r.lat, lng: r.lng, departement: r.departement, dateDebut: r.dateDebut, aPourvoir: r.postes - r.occupes } : null,
    }));
  });

  private readonly candidats = new Follower<CandidatPoint>(async (db, since) => {
    const rows = await db
      .select({ id: candidats.id, lat: candidats.lat, lng: candidats.lng, departement: candidats.departement, distanceMaxKm: candidats.distanceMaxKm, dateDisponibilite: candidats.dateDisponibilite, statut: candidats.statut })
      .from(candidats)
      .where(since ? gte(candidats.updatedAt, since) : undefined);
    return rows.map((r) => ({ id: r.id, row: r.statut === 'disponible' ? { id: r.id, lat: r.lat, lng: r.lng, departement: r.departement, distanceMaxKm: r.distanceMaxKm, dateDisponibilite: r.dateDisponibilite } : null }));
  });

  private structureTree: Tree<StructurePoint> = { items: [], tree: null };
  private candidatTrees = new Map<number, Tree<CandidatPoint>>();

  private async structuresIndex(db: Db): Promise<Tree<StructurePoint>> {
    if (await this.structures.refresh(db)) this.structureTree = build(this.structures.values());
    return this.structureTree;
  }

  private async candidatsIndex(db: Db): Promise<Map<number, Tree<CandidatPoint>>> {
    if (await this.candidats.refresh(db)) {
      const byDistance = new Map<number, CandidatPoint[]>(DISTANCES_KM.map((d) => [d, []]));
      for (const c of this.candidats.values()) byDistance.get(c.distanceMaxKm)?.push(c);
      this.candidatTrees = new Map([...byDistance].map(([d, items]) => [d, build(items)]));
    }
    return this.candidatTrees;
  }

  /** The structures a candidate pairs with, and the distance in metres. */
  async structuresPour(db: Db, c: PointCandidat, today: string): Promise<Map<string, number>> {
    const idx = await this.structuresIndex(db);
    const out = new Map<string, number>();
    if (!idx.tree) return out;
    for (const i of around(idx.tree, c.lng, c.lat, Infinity, c.distanceMaxKm) as number[]) {
      const s = idx.items[i]!;
      const m = apparier(c, s, today);
      if (m !== null) out.set(s.id, m);
    }
    return out;
  }

  /** The candidates a structure pairs with, and the distance in metres. */
  async candidatsPour(db: Db, s: PointStructure, today: string): Promise<Map<string, number>> {
    const trees = await this.candidatsIndex(db);
    const out = new Map<string, number>();
    for (const [km, t] of trees) {
      if (!t.tree) continue;
      for (const i of around(t.tree, s.lng, s.lat, Infinity, km) as number[]) {
        const c = t.items[i]!;
        const m = apparier(c, s, today);
        if (m !== null) out.set(c.id, m);
      }
    }
    return out;
  }

  /** How many points each side holds (benchmarks, admin). */
  sizes(): { structures: number; candidats: number } {
    return { structures: this.structures.size, candidats: this.candidats.size };
  }
}

/**
 * Writes one side's pairs: new pairs are `nouvelle`; pairs still `nouvelle` that no longer match are
 * removed; pairs a person already acted on (interested, recruited…) are kept whatever happens.
 */
export async function ecrirePaires(tx: Db, side: { candidatId: string } | { structureId: string }, paires: Map<string, number>): Promise<{ ajoutees: number; retirees: number }> {
  const isCandidat = 'candidatId' in side;
  const own = isCandidat ? eq(misesEnRelation.candidatId, side.candidatId) : eq(misesEnRelation.structureId, side.structureId);
  const other = isCandidat ? misesEnRelation.structureId : misesEnRelation.candidatId;
  const keep = [...paires.keys()];
  const removed = await tx
    .delete(misesEnRelation)
    // One array parameter, whatever the number of pairs kept (a list of binds stops at 65,535).
    .where(and(own, eq(misesEnRelation.statut, 'nouvelle'), keep.length ? sql`${other} <> all(${`{${keep.join(',')}}`}::uuid[])` : undefined))
    .returning({ id: misesEnRelation.id });
  let added = 0;
  const entries = [...paires];
  for (let i = 0; i < entries.length; i += 1000) {
    const slice = entries.slice(i, i + 1000);
    const rows = await tx
      .insert(misesEnRelation)
      .values(
        slice.map(([otherId, m]) => ({
          candidatId: isCandidat ? side.candidatId : otherId,
          structureId: isCandidat ? otherId : side.structureId,
          distanceM: m,
        })),
      )
      .onConflictDoUpdate({ target: [misesEnRelation.candidatId, misesEnRelation.structureId], set: { distanceM: sql`excluded.distance_m` }, where: eq(misesEnRelation.statut, 'nouvelle') })
      .returning({ id: misesEnRelation.id, created: sql<boolean>`(xmax = 0)` });
    added += rows.filter((r) => r.created).length;
  }
  return { ajoutees: added, retirees: removed.length };
}

/** Pairs a candidate's side; a candidate who is not available keeps only the pairs acted upon. */
export async function apparierCandidat(tx: Db, appariement: Appariement, candidatId: string, today: string): Promise<{ ajoutees: number; retirees: number }> {
  const [c] = await tx.select().from(candidats).where(eq(candidats.id, candidatId));
  if (!c) return { ajoutees: 0, retirees: 0 };
  const paires = c.statut === 'disponible' ? await appariement.structuresPour(tx, c, today) : new Map<string, number>();
  return ecrirePaires(tx, { candidatId }, paires);
}

/** Pairs a structure's side; a structure with no post to fill keeps only the pairs acted upon. */
export async function apparierStructure(tx: Db, appariement: Appariement, structureId: string, today: string): Promise<{ ajoutees: number; retirees: number }> {
  const [s] = await tx.select().from(structuresRecrutement).where(eq(structuresRecrutement.structureId, structureId));
  const paires = s && s.postes - s.occupes > 0 ? await appariement.candidatsPour(tx, s, today) : new Map<string, number>();
  return ecrirePaires(tx, { structureId }, paires);
}

